import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The core (domain/, storage/, sync/) stays framework-free and runs in Node. */
const CORE_PATTERNS = [
  { group: ['react', 'react-dom', 'react/*'], message: 'domain/, storage/ and sync/ must not depend on React.' },
  { group: ['**/ui/**', '**/pwa/**', '**/app/**'], message: 'The core must not import the UI, PWA or app layers.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'playwright-report/', 'test-results/', 'dev-dist/', 'tests/bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'scripts/lib/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node, PouchDB: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The core stays framework-free and runs in Node: no React, UI or service worker code.
    files: ['src/domain/**', 'src/storage/**', 'src/sync/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: CORE_PATTERNS,
        },
      ],
    },
  },
  {
    // Inside sync/, the engine composes the other parts and nothing below it
    // reaches back up: the catch-up, the remote handles, data safety and the
    // peers' directory never import engine/; common/ imports no other part.
    files: ['src/sync/catchUp/**', 'src/sync/remote/**', 'src/sync/safety/**', 'src/sync/peers/**', 'src/sync/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...CORE_PATTERNS,
            { group: ['**/engine/*', '../engine'], message: 'Only sync/engine/ composes the sync parts; import downward, not back up.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sync/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...CORE_PATTERNS,
            { group: ['**/engine/*', '**/catchUp/*', '**/remote/*', '**/safety/*', '**/peers/*'], message: 'sync/common/ is shared by every part and imports none of them.' },
          ],
        },
      ],
    },
  },
  {
    // The UI reaches replication only through the engine and hooks.
    files: ['src/ui/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(sync|replicate|changes)$/]", message: 'The UI never calls db.sync/replicate/changes; use a hook.' },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'tests/**'],
    // Playwright fixtures that need no other fixture take `{}`, by its API.
    rules: { 'no-console': 'off', 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

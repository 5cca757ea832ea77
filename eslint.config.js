import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
          patterns: [
            { group: ['react', 'react-dom', 'react/*'], message: 'domain/, storage/ and sync/ must not depend on React.' },
            { group: ['**/ui/**', '**/pwa/**', '**/app/**'], message: 'The core must not import the UI, PWA or app layers.' },
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

// Builds the bench page (tests/bench/page) with Vite's JS API: the app's
// own sync modules and pouchdb-browser, bundled as the app bundles them,
// without the app's PWA plugin.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../../tests/bench/page/', import.meta.url));

/** @param {string} outDir absolute path */
export async function buildBenchPage(outDir) {
  await build({
    root,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false },
  });
}

// A one-function page that fills the app's local database with the bench
// notes by bulkDocs (new_edits: false, as replication writes them): seeding
// 50,000 notes this way takes seconds, where pulling them through the app
// takes minutes on a loaded machine. Served from the app's own origin (so it
// writes the app's IndexedDB), before the app's service worker is installed
// (which would answer every navigation with the app).
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const docsModule = fileURLToPath(new URL('./docs.mjs', import.meta.url));

const HTML = '<!doctype html><meta charset="utf-8"><title>seed</title><script type="module" src="./seed.mjs"></script>';

const SCRIPT = `import PouchDB from 'pouchdb-browser';
import { benchDocs } from ${JSON.stringify(docsModule)};
window.seed = async (name, n) => {
  const db = new PouchDB(name, { auto_compaction: false });
  for (let from = 0; from < n; from += 2000) await db.bulkDocs(benchDocs(from, Math.min(n, from + 2000)), { new_edits: false });
  const info = await db.info();
  await db.close();
  return info.doc_count;
};
document.body.dataset.ready = 'true';
`;

/**
 * Builds the seeding page into `<dist>/bench-seed/`.
 * @param {string} dist the built app's directory
 * @param {string} work a scratch directory for the page's sources
 */
export async function buildSeedPage(dist, work) {
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'index.html'), HTML);
  await writeFile(join(work, 'seed.mjs'), SCRIPT);
  const out = join(work, 'out');
  await build({ root: work, base: './', configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true, target: 'es2022' } });
  await cp(out, join(dist, 'bench-seed'), { recursive: true });
}

/** Fills the app's database ("p2pcloud") of the context's origin with bench notes 0..n-1. */
export async function seedNotes(context, origin, n) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/bench-seed/index.html`);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
    const count = await page.evaluate(([name, count]) => window.seed(name, count), ['p2pcloud', n]);
    if (count < n) throw new Error(`seeding: ${count} of ${n} notes stored`);
  } finally {
    await page.close();
  }
}

// The push's direct reads of PouchDB's IndexedDB stores (src/sync/catchUp/idbChangesPage.ts)
// must answer exactly what PouchDB answers: the same changes, and the same
// revisions with the same histories. Compared in Chromium's real IndexedDB,
// on a database holding edits, deletions, conflicts, a deleted branch, an
// attachment and a _local document, read in pages of several sizes.
import { test, expect } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { startStaticServer, type StaticServer } from '../../scripts/lib/staticServer.mjs';

let site: StaticServer;
let outDir: string;

test.beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'idb-reads-'));
  await build({
    root: resolve('tests/e2e/pages/idb-reads'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  site = await startStaticServer({ root: outDir });
});

test.afterAll(async () => {
  await site?.close();
  await rm(outDir, { recursive: true, force: true });
});

test.beforeEach(async ({ page }) => {
  await page.goto(`${site.origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
});

for (const limit of [1, 3, 7, 100]) {
  test(`pages of ${limit}: the same changes and revisions as PouchDB's changes and get`, async ({ page }) => {
    const { pouch, reader } = await page.evaluate((n) => window.idbReads.compare(n), limit);
    expect(pouch.changes.length).toBeGreaterThan(10);
    expect(reader.changes).toEqual(pouch.changes);
    expect(reader.docs).toEqual(pouch.docs);
    // The conflict's losing leaf was written last: both leaves, each with its own history.
    expect(reader.docs['note:conflict']?.map((d) => d['_revisions'])).toEqual([
      { start: 2, ids: ['d', 'a'].map((h) => h.padEnd(32, '0')) },
      { start: 3, ids: ['c', 'b', 'a'].map((h) => h.padEnd(32, '0')) },
    ]);
    if (limit === 1) expect(reader.pages).toBeGreaterThan(pouch.changes.length);
  });
}

test('destroying the database is not blocked by an open reader, which then refuses to read', async ({ page }) => {
  const { afterwards, databases } = await page.evaluate(() => window.idbReads.destroyWhileOpen());
  expect(afterwards).toBe('IdbShapeUnknown');
  expect(databases.filter((name) => name?.includes('idb-reads-destroy'))).toEqual([]);
});

test('a catch-up push reads straight from the stores of this PouchDB (no fallback reported) and delivers every leaf', async ({ page }) => {
  const { fallbacks, source, target } = await page.evaluate(() => window.idbReads.push());
  // A PouchDB upgrade that changed the stores would show up here, not only as a slower push.
  expect(fallbacks).toEqual([]);
  expect(source.length).toBeGreaterThan(10);
  expect(target).toEqual(source);
});

test('a remote database gets no reader', async ({ page }) => {
  expect(await page.evaluate(() => window.idbReads.remote('http://127.0.0.1:9/none'))).toBe(true);
});

// Issue #17 end to end: export everything on device A as a zip, import it
// into a new device B, every note and file equal (text and SHA-256); import
// it again and nothing changes. The export of a file of tens of MB keeps the
// page's JavaScript heap far below the size of the export (it is streamed).
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BlobReader, TextWriter, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js/lib/zip-core-native.js';
import { expect, test } from './fixtures';
import { FilesPage } from './page-models/FilesPage';
import { SettingsExport } from './page-models/SettingsExport';
import { MemoryWatch } from './perfProbes';

const MiB = 1024 * 1024;
const SIZE = 40 * MiB;
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const NOTES = [
  { title: 'Groceries', body: '- milk\n- eggs' },
  { title: 'Trip: Lyon/Paris?', body: '# Plan\n\nDay 1: *museum*' },
  { title: 'Ünïcödé', body: 'naïve café' },
];

test('#17 export from A, import into a new device B: notes and files equal, a second import changes nothing', async ({ openDevice, browser }) => {
  test.setTimeout(240_000);
  const a = await openDevice('Laptop');
  await a.notes.goto();
  for (const note of NOTES) await a.notes.create(note.title, note.body);
  const big = { name: 'backup.bin', mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) };
  const small = { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, world\n') };
  const filesA = new FilesPage(a.page);
  await filesA.open();
  await filesA.add(big, small);

  const settingsA = new SettingsExport(a.page);
  await settingsA.open();
  // From a clean heap: what adding the 40 MB file left for the collector is not the export's.
  const cdp = await a.context.newCDPSession(a.page);
  await cdp.send('HeapProfiler.collectGarbage');
  const memory = await MemoryWatch.start(browser, [a.page]);
  const download = await settingsA.exportAll();
  const mem = await memory.stop();
  expect(download.suggestedFilename()).toMatch(/^p2pcloud-export-\d{4}-\d{2}-\d{2}\.zip$/);
  // Where a person would keep it, under the name the browser suggested.
  const zipPath = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(zipPath);
  const zipBytes = await readFile(zipPath);
  test.info().annotations.push({
    type: 'export memory',
    description: `zip ${(zipBytes.length / MiB).toFixed(1)} MiB; page JS heap growth ${(mem.heapGrowthBytes / MiB).toFixed(1)} MiB (peak ${(mem.peak.heapBytes / MiB).toFixed(1)} MiB); renderer RSS growth ${(mem.rendererRssGrowthBytes / MiB).toFixed(1)} MiB`,
  });
  console.log(test.info().annotations.at(-1)?.description);
  // Streamed: the heap holds a part or two, never the export.
  expect(mem.heapGrowthBytes).toBeLessThan(zipBytes.length / 4);

  // The zip, read outside the app: Markdown with front matter, the files byte for byte, the manifest.
  const entries = await new ZipReader(new BlobReader(new Blob([u8(zipBytes) as Uint8Array<ArrayBuffer>]))).getEntries();
  const byName = new Map(entries.map((e) => [e.filename, e]));
  expect([...byName.keys()].sort()).toEqual(
    ['files/backup.bin', 'files/hello.txt', 'notes/Groceries.md', 'notes/Trip_ Lyon_Paris_.md', 'notes/Ünïcödé.md', 'p2pcloud.json'].sort(),
  );
  const groceries = byName.get('notes/Groceries.md');
  expect(groceries && !groceries.directory ? await groceries.getData(new TextWriter()) : '').toMatch(
    /^---\nid: note:\w+\ntitle: Groceries\ncreated: .+\nupdated: .+\ndevice: Laptop\nrevision: \d+-\w+\n---\n- milk\n- eggs$/,
  );
  const bigEntry = byName.get('files/backup.bin');
  expect(bigEntry && !bigEntry.directory ? sha256(await bigEntry.getData(new Uint8ArrayWriter())) : '').toBe(sha256(u8(big.buffer)));

  const b = await openDevice('Phone');
  const settingsB = new SettingsExport(b.page);
  await settingsB.open();
  await settingsB.importFiles([zipPath]);
  await expect(settingsB.importCounts).toHaveText('Notes: 3 added, 0 updated, 0 unchanged. Files: 2 added, 0 unchanged. Skipped: 0.');

  await b.notes.goto();
  for (const note of NOTES) {
    await b.notes.open(note.title);
    await expect(b.notes.body).toHaveValue(note.body);
  }
  const filesB = new FilesPage(b.page);
  await filesB.open();
  await expect(filesB.status(big.name)).toHaveText('complete');
  expect((await filesB.downloadSha256(big.name)).sha256).toBe(sha256(u8(big.buffer)));
  expect((await filesB.downloadSha256(small.name)).sha256).toBe(sha256(u8(small.buffer)));

  await settingsB.open();
  await settingsB.importFiles([zipPath]);
  await expect(settingsB.importCounts).toHaveText('Notes: 0 added, 0 updated, 3 unchanged. Files: 0 added, 2 unchanged. Skipped: 0.');
  await b.notes.goto();
  await expect(b.notes.items).toHaveCount(3);
});

test('#17 a file that is not a zip is refused with a clear message, nothing imported', async ({ openDevice }, testInfo) => {
  const a = await openDevice('Laptop');
  await a.notes.goto();
  await a.notes.create('Only note', 'text');
  const settings = new SettingsExport(a.page);
  await settings.open();
  const notZip = testInfo.outputPath('broken.zip');
  await import('node:fs/promises').then((fs) => fs.writeFile(notZip, 'this is not a zip'));
  await settings.importFiles([notZip]);
  await expect(a.page.getByTestId('import-result')).toContainText('This is not a zip file, or it is damaged');
  await expect(a.page.getByTestId('import-result')).toContainText('Nothing was imported.');
});

test('#17 Markdown files dropped on Notes are imported as notes, and dropping them again changes nothing', async ({ page }) => {
  await page.goto('/#/notes');
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  const dropFiles = async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['---\ntitle: From another app\n---\nwritten *elsewhere*\n'], 'elsewhere.md', { type: 'text/markdown' }));
      transfer.items.add(new File(['plain words'], 'Shopping.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.getByTestId('notes-drop-zone').dispatchEvent('drop', { dataTransfer });
  };
  const counts = page.getByRole('region', { name: 'Import', exact: true }).getByTestId('import-counts');
  await dropFiles();
  await expect(counts).toHaveText('Notes: 2 added, 0 updated, 0 unchanged. Files: 0 added, 0 unchanged. Skipped: 0.');
  await expect(page.getByTestId('note-item').filter({ hasText: 'From another app' })).toBeVisible();
  await expect(page.getByTestId('note-item').filter({ hasText: 'Shopping' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();
  await dropFiles();
  await expect(counts).toHaveText('Notes: 0 added, 0 updated, 2 unchanged. Files: 0 added, 0 unchanged. Skipped: 0.');
  await expect(page.getByTestId('note-item')).toHaveCount(2);
});

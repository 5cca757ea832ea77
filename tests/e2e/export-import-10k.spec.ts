// Issue #17 item 5: import and export of 10,000 notes, timed in Chromium,
// with the page's long tasks recorded. The figures are reported on every run
// (test annotations and the log); the bounds of the issue (under 10 s each,
// no long task over 200 ms) are asserted, on a machine not shared with other
// tests: on two shared cores every figure stretches. It runs only with
// SLOW=1: minutes of a loaded CI run for a measurement (the round trip
// itself is export-import.spec.ts, in every run).
import { writeFile } from 'node:fs/promises';
import { BlobWriter, TextReader, ZipWriter } from '@zip.js/zip.js/lib/zip-core-native.js';
import { expect, test } from './fixtures';
import { SettingsExport } from './page-models/SettingsExport';
import { watchLongTasks } from './perfProbes';

const COUNT = 10_000;
const isStrict = !!process.env['SLOW'];

/** 10,000 Markdown notes from "another app", with front matter ids, as one zip. */
async function notesZip(): Promise<Buffer> {
  const zip = new ZipWriter(new BlobWriter('application/zip'), { level: 0 });
  for (let i = 0; i < COUNT; i += 1) {
    const text = `---\nid: note:bench${i}\ntitle: Note ${i}\ncreated: 2026-01-01T00:00:00.000Z\nupdated: 2026-01-01T00:00:00.000Z\ndevice: Bench\n---\n# Note ${i}\n\nSome text of note ${i}, a line or two long, as notes are.\n`;
    await zip.add(`notes/Note ${i}.md`, new TextReader(text));
  }
  return Buffer.from(await (await zip.close()).arrayBuffer());
}

test('#17 import and export of 10,000 notes: time and longest task', async ({ openDevice }, testInfo) => {
  test.skip(!isStrict, 'a timed run: SLOW=1 npm run e2e');
  test.setTimeout(300_000);
  const zipPath = testInfo.outputPath('notes-10k.zip');
  await writeFile(zipPath, new Uint8Array(await notesZip()));
  const device = await openDevice('Bench');
  const settings = new SettingsExport(device.page);
  await settings.open();
  const longTasks = await watchLongTasks(device.page);

  let started = Date.now();
  await settings.importFiles([zipPath]);
  const importMs = Date.now() - started;
  await expect(settings.importCounts).toHaveText(`Notes: ${COUNT} added, 0 updated, 0 unchanged. Files: 0 added, 0 unchanged. Skipped: 0.`);
  const importTasks = await longTasks();

  started = Date.now();
  const download = await settings.exportAll();
  const exportMs = Date.now() - started;
  await expect(device.page.getByTestId('export-result')).toContainText(`Exported ${COUNT} notes and 0 files`);
  const exported = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(exported);
  const allTasks = await longTasks();
  const exportTasks = allTasks.slice(importTasks.length);

  started = Date.now();
  await settings.importFiles([exported]);
  const reimportMs = Date.now() - started;
  await expect(settings.importCounts).toHaveText(`Notes: 0 added, 0 updated, ${COUNT} unchanged. Files: 0 added, 0 unchanged. Skipped: 0.`);

  const longest = (tasks: number[]) => Math.max(0, ...tasks);
  const figures = `import ${importMs} ms (longest task ${longest(importTasks)} ms), export ${exportMs} ms (longest task ${longest(exportTasks)} ms), re-import of the export ${reimportMs} ms`;
  testInfo.annotations.push({ type: '10,000 notes', description: figures });
  console.log(`10,000 notes: ${figures}`);
  if (isStrict) {
    expect(importMs).toBeLessThan(10_000);
    expect(exportMs).toBeLessThan(10_000);
    expect(longest(allTasks)).toBeLessThanOrEqual(200);
  }
});

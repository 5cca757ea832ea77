// Export from one device, import into another: every note, every competing
// version and every file arrives equal; importing again changes nothing; an
// older export never overwrites what changed since.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobReader, BlobWriter, TextReader, TextWriter, ZipReader, ZipWriter } from '@zip.js/zip.js/lib/zip-core-native.js';
import { CHUNK_SIZE } from '../../../src/domain/file';
import type { Manifest } from '../../../src/domain/exportManifest';
import { exportArchive } from '../../../src/storage/exportArchive';
import { importEntries, type ImportSummary } from '../../../src/storage/importArchive';
import { zipEntries } from '../../../src/storage/importSources';
import { FilesStore } from '../../../src/storage/files';
import { NotesStore } from '../../../src/storage/notes';
import { ConflictStore } from '../../../src/storage/conflicts';
import type { NoteId } from '../../../src/domain/ids';
import { newLocalDb } from '../../support/nodePouch';

const nodeBody = (bytes: Uint8Array) => Buffer.from(bytes);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function importZip(db: PouchDB.Database, zip: Blob, device = 'Phone'): Promise<ImportSummary> {
  return importEntries(db, await zipEntries(zip), { deviceName: () => device, attachmentBody: nodeBody });
}

async function zipContents(zip: Blob): Promise<Map<string, string>> {
  const entries = await new ZipReader(new BlobReader(zip)).getEntries();
  const out = new Map<string, string>();
  for (const e of entries) if (!e.directory) out.set(e.filename, await e.getData(new TextWriter()));
  return out;
}

/** A zip with the entries given, for an export edited by hand. */
async function rezip(files: Map<string, string>): Promise<Blob> {
  const zip = new ZipWriter(new BlobWriter('application/zip'));
  for (const [name, text] of files) await zip.add(name, new TextReader(text));
  return zip.close();
}

async function deviceWithContent() {
  const db = newLocalDb();
  const notes = new NotesStore(db, () => 'Laptop');
  const files = new FilesStore(db, { deviceName: () => 'Laptop', attachmentBody: nodeBody });
  const plain = await notes.create({ title: 'Groceries: milk/eggs?', body: '- milk\n- eggs\n' });
  const empty = await notes.create({ title: '', body: '# Heading only\n\ntext' });
  const contested = await notes.create({ title: 'Plan', body: 'v1' });
  // A competing version, as replication brings one from another device.
  const other = newLocalDb();
  await db.replicate.to(other);
  await new NotesStore(other, () => 'Phone B').update(contested.id, { title: 'Plan', body: 'phone version' });
  await notes.update(contested.id, { title: 'Plan', body: 'laptop version' });
  await other.replicate.to(db);
  const content = new Uint8Array(randomBytes(CHUNK_SIZE * 2 + 777));
  const file = await files.add({ file: new File([content], 'report.pdf', { type: 'application/pdf' }), folder: 'work/2026' });
  return { db, notes, files, ids: [plain.id, empty.id, contested.id], content, file };
}

async function allNoteRevs(db: PouchDB.Database) {
  const res = await db.allDocs({ startkey: 'note:', endkey: 'note:\uffff', include_docs: true, conflicts: true });
  return res.rows.map((r) => ({ id: r.id, rev: r.value.rev, conflicts: (r.doc as { _conflicts?: string[] })._conflicts ?? [] }));
}

describe('export and import', () => {
  it('#17 carries every note, competing version and file to a new device, and a second import changes nothing', async () => {
    const a = await deviceWithContent();
    const { zip, notes, files } = await exportArchive(a.db);
    expect([notes, files]).toEqual([3, 1]);

    const contents = await zipContents(zip);
    const paths = [...contents.keys()].sort();
    expect(paths).toContain('notes/Groceries_ milk_eggs_.md');
    expect(paths).toContain('notes/Heading only.md');
    expect(paths.filter((p) => p.startsWith('notes/Plan'))).toHaveLength(2);
    expect(paths.some((p) => /^notes\/Plan \(conflict, (Phone B|Laptop)\)\.md$/.test(p))).toBe(true);
    expect(paths).toContain('files/work/2026/report.pdf');
    const manifest = JSON.parse(contents.get('p2pcloud.json') ?? '') as Manifest;
    expect(manifest.files[0]?.sha256).toBe(sha(a.content));
    expect(contents.get('notes/Groceries_ milk_eggs_.md')).toMatch(/^---\nid: note:[0-9a-f]+\ntitle: "Groceries: milk\/eggs\?"\ncreated: .+\nupdated: .+\ndevice: Laptop\nrevision: 1-[0-9a-f]+\n---\n- milk\n- eggs\n$/);

    const b = newLocalDb();
    const first = await importZip(b, zip);
    expect(first).toEqual({ notes: { added: 3, updated: 0, conflicts: 1, unchanged: 0 }, files: { added: 1, unchanged: 0 }, skipped: [] });
    expect(await allNoteRevs(b)).toEqual(await allNoteRevs(a.db));
    const bFiles = new FilesStore(b, { attachmentBody: nodeBody });
    const read = new Uint8Array(await (await bFiles.read(a.file.id)).arrayBuffer());
    expect(sha(read)).toBe(sha(a.content));
    expect((await bFiles.list())[0]).toMatchObject({ name: 'report.pdf', folder: 'work/2026', isComplete: true });

    const again = await importZip(b, zip);
    expect(again).toEqual({ notes: { added: 0, updated: 0, conflicts: 0, unchanged: 4 }, files: { added: 0, unchanged: 1 }, skipped: [] });
    expect(await allNoteRevs(b)).toEqual(await allNoteRevs(a.db));
  });

  it('#17 an older export never overwrites a note changed since; an edited file of it becomes a conflict to settle', async () => {
    const a = await deviceWithContent();
    const { zip } = await exportArchive(a.db);
    const [plainId] = a.ids as [NoteId];
    await a.notes.update(plainId, { title: 'Groceries: milk/eggs?', body: 'changed since the export' });

    // As exported: this device's newer version already follows it.
    const unedited = await importZip(a.db, zip);
    expect(unedited.notes).toEqual({ added: 0, updated: 0, conflicts: 0, unchanged: 4 });
    expect((await a.notes.get(plainId))?.body).toBe('changed since the export');

    // Edited in a text editor after the export: both versions stay, as after any concurrent edit.
    const contents = await zipContents(zip);
    const path = 'notes/Groceries_ milk_eggs_.md';
    contents.set(path, (contents.get(path) ?? '').replace('- eggs', '- eggs\n- butter'));
    const edited = await rezip(contents);
    const summary = await importZip(a.db, edited);
    expect(summary.notes).toMatchObject({ conflicts: 1, unchanged: 3 });
    const note = await a.notes.get(plainId);
    expect(note?.hasConflicts).toBe(true);
    const conflict = await new ConflictStore(a.db).load(plainId);
    expect([conflict?.winner.body, ...(conflict?.others ?? []).map((o) => o.body)].sort()).toEqual(['- milk\n- eggs\n- butter\n', 'changed since the export']);
    expect((await importZip(a.db, edited)).notes).toEqual({ added: 0, updated: 0, conflicts: 0, unchanged: 4 });
  });

  it('#17 an edited file of an export of a note unchanged here is an ordinary edit', async () => {
    const a = await deviceWithContent();
    const contents = await zipContents((await exportArchive(a.db)).zip);
    const path = 'notes/Heading only.md';
    contents.set(path, `${contents.get(path) ?? ''}\nmore`);
    const summary = await importZip(a.db, await rezip(contents), 'Desk');
    expect(summary.notes).toMatchObject({ updated: 1, conflicts: 0 });
    const note = await a.notes.get(a.ids[1] as NoteId);
    expect(note).toMatchObject({ body: '# Heading only\n\ntext\nmore', hasConflicts: false, updatedBy: 'Desk' });
  });

  it('#17 imports a folder of Markdown from another app, front matter optional, once', async () => {
    const db = newLocalDb();
    const files = new Map([
      ['vault/Ideas.md', '# Ideas\n\n- one'],
      ['vault/journal/2026-01-01.txt', 'plain text'],
      ['vault/Tagged.md', '---\ntitle: Tagged note\ntags: [a, b]\n---\nbody'],
      ['vault/picture.png', 'not a note'],
    ]);
    const zip = await rezip(files);
    const summary = await importZip(db, zip);
    expect(summary.notes.added).toBe(3);
    expect(summary.skipped).toEqual([{ path: 'picture.png', reason: 'not a note (.md or .txt)' }]);
    const titles = (await new NotesStore(db).list()).map((n) => n.title).sort();
    expect(titles).toEqual(['2026-01-01', 'Ideas', 'Tagged note']);
    expect((await importZip(db, zip)).notes).toEqual({ added: 0, updated: 0, conflicts: 0, unchanged: 3 });
  });
});

// Bad input to an import gets a clear message and imports nothing wrong:
// not a zip, a damaged zip, unsafe paths, a zip bomb, names that are not
// UTF-8, two entries of one name, a file that does not match its manifest,
// a damaged manifest. Zips are built byte by byte here where a zip library
// would refuse to write what a hostile archive holds.
import { crc32, deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobReader, BlobWriter, TextReader, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from '@zip.js/zip.js/lib/zip-core-native.js';
import { exportArchive } from '../../../src/storage/exportArchive';
import { importEntries } from '../../../src/storage/importArchive';
import { ImportError, zipEntries } from '../../../src/storage/importSources';
import { FilesStore } from '../../../src/storage/files';
import { NotesStore } from '../../../src/storage/notes';
import { newLocalDb } from '../../support/nodePouch';

const nodeBody = (bytes: Uint8Array) => Buffer.from(bytes);
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Uint8Array<ArrayBuffer>;

interface RawEntry {
  name: Uint8Array | string;
  data: Uint8Array;
  /** Deflate the data (method 8) instead of storing it. */
  deflate?: boolean;
  utf8Flag?: boolean;
}

/** A zip written field by field (PKWARE APPNOTE 4.3), so names and sizes are exactly what the test says. */
function rawZip(entries: RawEntry[]): Blob {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? new TextEncoder().encode(entry.name) : entry.name;
    const body = entry.deflate ? u8(deflateRawSync(entry.data)) : entry.data;
    const crc = crc32(entry.data);
    const flags = entry.utf8Flag === false ? 0 : 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(flags, 8);
    dir.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(entry.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(u8(local), name, body);
    central.push(u8(dir), name);
    offset += local.length + name.length + body.length;
  }
  const size = central.reduce((sum, p) => sum + p.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return new Blob([...parts, ...central, u8(end)].map((p) => p as Uint8Array<ArrayBuffer>));
}

const note = (text: string) => new TextEncoder().encode(text);

async function importZip(db: PouchDB.Database, zip: Blob) {
  return importEntries(db, await zipEntries(zip), { deviceName: () => 'Phone', attachmentBody: nodeBody });
}

async function docCount(db: PouchDB.Database): Promise<number> {
  return (await db.allDocs()).rows.length;
}

describe('bad input to an import', () => {
  it('#17 a file that is not a zip, or a cut-off zip, is refused whole', async () => {
    await expect(zipEntries(new Blob(['just some text, not a zip']))).rejects.toThrow(ImportError);
    await expect(zipEntries(new Blob(['just some text']))).rejects.toThrow(/not a zip file, or it is damaged.*Nothing was imported/);
    const good = await rawZip([{ name: 'a.md', data: note('hello') }]).arrayBuffer();
    await expect(zipEntries(new Blob([good.slice(0, good.byteLength - 10)]))).rejects.toThrow(/not a zip file, or it is damaged/);
  });

  it('#17 an entry whose content is damaged (CRC) is skipped with the reason; the others are imported', async () => {
    const bytes = new Uint8Array(await rawZip([{ name: 'bad.md', data: note('hello world') }, { name: 'good.md', data: note('fine') }]).arrayBuffer());
    const at = 30 + 'bad.md'.length; // first byte of bad.md's content
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    const db = newLocalDb();
    const summary = await importZip(db, new Blob([bytes]));
    expect(summary.notes.added).toBe(1);
    expect(summary.skipped.map((s) => s.path)).toEqual(['bad.md']);
    expect(summary.skipped[0]?.reason).toMatch(/^damaged \(/);
  });

  it('#17 paths with ../ or absolute are never used; names that are not UTF-8 and names used twice are skipped', async () => {
    const db = newLocalDb();
    const zip = rawZip([
      { name: '../escape.md', data: note('up') },
      { name: 'notes/../../escape2.md', data: note('up') },
      { name: '/etc/passwd.md', data: note('abs') },
      { name: 'C:\\Windows\\x.md', data: note('abs') },
      { name: new Uint8Array([0x6e, 0xff, 0xfe, 0x2e, 0x6d, 0x64]), data: note('bad name'), utf8Flag: false },
      { name: 'twice.md', data: note('one') },
      { name: 'twice.md', data: note('two') },
      { name: 'ok.md', data: note('fine') },
    ]);
    const summary = await importZip(db, zip);
    expect(summary.notes).toEqual({ added: 1, updated: 0, conflicts: 0, unchanged: 0 });
    const reasons = summary.skipped.map((s) => s.reason);
    expect(reasons.filter((r) => r.includes('../'))).toHaveLength(2);
    expect(reasons.filter((r) => r.startsWith('an absolute path'))).toHaveLength(2);
    expect(reasons).toContain('its name is not valid UTF-8');
    expect(summary.skipped).toContainEqual({ path: 'twice.md', reason: '2 entries have this name; none was imported' });
    expect((await new NotesStore(db).list()).map((n) => n.title)).toEqual(['ok']);
  });

  it('#17 a zip bomb is refused before anything is read', async () => {
    const db = newLocalDb();
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const zip = rawZip([{ name: 'bomb.md', data: zeros, deflate: true }, { name: 'ok.md', data: note('fine') }]);
    expect(zip.size).toBeLessThan(200_000);
    await expect(zipEntries(zip)).rejects.toThrow(/zip bomb: an entry expands more than 100 times its compressed size\. Nothing was imported\./);
    expect(await docCount(db)).toBe(0);
  });

  it('#17 a file whose content does not match its SHA-256 in the manifest is skipped and leaves nothing behind', async () => {
    const a = newLocalDb();
    await new NotesStore(a, () => 'Laptop').create({ title: 'Note', body: 'text' });
    await new FilesStore(a, { attachmentBody: nodeBody }).add({ file: new File([u8(randomBytes(3000))], 'data.bin') });
    const exported = (await exportArchive(a)).zip;
    // The same archive with the file's bytes replaced.
    const entries = await new ZipReader(new BlobReader(exported)).getEntries();
    const writer = new ZipWriter(new BlobWriter('application/zip'));
    for (const e of entries) {
      if (e.directory) continue;
      const data = e.filename === 'files/data.bin' ? u8(randomBytes(3000)) : await e.getData(new Uint8ArrayWriter());
      await writer.add(e.filename, new Uint8ArrayReader(data));
    }
    const b = newLocalDb();
    const summary = await importZip(b, await writer.close());
    expect(summary.notes.added).toBe(1);
    expect(summary.files.added).toBe(0);
    expect(summary.skipped).toEqual([{ path: 'files/data.bin', reason: 'its content does not match its SHA-256 in p2pcloud.json' }]);
    const left = await b.allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
    expect(left.rows).toEqual([]);
    expect((await b.allDocs({ startkey: 'file:', endkey: 'file:\uffff' })).rows).toEqual([]);
  });

  it('#17 a damaged p2pcloud.json refuses the whole import', async () => {
    const db = newLocalDb();
    const writer = new ZipWriter(new BlobWriter('application/zip'));
    await writer.add('notes/a.md', new TextReader('---\nid: note:abc\n---\nbody'));
    await writer.add('p2pcloud.json', new TextReader('{"format": "p2pcloud-export", "version": 1, "notes": [{"id": 3}]'));
    await expect(importZip(db, await writer.close())).rejects.toThrow(/p2pcloud.json is not valid JSON\. Nothing was imported\./);
    expect(await docCount(db)).toBe(0);
  });
});

describe('cancelling an export', () => {
  it('#17 stops it with an AbortError', async () => {
    const db = newLocalDb();
    const notes = new NotesStore(db);
    for (let i = 0; i < 30; i += 1) await notes.create({ title: `n${i}`, body: 'x' });
    const controller = new AbortController();
    const run = exportArchive(db, { signal: controller.signal, onProgress: (p) => p.notesTotal > 0 && controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

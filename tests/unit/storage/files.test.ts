import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, Sha256, chunkIdFor, type AddProgress } from '../../../src/domain/file';
import { FileError, FilesStore } from '../../../src/storage/files';
import { newLocalDb } from '../../support/nodePouch';

const nodeBody = (bytes: Uint8Array) => Buffer.from(bytes);
const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function store(db: PouchDB.Database, device = 'Laptop', estimate?: () => Promise<{ quota?: number; usage?: number }>) {
  return new FilesStore(db, { deviceName: () => device, attachmentBody: nodeBody, ...(estimate ? { estimate } : {}) });
}

function fileOf(bytes: Uint8Array, name: string, type = 'application/octet-stream'): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
}

async function chunkIds(db: PouchDB.Database): Promise<string[]> {
  const res = await db.allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
  return res.rows.map((r) => r.id);
}

describe('streaming SHA-256', () => {
  it('matches Node for any split of the input', () => {
    const data = randomBytes(1000);
    for (const cut of [0, 1, 55, 56, 63, 64, 65, 999]) {
      const h = new Sha256().update(data.subarray(0, cut)).update(data.subarray(cut));
      expect(h.hex()).toBe(sha(data));
    }
    expect(new Sha256().hex()).toBe(sha(new Uint8Array()));
  });
});

describe('adding files', () => {
  it('splits into 1 MiB chunks, stores identical chunks once, and records the whole-file hash', async () => {
    const db = newLocalDb();
    const files = store(db);
    const block = randomBytes(CHUNK_SIZE);
    const tail = randomBytes(1234);
    const bytes = concat(block, block, tail);
    const seen: AddProgress[] = [];
    const added = await files.add({ file: fileOf(bytes, 'twice.bin'), folder: '/docs//a/', onProgress: (p) => seen.push(p) });

    expect(added.size).toBe(bytes.length);
    expect(added.sha256).toBe(sha(bytes));
    expect(added.chunks).toEqual([sha(block), sha(block), sha(tail)]);
    expect(added.addedBy).toBe('Laptop');
    expect(added.folder).toBe('docs/a');
    expect((await chunkIds(db)).sort()).toEqual([chunkIdFor(sha(block)), chunkIdFor(sha(tail))].sort());
    expect(seen.at(-1)).toEqual({ bytesHashed: bytes.length, bytesWritten: bytes.length, total: bytes.length });

    // A second file sharing a chunk adds only what is new.
    await files.add({ file: fileOf(concat(block, tail), 'other.bin') });
    expect(await chunkIds(db)).toHaveLength(2);
    const list = await files.list();
    expect(list.map((f) => f.name)).toEqual(['other.bin', 'twice.bin']);
    expect(list.every((f) => f.isComplete)).toBe(true);
  });

  it('reads back the exact bytes, verified, and refuses content that does not match its hash', async () => {
    const db = newLocalDb();
    const files = store(db);
    const bytes = randomBytes(CHUNK_SIZE + 10);
    const added = await files.add({ file: fileOf(bytes, 'a.pdf', 'application/pdf') });
    const blob = await files.read(added.id);
    expect(blob.type).toBe('application/pdf');
    expect(sha(new Uint8Array(await blob.arrayBuffer()))).toBe(sha(bytes));

    // Tamper with one chunk's content behind the store's back.
    const id = chunkIdFor(added.chunks[1] ?? '');
    const doc = await db.get(id);
    await db.put({ ...doc, _attachments: { data: { content_type: 'application/octet-stream', data: Buffer.from('evil') } } });
    await expect(files.read(added.id)).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('refuses a file that does not fit before writing anything', async () => {
    const db = newLocalDb();
    const files = store(db, 'Phone', () => Promise.resolve({ quota: 1000, usage: 900 }));
    const err: unknown = await files.add({ file: fileOf(randomBytes(500), 'big.bin') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileError);
    expect((err as FileError).code).toBe('no-space');
    expect((err as FileError).message).toContain('needs 500 B');
    expect((await db.allDocs()).rows).toHaveLength(0);
  });

  it('writes no file document when storage runs out midway', async () => {
    const db = newLocalDb();
    const files = store(db);
    const put = db.put.bind(db);
    let puts = 0;
    db.put = ((doc: object) => {
      puts += 1;
      if (puts === 2) return Promise.reject(Object.assign(new Error('QuotaExceededError: quota exceeded'), { status: 500 }));
      return put(doc as PouchDB.Core.PutDocument<object>);
    });
    const err: unknown = await files.add({ file: fileOf(randomBytes(3 * CHUNK_SIZE), 'x.bin') }).catch((e: unknown) => e);
    expect((err as FileError).code).toBe('storage-full');
    expect(await files.list()).toEqual([]);
  });

  it('stores a thumbnail with the file document', async () => {
    const db = newLocalDb();
    const files = store(db);
    const thumb = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    const added = await files.add({ file: fileOf(randomBytes(100), 'p.png', 'image/png'), thumbnail: thumb });
    expect(added.hasThumbnail).toBe(true);
    const got = await files.thumbnail(added.id);
    expect(new Uint8Array(await (got ?? new Blob()).arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
  });
});

describe('files on a second device', () => {
  it('are incomplete until every chunk has arrived, and never readable before', async () => {
    const dbA = newLocalDb();
    const dbB = newLocalDb();
    const a = store(dbA, 'Laptop');
    const b = store(dbB, 'Phone');
    const bytes = randomBytes(3 * CHUNK_SIZE);
    const added = await a.add({ file: fileOf(bytes, 'three.bin') });

    // Only the file doc and the first chunk travel.
    await dbA.replicate.to(dbB, { doc_ids: [added.id, chunkIdFor(added.chunks[0] ?? '')] });
    const [partial] = await b.list();
    expect(partial?.isComplete).toBe(false);
    expect(partial?.presence).toEqual({ present: 1, total: 3 });
    const err: unknown = await b.read(added.id).catch((e: unknown) => e);
    expect((err as FileError).code).toBe('incomplete');
    expect((err as FileError).message).toContain('1 of 3 parts here');

    await dbA.replicate.to(dbB);
    const [whole] = await b.list();
    expect(whole?.isComplete).toBe(true);
    expect(whole?.addedBy).toBe('Laptop');
    expect(sha(new Uint8Array(await (await b.read(added.id)).arrayBuffer()))).toBe(sha(bytes));
  });

  it('renames, moves and deletes, leaving shared chunks in place', async () => {
    const dbA = newLocalDb();
    const dbB = newLocalDb();
    const a = store(dbA, 'Laptop');
    const b = store(dbB, 'Phone');
    const bytes = randomBytes(2000);
    const first = await a.add({ file: fileOf(bytes, 'one.txt', 'text/plain') });
    const second = await a.add({ file: fileOf(bytes, 'copy.txt', 'text/plain') });
    await dbA.replicate.to(dbB);

    await b.rename(first.id, '  renamed.txt ');
    await b.move(first.id, 'notes/2026');
    await dbB.replicate.to(dbA);
    const renamed = await a.get(first.id);
    expect(renamed).toMatchObject({ name: 'renamed.txt', folder: 'notes/2026', updatedBy: 'Phone', addedBy: 'Laptop' });

    await b.remove(first.id);
    await dbB.replicate.to(dbA);
    expect((await a.list()).map((f) => f.id)).toEqual([second.id]);
    // The chunk is shared with the copy, which still reads back intact.
    expect(sha(new Uint8Array(await (await a.read(second.id)).arrayBuffer()))).toBe(sha(bytes));
  });
});

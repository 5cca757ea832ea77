// Deleting a file frees its parts, but never a part another file uses: not
// one on this device, not one another device reused meanwhile (its file
// document not here yet), not even when the deletion and the reuse happen
// at the same moment on two devices that have not synced.
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../../src/domain/file';
import { FilesStore } from '../../../src/storage/files';
import { newLocalDb } from '../../support/nodePouch';

const randomBytes = (n: number) => new Uint8Array(nodeRandomBytes(n));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const fileOf = (bytes: Uint8Array, name: string) => new File([bytes as Uint8Array<ArrayBuffer>], name);

function store(db: PouchDB.Database, device: string) {
  return new FilesStore(db, { deviceName: () => device, attachmentBody: (b) => Buffer.from(b) });
}

/** Ids of the chunk documents whose latest revision is not a deletion. */
async function liveChunks(db: PouchDB.Database): Promise<string[]> {
  const res = await db.allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
  return res.rows.map((r) => r.id).sort();
}

async function syncBoth(a: PouchDB.Database, b: PouchDB.Database, options: PouchDB.Replication.ReplicateOptions = {}) {
  await a.replicate.to(b, options);
  await b.replicate.to(a, options);
}

async function readSha(files: FilesStore, name: string): Promise<string> {
  const file = (await files.list()).find((f) => f.name === name);
  if (!file) throw new Error(`${name} is not listed`);
  return sha(new Uint8Array(await (await files.read(file.id)).arrayBuffer()));
}

describe('deleting a file frees its parts', () => {
  it('deletes the chunks only that file used, and compacts their content away', async () => {
    const db = newLocalDb();
    const files = store(db, 'Laptop');
    const shared = randomBytes(CHUNK_SIZE);
    const own = randomBytes(CHUNK_SIZE);
    const other = randomBytes(CHUNK_SIZE);
    const a = await files.add({ file: fileOf(new Uint8Array([...shared, ...own]), 'a.bin') });
    await files.add({ file: fileOf(new Uint8Array([...shared, ...other]), 'b.bin') });
    expect(await liveChunks(db)).toHaveLength(3);
    const ownId = `chunk:${sha(own)}`;
    const ownRev = (await db.get(ownId))._rev;

    await files.remove(a.id);
    expect(await liveChunks(db)).toEqual([`chunk:${sha(shared)}`, `chunk:${sha(other)}`].sort());
    // The content of the freed part is gone, not only hidden behind a deletion.
    await expect(db.get(ownId, { rev: ownRev, attachments: true })).rejects.toMatchObject({ status: 404 });
    expect(await readSha(files, 'b.bin')).toBe(sha(new Uint8Array([...shared, ...other])));
  });

  it('keeps a part another device reused, even before that device’s file document arrives', async () => {
    const laptop = newLocalDb();
    const phone = newLocalDb();
    const bytes = randomBytes(2 * CHUNK_SIZE);
    const first = await store(laptop, 'Laptop').add({ file: fileOf(bytes, 'first.bin') });
    await syncBoth(laptop, phone);
    await store(phone, 'Phone').add({ file: fileOf(bytes, 'again.bin') });
    // The phone's chunks (new revisions) reach the laptop, its file document not yet.
    const chunkIds = (await liveChunks(phone)).filter((id) => id.startsWith('chunk:'));
    await phone.replicate.to(laptop, { doc_ids: chunkIds });

    await store(laptop, 'Laptop').remove(first.id);
    await syncBoth(laptop, phone);
    expect(await liveChunks(laptop)).toHaveLength(2);
    expect(await readSha(store(laptop, 'Laptop'), 'again.bin')).toBe(sha(bytes));
    expect(await readSha(store(phone, 'Phone'), 'again.bin')).toBe(sha(bytes));
  });

  it('keeps a part reused on another device at the same moment it is freed here', async () => {
    const laptop = newLocalDb();
    const phone = newLocalDb();
    const bytes = randomBytes(CHUNK_SIZE + 10);
    const first = await store(laptop, 'Laptop').add({ file: fileOf(bytes, 'first.bin') });
    await syncBoth(laptop, phone);
    // Neither device sees the other's change before both are made.
    await store(laptop, 'Laptop').remove(first.id);
    await store(phone, 'Phone').add({ file: fileOf(bytes, 'again.bin') });
    await syncBoth(laptop, phone);

    for (const [db, name] of [[laptop, 'Laptop'], [phone, 'Phone']] as const) {
      const files = store(db, name);
      expect((await files.list()).map((f) => f.name)).toEqual(['again.bin']);
      expect(await readSha(files, 'again.bin')).toBe(sha(bytes));
    }
  });

  it('frees a part that a later file reused once that file is deleted too', async () => {
    const db = newLocalDb();
    const files = store(db, 'Laptop');
    const bytes = randomBytes(CHUNK_SIZE);
    const first = await files.add({ file: fileOf(bytes, 'one.bin') });
    const second = await files.add({ file: fileOf(bytes, 'two.bin') });
    await files.remove(first.id);
    expect(await liveChunks(db)).toHaveLength(1);
    await files.remove(second.id);
    expect(await liveChunks(db)).toEqual([]);
  });
});

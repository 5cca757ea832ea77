import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { combineFileChanges, type FileId, type FileMetadata } from '../../../src/domain/file';
import { watchChanges } from '../../../src/storage/changes';
import { FileConflictStore, type FileConflict } from '../../../src/storage/fileConflicts';
import { FilesStore } from '../../../src/storage/files';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const nodeBody = (bytes: Uint8Array) => Buffer.from(bytes);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const content = new TextEncoder().encode('the minutes of the meeting');

const servers: PeerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function store(db: PouchDB.Database, device: string) {
  return new FilesStore(db, { deviceName: () => device, attachmentBody: nodeBody });
}

/**
 * Two devices that share a file (with a thumbnail), then change it while apart.
 * `meet` syncs them directly, or through a real peer when `viaPeer` is set.
 */
async function twoDevices(viaPeer?: PouchDB.Database) {
  const dbA = newLocalDb();
  const dbB = newLocalDb();
  const a = store(dbA, 'Laptop');
  const b = store(dbB, 'Phone');
  const file = new File([content], 'minutes.txt', { type: 'text/plain' });
  const added = await a.add({ file, folder: 'work', thumbnail: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }) });
  const meet = async () => {
    if (viaPeer) {
      for (const db of [dbA, dbB, dbA]) await db.sync(viaPeer);
    } else {
      await dbA.replicate.to(dbB);
      await dbB.replicate.to(dbA);
    }
  };
  await meet();
  return { dbA, dbB, a, b, id: added.id, meet };
}

async function conflictOn(db: PouchDB.Database, id: FileId): Promise<FileConflict> {
  const conflict = await new FileConflictStore(db).load(id);
  if (!conflict) throw new Error(`expected a conflict on ${id}`);
  return conflict;
}

const liveChunks = async (db: PouchDB.Database) =>
  (await db.allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' })).rows.map((row) => row.id);

const leaves = async (db: PouchDB.Database, id: string) =>
  (await db.get(id, { open_revs: 'all' })).map((l) => ('ok' in l ? l.ok._rev : '')).sort();

describe('a file changed on two devices at once', () => {
  it('rename against move: both versions are kept and shown on both devices, with device and time', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'minutes-final.txt');
    await b.move(id, 'archive/2026');
    await meet();
    for (const [files, db] of [[a, dbA], [b, dbB]] as const) {
      const [listed] = await files.list();
      expect(listed).toMatchObject({ hasConflicts: true, isDeletedElsewhere: false });
      expect(await files.get(id)).toMatchObject({ hasConflicts: true, isDeletedElsewhere: false });
      const conflict = await conflictOn(db, id);
      const versions = [conflict.winner, ...conflict.others].map(({ name, folder, updatedBy }) => ({ name, folder, updatedBy }));
      expect(versions.sort((x, y) => x.updatedBy.localeCompare(y.updatedBy))).toEqual([
        { name: 'minutes-final.txt', folder: 'work', updatedBy: 'Laptop' },
        { name: 'minutes.txt', folder: 'archive/2026', updatedBy: 'Phone' },
      ]);
      expect(conflict.winner.updatedAt).toMatch(/^\d{4}-/);
      expect(conflict.deletions).toEqual([]);
      expect(conflict.base).toEqual({ name: 'minutes.txt', folder: 'work' });
    }
  });

  it('rename against move can keep both changes, the same on both devices', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'minutes-final.txt');
    await b.move(id, 'archive/2026');
    await meet();
    const proposals = await Promise.all(
      [dbA, dbB].map(async (db) => {
        const conflict = await conflictOn(db, id);
        return combineFileChanges(conflict.base ?? conflict.winner, [conflict.winner, ...conflict.others]);
      }),
    );
    expect(proposals).toEqual([
      { name: 'minutes-final.txt', folder: 'archive/2026' },
      { name: 'minutes-final.txt', folder: 'archive/2026' },
    ]);
    await new FileConflictStore(dbB).keep(await conflictOn(dbB, id), proposals[1]!);
    await meet();
    for (const files of [a, b]) {
      expect(await files.get(id)).toMatchObject({ name: 'minutes-final.txt', folder: 'archive/2026', hasConflicts: false });
    }
  });

  it('keeping one version settles it on both devices; content and thumbnail are untouched', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'minutes-final.txt');
    await b.move(id, 'archive/2026');
    await meet();
    const conflict = await conflictOn(dbA, id);
    const phone = [conflict.winner, ...conflict.others].find((v) => v.updatedBy === 'Phone');
    await new FileConflictStore(dbA).keep(conflict, phone ?? conflict.winner);
    await meet();
    for (const files of [a, b]) {
      const file = await files.get(id);
      expect(file).toMatchObject({ name: 'minutes.txt', folder: 'archive/2026', hasConflicts: false, isDeletedElsewhere: false });
      expect(file?.updatedBy).toBe('Laptop + Phone (resolved)');
      const bytes = new Uint8Array(await (await files.read(id)).arrayBuffer());
      expect(sha(bytes)).toBe(sha(content));
      expect((await files.thumbnail(id))?.size).toBe(3);
    }
    expect(await new FileConflictStore(dbB).load(id)).toBeUndefined();
  });

  it('rename against delete: the rename survives, marked deleted on another device, with who deleted it', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'keep-me.txt');
    await b.remove(id);
    await meet();
    for (const [files, db] of [[a, dbA], [b, dbB]] as const) {
      expect(await files.list()).toMatchObject([{ name: 'keep-me.txt', hasConflicts: false, isDeletedElsewhere: true }]);
      expect(await files.get(id)).toMatchObject({ isDeletedElsewhere: true });
      const conflict = await conflictOn(db, id);
      expect(conflict.others).toEqual([]);
      expect(conflict.deletions).toMatchObject([{ updatedBy: 'Phone', isDeleted: true }]);
    }
  });

  it('kept despite the deletion on one device: no longer marked anywhere, and stays kept after a later resolution', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'keep-me.txt');
    await b.remove(id);
    await meet();
    const conflict = await conflictOn(dbB, id);
    await new FileConflictStore(dbB).keep(conflict, conflict.winner);
    await meet();
    for (const files of [a, b]) expect(await files.list()).toMatchObject([{ name: 'keep-me.txt', isDeletedElsewhere: false }]);

    // A later rename-against-rename conflict, resolved: the old deletion must not come back.
    await a.rename(id, 'one.txt');
    await b.rename(id, 'two.txt');
    await meet();
    const again = await conflictOn(dbA, id);
    expect(again.deletions).toEqual([]);
    await new FileConflictStore(dbA).keep(again, { name: 'two.txt', folder: 'work' });
    await meet();
    for (const files of [a, b]) expect(await files.list()).toMatchObject([{ name: 'two.txt', hasConflicts: false, isDeletedElsewhere: false }]);
  });

  it('two renames and a deletion on three devices: keeping one version also overrules the deletion', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    const dbC = newLocalDb();
    await dbA.replicate.to(dbC);
    await a.rename(id, 'a.txt');
    await b.rename(id, 'b.txt');
    await store(dbC, 'Tablet').remove(id);
    await dbC.replicate.to(dbA);
    await meet();
    const conflict = await conflictOn(dbB, id);
    expect(conflict.others).toHaveLength(1);
    expect(conflict.deletions).toMatchObject([{ updatedBy: 'Tablet' }]);
    await new FileConflictStore(dbB).keep(conflict, { name: 'a.txt', folder: 'work' });
    await meet();
    for (const files of [a, b]) {
      expect(await files.list()).toMatchObject([{ name: 'a.txt', hasConflicts: false, isDeletedElsewhere: false }]);
    }
  });

  it('accepting the deletion removes the file on both devices', async () => {
    const { dbA, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'keep-me.txt');
    await b.remove(id);
    await meet();
    await new FileConflictStore(dbA).acceptDeletion(await conflictOn(dbA, id));
    await meet();
    expect(await a.list()).toEqual([]);
    expect(await b.list()).toEqual([]);
    expect(await a.get(id)).toBeUndefined();
  });

  it('renamed on one device while deleted on another: the kept file gets its pieces back on both, and Delete everywhere frees them', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.rename(id, 'kept.txt');
    await b.remove(id);
    await meet();
    // The deletion freed the pieces on every device, but the rename keeps the file: the
    // device that still holds the content (A, which did not compact) writes it back.
    expect(await a.list()).toMatchObject([{ name: 'kept.txt', isComplete: true, isDeletedElsewhere: true }]);
    expect(new Uint8Array(await (await a.read(id)).arrayBuffer())).toEqual(content);
    await meet();
    expect(await b.list()).toMatchObject([{ name: 'kept.txt', isComplete: true }]);
    expect(new Uint8Array(await (await b.read(id)).arrayBuffer())).toEqual(content);
    await new FileConflictStore(dbA).acceptDeletion(await conflictOn(dbA, id));
    await meet();
    for (const db of [dbA, dbB]) expect(await liveChunks(db)).toEqual([]);
  });

  it('the pieces come back as soon as the deletion arrives, in either order, with nobody opening the file list; a file deleted for good stays freed', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    const draftBytes = new TextEncoder().encode('an old draft');
    const gone = await a.add({ file: new File([draftBytes], 'draft.txt', { type: 'text/plain' }) });
    await meet();
    const failures: unknown[] = [];
    const stop = watchChanges(dbA, a.freedPartsWatcher((err) => failures.push(err)));
    // A peer's changes feed promises no order between documents: here the pieces' deletions
    // reach A before the deletion of their file.
    const piecesFirst = async () => {
      await dbB.replicate.to(dbA, { filter: (doc: { _id: string }) => doc._id.startsWith('chunk:') });
      await meet();
    };
    try {
      // A plain deletion first: its pieces must stay freed, though its file was still here when they went.
      await b.remove(gone.id);
      await piecesFirst();
      // Then the rename/delete race.
      await a.rename(id, 'kept.txt');
      await b.remove(id);
      await piecesFirst();
      const kept = await dbA.get(id);
      const piece = `chunk:${(kept as unknown as { chunks: string[] }).chunks[0]}`;
      // Watched, not listed: A writes the piece back on its own.
      const restored = await waitFor('the kept file\'s piece back on A', () =>
        dbA.get<{ restored?: boolean }>(piece).catch(() => undefined),
      );
      expect(restored.restored).toBe(true);
      // Passes run in order of the changes: the draft's were looked at first, and its piece stays freed.
      const draftPiece = `chunk:${sha(draftBytes)}`;
      await expect(dbA.get(draftPiece)).rejects.toMatchObject({ status: 404 });
      await meet();
      expect((await dbB.get<{ restored?: boolean }>(piece)).restored).toBe(true);
      expect(new Uint8Array(await (await b.read(id)).arrayBuffer())).toEqual(content);
      await expect(dbB.get(draftPiece)).rejects.toMatchObject({ status: 404 });
      expect(failures).toEqual([]);
    } finally {
      stop();
    }
  });

  it('resolved the same way on two devices through a real peer: identical revisions, no new conflict', async () => {
    const server = await startTestPeer();
    servers.push(server);
    const peer = openRemote(server.dbUrl('notes'), { username: MEMBER.username, password: MEMBER.password });
    const { dbA, dbB, a, b, id, meet } = await twoDevices(peer);
    await a.rename(id, 'a.txt');
    await b.rename(id, 'b.txt');
    await meet();
    const choice = { name: 'b.txt', folder: 'work' };
    await new FileConflictStore(dbA).keep(await conflictOn(dbA, id), choice);
    await new FileConflictStore(dbB).keep(await conflictOn(dbB, id), choice);
    const written = [(await dbA.get(id))._rev, (await dbB.get(id))._rev];
    expect(written[0]).toBe(written[1]);
    await meet();
    const [fileA, fileB] = [await a.get(id), await b.get(id)];
    expect(fileA).toMatchObject({ name: 'b.txt', hasConflicts: false, rev: written[0] });
    expect(fileB).toMatchObject({ name: 'b.txt', hasConflicts: false, rev: written[0] });
    expect(await leaves(dbA, id)).toEqual(await leaves(dbB, id));
    const onPeer = (await peer.get(id, { conflicts: true })) as { _rev: string; _conflicts?: string[] };
    expect(onPeer._rev).toBe(written[0]);
    expect(onPeer._conflicts).toBeUndefined();
  });

  it('resolved differently on two devices: a new conflict showing both choices', async () => {
    const { dbA, dbB, a, id, meet } = await twoDevices();
    await a.rename(id, 'a.txt');
    await store(dbB, 'Phone').rename(id, 'b.txt');
    await meet();
    await new FileConflictStore(dbA).keep(await conflictOn(dbA, id), { name: 'a.txt', folder: 'work' });
    await new FileConflictStore(dbB).keep(await conflictOn(dbB, id), { name: 'b.txt', folder: 'work' });
    await meet();
    const conflict = await conflictOn(dbA, id);
    expect([conflict.winner, ...conflict.others].map((v) => v.name).sort()).toEqual(['a.txt', 'b.txt']);
  });
});

describe('combining changes to a name and folder', () => {
  const base = { name: 'a.txt', folder: 'work' };
  const cases: Array<[string, FileMetadata[], FileMetadata | undefined]> = [
    ['rename and move', [{ name: 'b.txt', folder: 'work' }, { name: 'a.txt', folder: 'old' }], { name: 'b.txt', folder: 'old' }],
    ['two different renames clash', [{ name: 'b.txt', folder: 'work' }, { name: 'c.txt', folder: 'work' }], undefined],
    ['the same rename twice: nothing to combine', [{ name: 'b.txt', folder: 'work' }, { name: 'b.txt', folder: 'work' }], undefined],
    ['one side changed nothing: nothing to combine', [{ name: 'b.txt', folder: 'x' }, base], undefined],
    ['rename, move and the same rename', [{ name: 'b.txt', folder: 'work' }, { name: 'b.txt', folder: 'work' }, { name: 'a.txt', folder: 'x' }], { name: 'b.txt', folder: 'x' }],
    ['moves to two folders clash', [{ name: 'b.txt', folder: 'x' }, { name: 'a.txt', folder: 'y' }], undefined],
  ];
  it.each(cases)('%s', (_, versions, expected) => {
    expect(combineFileChanges(base, versions)).toEqual(expected);
    // Whichever device is local, the proposal is the same.
    expect(combineFileChanges(base, [...versions].reverse())).toEqual(expected);
  });
});

describe('listing many files', () => {
  it('reads every leaf only of files whose revision tree branches, and only again when it changes', async () => {
    const { dbA, a, b, id, meet } = await twoDevices();
    for (let i = 0; i < 20; i += 1) await a.add({ file: new File([`file ${i}`], `f${i}.txt`) });
    await a.rename(id, 'keep-me.txt');
    await b.remove(id);
    await meet();
    // Count the requests that read every leaf of a document, by wrapping the one method.
    const get = dbA.get.bind(dbA) as (...args: unknown[]) => unknown;
    const leafReads: string[] = [];
    (dbA as { get: unknown }).get = (...args: unknown[]) => {
      const [docId, options] = args as [string, { open_revs?: unknown } | undefined];
      if (options?.open_revs) leafReads.push(docId);
      // PouchDB calls get internally with a callback too: pass everything through.
      return get(...args);
    };
    const first = await a.list();
    expect(first).toHaveLength(21);
    expect(first.filter((f) => f.isDeletedElsewhere).map((f) => f.id)).toEqual([id]);
    expect(leafReads.length).toBeLessThanOrEqual(1);
    leafReads.length = 0;
    await a.rename(first.find((f) => f.name === 'f3.txt')?.id ?? id, 'renamed.txt');
    expect((await a.list()).filter((f) => f.isDeletedElsewhere)).toHaveLength(1);
    expect(leafReads).toEqual([]);
  });
});

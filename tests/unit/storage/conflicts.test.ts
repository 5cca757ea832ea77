import { describe, expect, it } from 'vitest';
import { ConflictStore, type NoteConflict } from '../../../src/storage/conflicts';
import { NotesStore } from '../../../src/storage/notes';
import { newLocalDb } from '../../support/nodePouch';

/** Two devices that share a note, then edit it while apart. */
async function twoDevices() {
  const dbA = newLocalDb();
  const dbB = newLocalDb();
  const a = new NotesStore(dbA, () => 'Laptop');
  const b = new NotesStore(dbB, () => 'Phone');
  const note = await a.create({ title: 'Groceries', body: 'milk\nbread\neggs' });
  await dbA.replicate.to(dbB);
  const meet = async () => {
    await dbA.replicate.to(dbB);
    await dbB.replicate.to(dbA);
  };
  return { dbA, dbB, a, b, id: note.id, meet };
}

async function conflictOn(db: PouchDB.Database, id: string): Promise<NoteConflict> {
  const conflict = await new ConflictStore(db).load(id as NoteConflict['id']);
  if (!conflict) throw new Error(`expected a conflict on ${id}`);
  return conflict;
}

/** On every store, the note shows `body` marked deleted elsewhere; the conflict there names the Laptop's deletion. */
async function expectEditKeptAgainstDelete(stores: NotesStore[], db: PouchDB.Database, id: string, body: string): Promise<NoteConflict> {
  for (const store of stores) {
    const note = (await store.list()).find((n) => n.id === id);
    expect(note?.body).toBe(body);
    expect(note?.isDeletedElsewhere).toBe(true);
  }
  const conflict = await conflictOn(db, id);
  expect(conflict.deletions.map((d) => d.updatedBy)).toEqual(['Laptop']);
  return conflict;
}

describe('conflicting edits on two devices', () => {
  it('are both kept, shown on both devices, with devices and the common ancestor', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.update(id, { title: 'Groceries', body: 'oat milk\nbread\neggs' });
    await b.update(id, { title: 'Groceries', body: 'milk\nbread\neggs\ncoffee' });
    await meet();
    for (const [store, db] of [[a, dbA], [b, dbB]] as const) {
      expect((await store.get(id))?.hasConflicts).toBe(true);
      const conflict = await conflictOn(db, id);
      const bodies = [conflict.winner.body, ...conflict.others.map((o) => o.body)].sort();
      expect(bodies).toEqual(['milk\nbread\neggs\ncoffee', 'oat milk\nbread\neggs']);
      expect([conflict.winner.updatedBy, conflict.others[0]?.updatedBy].sort()).toEqual(['Laptop', 'Phone']);
      expect(conflict.base?.body).toBe('milk\nbread\neggs');
    }
  });

  it('resolved the same way on two devices at once: the same document everywhere, no new conflict', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.update(id, { title: 'Groceries', body: 'A' });
    await b.update(id, { title: 'Groceries', body: 'B' });
    await meet();
    const result = { title: 'Groceries', body: 'A and B' };
    await new ConflictStore(dbA).resolve(await conflictOn(dbA, id), result);
    await new ConflictStore(dbB).resolve(await conflictOn(dbB, id), result);
    await meet();
    const [docA, docB] = [await a.get(id), await b.get(id)];
    expect(docA?.hasConflicts).toBe(false);
    expect(docB?.hasConflicts).toBe(false);
    expect(docA?.rev).toBe(docB?.rev);
    expect(docA?.body).toBe('A and B');
  });

  it('resolved differently on two devices: a new conflict, both resolutions kept and shown', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.update(id, { title: 'Groceries', body: 'A' });
    await b.update(id, { title: 'Groceries', body: 'B' });
    await meet();
    await new ConflictStore(dbA).resolve(await conflictOn(dbA, id), { title: 'Groceries', body: 'keep A' });
    await new ConflictStore(dbB).resolve(await conflictOn(dbB, id), { title: 'Groceries', body: 'keep B' });
    await meet();
    const conflict = await conflictOn(dbA, id);
    expect([conflict.winner.body, conflict.others[0]?.body].sort()).toEqual(['keep A', 'keep B']);
    expect((await a.get(id))?.hasConflicts).toBe(true);
  });
});

describe('edit against delete', () => {
  it('keeps the edit, marks the note deleted elsewhere, and lets a person keep it', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.remove(id);
    await b.update(id, { title: 'Groceries', body: 'edited while A deleted it' });
    await meet();
    const conflict = await expectEditKeptAgainstDelete([a, b], dbA, id, 'edited while A deleted it');
    await new ConflictStore(dbA).resolve(conflict, { title: 'Groceries', body: 'edited while A deleted it' });
    await meet();
    expect((await b.list()).find((n) => n.id === id)?.isDeletedElsewhere).toBe(false);
    expect(await new ConflictStore(dbB).load(id)).toBeUndefined();
  });

  it('an edit pulled a moment before a delete is not deleted unseen: the deletion is recorded against the version on screen', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    const onScreen = (await a.get(id))!.rev;
    await b.update(id, { title: 'Groceries', body: 'edited on the phone' });
    await dbB.replicate.to(dbA); // arrives on A while the note is still on screen there
    expect(await a.remove(id, onScreen)).toBe('kept');
    // The deletion is a child of the version on screen, with its history: a branch, not a new root.
    type Leaf = { _deleted?: boolean; _revisions?: { start: number; ids: string[] } };
    const leaves = (await dbA.get(id, { open_revs: 'all', revs: true })).flatMap((leaf) => ('ok' in leaf ? [leaf.ok as Leaf] : []));
    const deletion = leaves.find((leaf) => leaf._deleted);
    const [gen, hash] = onScreen.split('-');
    expect(deletion?._revisions).toMatchObject({ start: Number(gen) + 1 });
    expect(deletion?._revisions?.ids[1]).toBe(hash);
    await meet();
    const conflict = await expectEditKeptAgainstDelete([a, b], dbB, id, 'edited on the phone');
    // Accepted on the phone: gone everywhere.
    await new ConflictStore(dbB).acceptDeletion(conflict);
    await meet();
    for (const store of [a, b]) expect((await store.list()).find((n) => n.id === id)).toBeUndefined();
  });

  it('a revision that lands between the read and the write of a delete does not make it fail', async () => {
    const { dbA, dbB, a, b, id } = await twoDevices();
    await b.update(id, { title: 'Groceries', body: 'edited on the phone' });
    // The pull lands right after the delete has read the note.
    const get = dbA.get.bind(dbA);
    let landed = false;
    const landing = async (docId: string, ...rest: unknown[]) => {
      const doc = await (get as (...args: unknown[]) => Promise<unknown>)(docId, ...rest);
      if (!landed && docId === id && rest.length === 0) {
        landed = true;
        await dbB.replicate.to(dbA);
      }
      return doc;
    };
    dbA.get = landing as unknown as typeof dbA.get;
    // Nothing seen given (a caller that means the newest): deleted.
    expect(await a.remove(id)).toBe('deleted');
    expect(landed).toBe(true);
    expect((await a.list()).find((n) => n.id === id)).toBeUndefined();
  });

  it('the version on screen being the newest is an ordinary delete', async () => {
    const { a, id } = await twoDevices();
    expect(await a.remove(id, (await a.get(id))!.rev)).toBe('deleted');
    expect(await a.get(id)).toBeUndefined();
  });

  it('a deletion overruled once stays overruled when a later conflict is resolved', async () => {
    const { dbA, dbB, a, b, id, meet } = await twoDevices();
    await a.remove(id);
    await b.update(id, { title: 'Groceries', body: 'kept' });
    await meet();
    await new ConflictStore(dbA).resolve(await conflictOn(dbA, id), { title: 'Groceries', body: 'kept' });
    await meet();
    // A new, ordinary conflict: both edit while apart, then one resolves it.
    await a.update(id, { title: 'Groceries', body: 'kept, edited on A' });
    await b.update(id, { title: 'Groceries', body: 'kept, edited on B' });
    await meet();
    const second = await conflictOn(dbB, id);
    expect(second.deletions).toEqual([]);
    await new ConflictStore(dbB).resolve(second, { title: 'Groceries', body: 'kept, merged' });
    await meet();
    for (const store of [a, b]) {
      const note = (await store.list()).find((n) => n.id === id);
      expect(note?.body).toBe('kept, merged');
      expect(note?.isDeletedElsewhere).toBe(false);
    }
    expect(await new ConflictStore(dbA).load(id)).toBeUndefined();
  });

  it('accepting the deletion deletes the note on every device', async () => {
    const { dbB, a, b, id, meet } = await twoDevices();
    await a.remove(id);
    await b.update(id, { title: 'Groceries', body: 'edited' });
    await meet();
    await new ConflictStore(dbB).acceptDeletion(await conflictOn(dbB, id));
    await meet();
    expect(await a.get(id)).toBeUndefined();
    expect(await b.get(id)).toBeUndefined();
  });
});

describe('history', () => {
  it('lists earlier versions still stored here, and a restore is a new edit', async () => {
    const db = newLocalDb();
    const store = new NotesStore(db, () => 'Laptop');
    const { id } = await store.create({ title: 'Draft', body: 'v1' });
    await store.update(id, { title: 'Draft', body: 'v2' });
    await store.update(id, { title: 'Draft', body: 'v3' });
    const versions = await new ConflictStore(db).history(id);
    expect(versions.map((v) => v.body)).toEqual(['v2', 'v1']);
    const oldest = versions[1];
    if (!oldest) throw new Error('no v1');
    await store.update(id, { title: oldest.title, body: oldest.body });
    expect((await store.get(id))?.body).toBe('v1');
    expect((await new ConflictStore(db).history(id)).map((v) => v.body)).toEqual(['v3', 'v2', 'v1']);
  });
});

describe('after a resolution', () => {
  it('the losing revision it deleted is not taken for a deletion by a person', async () => {
    const { dbA, a, b, id, meet } = await twoDevices();
    await a.update(id, { title: 'Groceries', body: 'A' });
    await b.update(id, { title: 'Groceries', body: 'B' });
    await meet();
    await new ConflictStore(dbA).resolve(await conflictOn(dbA, id), { title: 'Groceries', body: 'A' });
    await meet();
    for (const store of [a, b]) {
      const note = (await store.list()).find((n) => n.id === id);
      expect(note?.hasConflicts).toBe(false);
      expect(note?.isDeletedElsewhere).toBe(false);
    }
  });
});

describe('an edit that meets a deletion on the same device', () => {
  it('brings the note back instead of failing, and a second delete is harmless', async () => {
    const db = newLocalDb();
    const store = new NotesStore(db, () => 'Laptop');
    const { id } = await store.create({ title: 'Draft', body: 'v1' });
    await store.remove(id);
    await store.remove(id);
    const note = await store.update(id, { title: 'Draft', body: 'typed while it was deleted' });
    expect(note.body).toBe('typed while it was deleted');
    expect((await store.get(id))?.body).toBe('typed while it was deleted');
  });
});

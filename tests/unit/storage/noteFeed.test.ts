import { describe, expect, it } from 'vitest';
import { NotesStore, type NoteChange } from '../../../src/storage/notes';
import { newLocalDb } from '../../support/nodePouch';

/** Collects what {@link NotesStore.watch} reports and lets a test wait for a condition on it. */
function follow(store: NotesStore, since: number | string) {
  const seen: NoteChange[] = [];
  const waiters: Array<() => void> = [];
  const stop = store.watch(
    since,
    (changes) => {
      seen.push(...changes);
      waiters.splice(0).forEach((wake) => wake());
    },
    (err) => {
      throw err;
    },
  );
  const until = async (isDone: () => boolean) => {
    while (!isDone()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { seen, stop, until };
}

describe('reading every note in one pass, then following changes', () => {
  it('reads the same notes as list(), across several pages, newest first', async () => {
    const db = newLocalDb();
    let clock = Date.UTC(2026, 0, 1);
    const store = new NotesStore(db, () => 'Laptop', () => new Date((clock += 1000)));
    const at = (i: number) => new Date(clock + i).toISOString();
    // More than one page of the read (2,000 documents).
    await db.bulkDocs(
      Array.from({ length: 2100 }, (_, i) => ({ _id: `note:${String(i).padStart(5, '0')}`, type: 'note', title: `n${i}`, body: '', createdAt: at(i), updatedAt: at(i) })),
    );
    await db.put({ _id: 'peer:http://x', type: 'peer' });
    const gone = await store.create({ title: 'gone', body: '' });
    await store.remove(gone.id);
    const { notes, since } = await store.readAll();
    expect(notes.map((n) => n.id)).toEqual((await store.list()).map((n) => n.id));
    expect(notes).toHaveLength(2100);
    expect(notes[0]?.title).toBe('n2099');
    expect(since).toBeTruthy();
  });

  it('marks a note deleted on one device while edited on another, as list() does', async () => {
    const [dbA, dbB] = [newLocalDb(), newLocalDb()];
    const a = new NotesStore(dbA, () => 'Laptop');
    const b = new NotesStore(dbB, () => 'Phone');
    const note = await a.create({ title: 'Plans', body: 'x' });
    await dbA.replicate.to(dbB);
    await a.remove(note.id);
    await b.update(note.id, { title: 'Plans', body: 'y' });
    await dbA.replicate.to(dbB);
    const { notes } = await b.readAll();
    expect(notes).toEqual(await b.list());
    expect(notes[0]?.isDeletedElsewhere).toBe(true);
  });

  it('reports writes after the read, deletions and conflicts arriving from a peer, and nothing from before', async () => {
    const [db, peer] = [newLocalDb(), newLocalDb()];
    const store = new NotesStore(db, () => 'Laptop');
    const before = await store.create({ title: 'before', body: '' });
    const { since } = await store.readAll();
    const { seen, stop, until } = follow(store, since);
    try {
      const added = await store.create({ title: 'added', body: '' });
      await until(() => seen.some((c) => c.note?.title === 'added'));
      await store.remove(added.id);
      await until(() => seen.some((c) => c.id === added.id && !c.note));
      await db.replicate.to(peer);
      await new NotesStore(peer, () => 'Phone').update(before.id, { title: 'on the phone', body: '' });
      await store.update(before.id, { title: 'on the laptop', body: '' });
      await peer.replicate.to(db);
      await until(() => seen.some((c) => c.id === before.id && c.note?.hasConflicts === true));
      expect(seen.filter((c) => c.note?.title === 'before')).toEqual([]);
    } finally {
      stop();
    }
  });
});

// Two builds side by side: the tab of the previous version (schema 1) and a
// newer one (schema 2) on the same device, or on two devices that sync. The
// old one shows what the newer one wrote, never writes over it, and says so.
import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import { NewerSchemaError } from '../../../src/domain/schema';
import { ConflictStore } from '../../../src/storage/conflicts';
import { NotesStore } from '../../../src/storage/notes';
import { newLocalDb } from '../../support/nodePouch';

/** A build of the app that knows notes up to `schemaVersion`, and counts the newer ones it meets. */
function build(db: PouchDB.Database, schemaVersion: number, device: string) {
  const seen = { newer: 0 };
  const options = { schemaVersion, onNewerSchema: () => (seen.newer += 1) };
  return { notes: new NotesStore(db, () => device, undefined, options), conflicts: new ConflictStore(db, options), seen };
}

describe('an old tab and notes a newer version wrote', () => {
  it('the old build shows it as newer, refuses to update or delete it, and the note stays as written', async () => {
    const db = newLocalDb();
    const oldTab = build(db, 1, 'old tab');
    const newTab = build(db, 2, 'new tab');
    const note = await newTab.notes.create({ title: 'from v2', body: 'new shape' });

    const shown = await oldTab.notes.get(note.id);
    expect(shown?.isFromNewerVersion).toBe(true);
    expect(shown?.body).toBe('new shape');
    expect(oldTab.seen.newer).toBeGreaterThan(0);
    await expect(oldTab.notes.update(note.id, { title: 'from v1', body: 'old shape' })).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(oldTab.notes.remove(note.id)).rejects.toBeInstanceOf(NewerSchemaError);
    const stored = await db.get<{ schemaVersion: number; body: string }>(note.id);
    expect(stored).toMatchObject({ _rev: note.rev, schemaVersion: 2, body: 'new shape' });

    // The newer build edits it as ever, and never flags its own notes.
    expect((await newTab.notes.get(note.id))?.isFromNewerVersion).toBeUndefined();
    await newTab.notes.update(note.id, { title: 'from v2', body: 'edited by v2' });
    expect(newTab.seen.newer).toBe(0);
  });

  it('the old build edits its own notes, until the newer one has written them', async () => {
    const db = newLocalDb();
    const oldTab = build(db, 1, 'old tab');
    const newTab = build(db, 2, 'new tab');
    const note = await oldTab.notes.create({ title: 'v1 note', body: 'one' });
    await oldTab.notes.update(note.id, { title: 'v1 note', body: 'two' });
    expect((await oldTab.notes.get(note.id))?.isFromNewerVersion).toBeUndefined();
    await newTab.notes.update(note.id, { title: 'v1 note', body: 'three, upgraded' });
    await expect(oldTab.notes.update(note.id, { title: 'v1 note', body: 'four' })).rejects.toBeInstanceOf(NewerSchemaError);
    expect((await db.get<{ body: string; schemaVersion: number }>(note.id)).schemaVersion).toBe(2);
  });

  it('a note of a future schema (this build, as shipped) is never written back in the current shape', async () => {
    const db = newLocalDb();
    const notes = new NotesStore(db);
    const id = 'note:from-the-future' as NoteId;
    await db.put({ _id: id, type: 'note', schemaVersion: 99, title: 'future', body: 'kept', createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', shape: 'v99' });
    expect((await notes.get(id))?.isFromNewerVersion).toBe(true);
    await expect(notes.update(id, { title: 'future', body: 'downgraded' })).rejects.toBeInstanceOf(NewerSchemaError);
    expect(await db.get(id)).toMatchObject({ schemaVersion: 99, body: 'kept', shape: 'v99' });
  });

  it('the old build does not resolve a conflict that involves a newer version', async () => {
    const dbA = newLocalDb();
    const dbB = newLocalDb();
    const oldA = build(dbA, 1, 'Laptop');
    const newB = build(dbB, 2, 'Phone');
    const note = await oldA.notes.create({ title: 'shared', body: 'base' });
    await dbA.replicate.to(dbB);
    await oldA.notes.update(note.id, { title: 'shared', body: 'old edit' });
    await newB.notes.update(note.id, { title: 'shared', body: 'new edit' });
    await dbB.replicate.to(dbA);
    const conflict = await oldA.conflicts.load(note.id);
    if (!conflict) throw new Error('expected a conflict');
    await expect(oldA.conflicts.resolve(conflict, { title: 'shared', body: 'merged by v1' })).rejects.toBeInstanceOf(NewerSchemaError);
    await expect(oldA.conflicts.acceptDeletion(conflict)).rejects.toBeInstanceOf(NewerSchemaError);
    expect(((await dbA.get(note.id, { conflicts: true })) as { _conflicts?: string[] })._conflicts).toHaveLength(1);
    // The newer build resolves it.
    const seenByNew = await build(dbA, 2, 'Laptop, updated').conflicts.load(note.id);
    if (!seenByNew) throw new Error('expected a conflict');
    await build(dbA, 2, 'Laptop, updated').conflicts.resolve(seenByNew, { title: 'shared', body: 'merged by v2' });
    expect(await dbA.get(note.id)).toMatchObject({ body: 'merged by v2', schemaVersion: 2 });
  });
});

import { expect, it } from 'vitest';
import { NotesStore } from '../../../src/storage/notes';
import { newLocalDb } from '../../support/nodePouch';

it('titles() names the notes asked for, as lists show them, and leaves out the rest', async () => {
  const db = newLocalDb();
  const store = new NotesStore(db);
  const titled = await store.create({ title: 'Shopping', body: 'milk' });
  const untitled = await store.create({ title: '', body: 'First line of the body\nsecond line' });
  const gone = await store.create({ title: 'Gone', body: '' });
  await store.remove(gone.id);
  const other = await store.create({ title: 'Not asked for', body: '' });
  await db.put({ _id: 'chunk:1', title: 'not a note' });

  const titles = await store.titles([titled.id, untitled.id, gone.id, 'note:never-written', 'chunk:1', titled.id]);

  expect(Object.fromEntries(titles)).toEqual({ [titled.id]: 'Shopping', [untitled.id]: 'First line of the body' });
  expect(titles.has(other.id)).toBe(false);
  expect(await store.titles([])).toEqual(new Map());
});

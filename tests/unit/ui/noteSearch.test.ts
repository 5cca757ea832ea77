import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import { matchesQuery, type Note } from '../../../src/domain/note';
import { foldText } from '../../../src/domain/note';
import { NoteSearch } from '../../../src/ui/pages/notes/noteSearch';
import { WordIndex } from '../../../src/ui/pages/notes/wordIndex';

const note = (id: string, title: string, body: string): Note => ({
  id: `note:${id}` as NoteId,
  rev: '1-a',
  title,
  body,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: '',
  hasConflicts: false,
  isDeletedElsewhere: false,
});

const NOTES = [
  note('1', 'Café au lait', 'Recette du matin'),
  note('2', 'Raspberry Pi setup', 'Install CouchDB on the *Pi*'),
  note('3', 'Shopping', '- milk\n- **bread**\n- eggs'),
  note('4', 'ÉTÉ', 'Vacances à la mer, crème solaire'),
  note('5', 'Notes', 'mesh garden recipe'),
];

/** Random short notes and queries over a few letters, accents, spaces and punctuation. */
function randomCase(start: number) {
  let seed = start;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // '^' and '`' are ASCII, yet Unicode calls them diacritics: both fold paths must keep them alike.
  const alphabet = ['a', 'b', 'é', 'É', 'c', ' ', '\n', '1', ':', 'ab', 'çà', '^', '`'];
  const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const notes = Array.from({ length: 200 }, (_, i) => note(String(i), text(6), text(20)));
  const queries = Array.from({ length: 300 }, () => text(1 + Math.floor(random() * 5)));
  return { notes, queries, text };
}

describe('NoteSearch', () => {
  it('folds case and accents like the domain rule', () => {
    expect(foldText('Crème BRÛLÉE')).toBe('creme brulee');
    expect(foldText('Plain ASCII')).toBe('plain ascii');
  });

  it('finds what matchesQuery finds, keystroke by keystroke, narrowing and widening', () => {
    const search = new NoteSearch();
    const typed = ['c', 'ca', 'caf', 'cafe', 'cafe ', 'cafe m', 'cafe ma', 'cafe m', 'e', 'et', 'ete', 'ETE mer', 'm', 'mi', 'mil', 'milk eggs', 'rec', 'recipe', ''];
    for (const query of typed) {
      const expected = NOTES.filter((n) => matchesQuery(n, query)).map((n) => n.id);
      expect(search.filter(NOTES, query).map((n) => n.id), query).toEqual(expected);
    }
  });

  it('starts from the whole list again when the list changed (a note edited meanwhile)', () => {
    const search = new NoteSearch();
    expect(search.filter(NOTES, 'milk')).toHaveLength(1);
    const edited = NOTES.map((n) => (n.id === 'note:2' ? { ...n, body: 'milk and honey' } : n));
    expect(search.filter(edited, 'milk ').map((n) => n.id)).toEqual(['note:2', 'note:3']);
  });

  it('forgets deleted notes and finds edited ones by their new text only', () => {
    const search = new NoteSearch();
    expect(search.filter(NOTES, 'milk')).toHaveLength(1);
    const edited = NOTES.filter((n) => n.id !== 'note:3').map((n) => (n.id === 'note:5' ? { ...n, body: 'pasta' } : n));
    expect(search.filter(edited, 'milk')).toEqual([]);
    expect(search.filter(edited, 'garden')).toEqual([]);
    expect(search.filter(edited, 'past').map((n) => n.id)).toEqual(['note:5']);
  });

  it('answers from the index and from notes not indexed yet together (typed while prepare runs)', async () => {
    const search = new NoteSearch();
    await new Promise<void>((resolve) => search.prepare(NOTES, resolve));
    const next = [note('6', 'New garden', ''), ...NOTES.map((n) => (n.id === 'note:5' ? { ...n, body: 'mesh' } : n))];
    expect(search.filter(next, 'garden').map((n) => n.id)).toEqual(['note:6']);
    expect(search.filter(next, 'mesh').map((n) => n.id)).toEqual(['note:5']);
    expect(search.filter(next, 'e').map((n) => n.id)).toEqual(next.filter((n) => matchesQuery(n, 'e')).map((n) => n.id));
  });

  it('matches words across punctuation and line breaks inside the text, and repeated words once', () => {
    const notes = [note('a', 'Note 12: garden', 'x'), note('b', 'Note 1', '2 garden'), note('c', 'a\nb', 'c')];
    const search = new NoteSearch();
    expect(search.filter(notes, '12:').map((n) => n.id)).toEqual(['note:a']);
    expect(search.filter(notes, 'note 12').map((n) => n.id)).toEqual(['note:a']);
    expect(search.filter(notes, 'garden garden').map((n) => n.id)).toEqual(['note:a', 'note:b']);
    expect(search.filter(notes, 'b c').map((n) => n.id)).toEqual(['note:c']);
  });

  it('agrees with matchesQuery on random notes and queries, before and after prepare', async () => {
    const { notes, queries } = randomCase(7);
    const lazy = new NoteSearch();
    const prepared = new NoteSearch();
    await new Promise<void>((resolve) => prepared.prepare(notes, resolve));
    for (const query of queries) {
      const expected = notes.filter((n) => matchesQuery(n, query)).map((n) => n.id);
      expect(lazy.filter(notes, query).map((n) => n.id), JSON.stringify(query)).toEqual(expected);
      expect(prepared.filter(notes, query).map((n) => n.id), JSON.stringify(query)).toEqual(expected);
    }
  });

  it('agrees with matchesQuery whenever it is typed during prepare, and on a changed list prepared before the first was done', () => {
    const { notes, queries, text } = randomCase(11);
    const queue: Array<() => void> = [];
    const schedule = (work: () => void) => {
      queue.push(work);
      return () => queue.splice(queue.indexOf(work) >>> 0, 1);
    };
    const runSteps = (count: number) => {
      for (let k = 0; k < count && queue.length > 0; k += 1) queue.shift()?.();
    };
    const check = (search: NoteSearch, list: Note[], from: number) => {
      for (const query of queries.slice(from, from + 15)) {
        const expected = list.filter((n) => matchesQuery(n, query)).map((n) => n.id);
        expect(search.filter(list, query).map((n) => n.id), `${from}: ${JSON.stringify(query)}`).toEqual(expected);
      }
    };
    // One batch of 16 notes per slice: 200 notes take 13 slices to fold, then 13 to index.
    const options = { schedule, sliceMs: 0, batch: 16 };
    for (const steps of [0, 1, 5, 13, 14, 20, 26]) {
      const search = new NoteSearch(options);
      let isDone = false;
      search.prepare(notes, () => {
        isDone = true;
      });
      runSteps(steps);
      check(search, notes, steps * 10);
      runSteps(1);
      check(search, notes, steps * 10 + 5);
      runSteps(Infinity);
      expect(isDone, `after ${steps} steps`).toBe(true);
      check(search, notes, steps * 10 + 3);
    }
    // Partway through indexing, a note is edited, one deleted and one added.
    const search = new NoteSearch(options);
    const stop = search.prepare(notes);
    runSteps(18);
    stop();
    expect(queue).toEqual([]);
    const changed = [note('new', text(6), text(20)), ...notes.filter((n) => n.id !== 'note:3').map((n) => (n.id === 'note:150' ? { ...n, body: text(20) } : n))];
    check(search, changed, 0);
    search.prepare(changed);
    for (let step = 1; queue.length > 0; step += 1) {
      runSteps(1);
      check(search, changed, step * 15);
    }
  });
});

describe('WordIndex', () => {
  it('replaces a note version by version, counting the old slots as stale', () => {
    const index = new WordIndex();
    const v1 = note('1', 'garden', 'peas');
    const v2 = { ...v1, body: 'beans' };
    index.add(v1);
    expect(index.add(v1)).toBe(0);
    const slot = index.add(v2);
    expect([index.size, index.staleSlots, index.has(v1), index.has(v2)]).toEqual([1, 1, false, true]);
    expect(index.matching(['peas'])(0)).toBe(false);
    expect(index.matching(['bean'])(slot)).toBe(true);
    index.remove(v2.id);
    expect([index.size, index.staleSlots]).toEqual([0, 2]);
  });
});

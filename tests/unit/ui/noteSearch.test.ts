import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import { matchesQuery, type Note } from '../../../src/domain/note';
import { foldText, NoteSearch, refines } from '../../../src/ui/pages/notes/noteSearch';

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

  it('refines: only when every earlier word lies inside a new one', () => {
    expect(refines(['garden', 'r'], ['garden'])).toBe(true);
    expect(refines(['gard'], ['garden'])).toBe(false);
    expect(refines(['xgardenx'], ['garden'])).toBe(true);
    expect(refines(['mesh'], ['garden', 'mesh'])).toBe(false);
  });
});

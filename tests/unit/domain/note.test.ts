import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import { compareNewestFirst, displayTitle, matchesQuery, type Note } from '../../../src/domain/note';

const note = (id: string, updatedAt: string, title = '', body = ''): Note => ({
  id: id as NoteId,
  rev: '1-a',
  title,
  body,
  createdAt: updatedAt,
  updatedAt,
  updatedBy: 'test',
  hasConflicts: false,
  isDeletedElsewhere: false,
});

describe('notes', () => {
  it('match every word of a query, ignoring case and accents', () => {
    const n = { title: 'Café on the Pi', body: 'CouchDB setup' };
    expect(matchesQuery(n, '')).toBe(true);
    expect(matchesQuery(n, 'cafe couchdb')).toBe(true);
    expect(matchesQuery(n, 'PI')).toBe(true);
    expect(matchesQuery(n, 'cafe postgres')).toBe(false);
  });

  it('search ^ and ` literally: they are typed characters, not accents', () => {
    const n = note('note:1', '2026-01-01T00:00:00Z', 'x^y', 'run `npm test`');
    expect(matchesQuery(n, 'x^y')).toBe(true);
    expect(matchesQuery(n, '`npm')).toBe(true);
    expect(matchesQuery(n, 'xy')).toBe(false);
    expect(matchesQuery(note('note:2', '2026-01-01T00:00:00Z', 'xy'), 'x^y')).toBe(false);
    // Accents still fold, combined or precomposed.
    expect(matchesQuery(note('note:3', '2026-01-01T00:00:00Z', 'Cre\u0300me brûlée'), 'creme brulee')).toBe(true);
  });

  it('sort newest first, ties broken by id', () => {
    const list = [note('note:b', '2026-01-01T00:00:00Z'), note('note:c', '2026-02-01T00:00:00Z'), note('note:a', '2026-01-01T00:00:00Z')];
    expect(list.sort(compareNewestFirst).map((n) => n.id)).toEqual(['note:c', 'note:a', 'note:b']);
  });

  it('always have a title to show', () => {
    expect(displayTitle({ title: '  ', body: '\n# Heading\nmore' })).toBe('Heading');
    expect(displayTitle({ title: '', body: '' })).toBe('Untitled');
    expect(displayTitle({ title: 'Kept', body: 'x' })).toBe('Kept');
  });
});

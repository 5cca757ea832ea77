import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import type { Note } from '../../../src/domain/note';
import { loadNotesHead, saveNotesHead } from '../../../src/ui/pages/notes/notesHead';

/** Web Storage over a Map: Node has no localStorage. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const note = (i: number): Note => ({
  id: `note:${i}` as NoteId,
  rev: `3-${i}`,
  title: i % 2 ? `Title ${i}` : '',
  body: `# Heading ${i}\nsecret body ${i}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 100 - i)).toISOString(),
  updatedBy: 'Laptop',
  hasConflicts: i === 1,
  isDeletedElsewhere: i === 2,
});

describe('the remembered newest rows', () => {
  it('keep what a row shows, in order, and never a body or revision', () => {
    const storage = new MemoryStorage();
    saveNotesHead(Array.from({ length: 100 }, (_, i) => note(i)), storage);
    const head = loadNotesHead(storage) ?? [];
    expect(head).toHaveLength(40);
    expect(head.slice(0, 3).map((n) => [n.id, n.title, n.hasConflicts, n.isDeletedElsewhere])).toEqual([
      ['note:0', 'Heading 0', false, false],
      ['note:1', 'Title 1', true, false],
      ['note:2', 'Heading 2', false, true],
    ]);
    expect(head.every((n) => n.body === '' && n.rev === '')).toBe(true);
    expect(head[5]?.updatedAt).toBe(note(5).updatedAt);
  });

  it('are absent, not an error, when nothing or garbage is stored', () => {
    const storage = new MemoryStorage();
    expect(loadNotesHead(storage)).toBeUndefined();
    storage.setItem('p2pcloud-notes-head', '{not json');
    expect(loadNotesHead(storage)).toBeUndefined();
    storage.setItem('p2pcloud-notes-head', '[{"id":1}]');
    expect(loadNotesHead(storage)).toEqual([]);
  });
});

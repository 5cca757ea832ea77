import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import type { Note } from '../../../src/domain/note';
import { ROW_HEIGHT } from '../../../src/ui/pages/notes/NoteList';
import { loadNotesHead, NOTES_HEAD_KEY, saveNotesHead } from '../../../src/ui/pages/notes/notesHead';

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

/** Just enough of the DOM for the first-paint script (public/first-paint.js): elements as plain objects. */
interface FakeNode {
  tag: string;
  className: string;
  textContent: string;
  attributes: Record<string, string>;
  style: Record<string, string>;
  children: FakeNode[];
  [property: string]: unknown;
}

function runFirstPaintScript(storage: Storage, hash: string): FakeNode {
  const script = readFileSync(resolve(__dirname, '../../../public/first-paint.js'), 'utf8');
  const make = (tag: string): FakeNode => {
    const node: FakeNode = { tag, className: '', textContent: '', attributes: {}, style: {}, children: [] };
    node['appendChild'] = (child: FakeNode) => node.children.push(child);
    node['setAttribute'] = (name: string, value: string) => (node.attributes[name] = value);
    return node;
  };
  const root = make('div');
  const document = {
    createElement: make,
    createTextNode: (text: string) => ({ ...make('#text'), textContent: text }),
    getElementById: (id: string) => (id === 'root' ? root : null),
  };
  // No Date: the script must show the dates formatted when saved, never load locale data itself.
  runInNewContext(script, { location: { hash }, localStorage: storage, document, Date: undefined });
  return root;
}

const rowsOf = (root: FakeNode): FakeNode[] => {
  const all: FakeNode[] = [];
  const walk = (node: FakeNode) => {
    if (node.attributes['data-testid'] === 'note-item') all.push(node);
    node.children.forEach(walk);
  };
  walk(root);
  return all;
};

describe("index.html's first paint of the remembered rows", () => {
  it('shows the rows saveNotesHead keeps, as text, at the list row height, inert', () => {
    const storage = new MemoryStorage();
    const notes = [{ ...note(1), title: '<img src=x onerror=alert(1)>' }, note(2), note(3)];
    saveNotesHead(notes, storage);
    const root = runFirstPaintScript(storage, '#/notes');
    const rows = rowsOf(root);
    expect(rows.map((r) => r.children[0]?.textContent)).toEqual(['<img src=x onerror=alert(1)>', 'Heading 2', 'Title 3']);
    expect(rows.map((r) => r.children[1]?.children.map((c) => c.textContent)[0])).toEqual(['conflict', 'deleted on another device', new Date(note(3).updatedAt).toLocaleString()]);
    expect(root.children[0]?.['inert']).toBe(true);
    const list = root.children[0]?.children[1]?.children[0]?.children[0]?.children[1]?.children[0];
    expect(list?.children.map((li) => li.style['top'])).toEqual([0, 1, 2].map((i) => `${i * ROW_HEIGHT}px`));
    expect(NOTES_HEAD_KEY).toBe('p2pcloud-notes-head');
  });

  it('paints nothing on other pages, or when nothing or garbage is stored', () => {
    const storage = new MemoryStorage();
    expect(runFirstPaintScript(storage, '').children).toEqual([]);
    storage.setItem(NOTES_HEAD_KEY, '{not json');
    expect(runFirstPaintScript(storage, '').children).toEqual([]);
    saveNotesHead([note(1)], storage);
    expect(runFirstPaintScript(storage, '#/files').children).toEqual([]);
    expect(rowsOf(runFirstPaintScript(storage, ''))).toHaveLength(1);
  });
});

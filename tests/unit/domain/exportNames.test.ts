import { describe, expect, it } from 'vitest';
import { NameAllocator, checkEntryPath, safeFolder, safeNamePart } from '../../../src/domain/exportNames';
import { editRevision, filePath, noteFile, parseManifest, type NoteVersion } from '../../../src/domain/exportManifest';
import { parseNoteFile, renderNoteFile } from '../../../src/domain/frontMatter';

const version = (over: Partial<NoteVersion> = {}): NoteVersion => ({
  id: 'note:abc',
  rev: '2-ff',
  revisions: { start: 2, ids: ['ff', 'ee'] },
  schemaVersion: 1,
  title: 'Plan',
  body: 'text',
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-02T10:00:00.000Z',
  updatedBy: 'Laptop',
  isConflict: false,
  ...over,
});

describe('export file names', () => {
  it.each([
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['  many   spaces  ', 'many spaces'],
    ['.hidden', '_hidden'],
    ['ends with dots...', 'ends with dots'],
    ['CON', 'CON_'],
    ['nul.txt', 'nul.txt_'],
    ['', 'Untitled'],
    ['tab\there\u0001', 'tab_here_'],
    ['x'.repeat(200), 'x'.repeat(80)],
    ['Cafe\u0301', 'Café'],
  ])('#17 %j becomes %j', (input, expected) => {
    expect(safeNamePart(input)).toBe(expected);
  });

  it('#17 never collides, also where names differ only in case or Unicode form', () => {
    const names = new NameAllocator();
    expect(names.claim('notes', 'Todo', '.md')).toBe('notes/Todo.md');
    expect(names.claim('notes', 'todo', '.md')).toBe('notes/todo (2).md');
    expect(names.claim('notes', 'TODO', '.md')).toBe('notes/TODO (3).md');
    expect(names.claim('notes', 'Café', '.md')).toBe('notes/Café.md');
    expect(names.claim('notes', 'Cafe\u0301', '.md')).toBe('notes/Cafe\u0301 (2).md');
    expect(safeFolder('/photos//../2026/')).toBe('photos/__/2026');
    expect(filePath({ name: 'report.final.PDF', folder: 'work' }, names)).toBe('files/work/report.final.PDF');
    expect(filePath({ name: 'aux', folder: '' }, names)).toBe('files/aux_');
  });

  it('#17 names a competing version after its device', () => {
    const names = new NameAllocator();
    expect(noteFile(version(), names).path).toBe('notes/Plan.md');
    expect(noteFile(version({ isConflict: true, updatedBy: 'Phone B' }), names).path).toBe('notes/Plan (conflict, Phone B).md');
    expect(noteFile(version({ title: '', body: '# From the body\n' }), names).path).toBe('notes/From the body.md');
  });

  it.each([
    ['../x.md', 'parent'],
    ['a/../../x.md', 'parent'],
    ['..\\x.md', 'parent'],
    ['/etc/x', 'absolute'],
    ['\\\\server\\share\\x', 'absolute'],
    ['C:/x', 'absolute'],
    ['./', 'empty'],
  ])('#17 refuses the entry path %j (%s)', (path, problem) => {
    expect(checkEntryPath(path)).toEqual({ problem });
  });

  it('#17 keeps ordinary entry paths, normalised', () => {
    expect(checkEntryPath('notes\\sub/./a.md')).toEqual({ path: 'notes/sub/a.md' });
  });
});

describe('front matter', () => {
  it('#17 round-trips every field and the body exactly, whatever the title holds', () => {
    const front = { id: 'note:1', title: 'yes: "quoted" #not a comment', created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z', device: '123', revision: '1-a' };
    const body = '---\nnot front matter\n---\n\n  indented\n';
    const parsed = parseNoteFile(renderNoteFile(front, body));
    expect(parsed).toEqual({ data: front, body });
  });

  it('#17 front matter is optional, and YAML that does not parse stays in the body', () => {
    expect(parseNoteFile('# Just markdown')).toEqual({ data: {}, body: '# Just markdown' });
    const broken = '---\ntitle: [unclosed\n---\nbody';
    expect(parseNoteFile(broken)).toMatchObject({ data: {}, body: broken });
    expect(parseNoteFile('\ufeff---\r\ntitle: Windows\r\n---\r\nbody')).toEqual({ data: { title: 'Windows' }, body: 'body' });
  });

  it('#17 an edit of a revision gets the same revision every time, after it in its history', () => {
    const edit = editRevision({ start: 2, ids: ['ff', 'ee'] }, 'content');
    expect(edit).toEqual(editRevision({ start: 2, ids: ['ff', 'ee'] }, 'content'));
    expect(edit.rev).toMatch(/^3-[0-9a-f]{32}$/);
    expect(edit.revisions.ids.slice(1)).toEqual(['ff', 'ee']);
  });

  it('#17 a manifest that is not ours is refused', () => {
    expect(parseManifest('{}')).toHaveProperty('problem');
    expect(parseManifest('[')).toEqual({ problem: 'p2pcloud.json is not valid JSON' });
  });
});

import { describe, expect, it } from 'vitest';
import type { NoteId } from '../../../src/domain/ids';
import { compareNewestFirst, type Note } from '../../../src/domain/note';
import type { NoteChange } from '../../../src/storage/notes';
import { applyNoteChanges } from '../../../src/ui/pages/notes/sortedNotes';

/** mulberry32: a seeded generator, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const note = (id: number, minute: number): Note => ({
  id: `note:${String(id).padStart(4, '0')}` as NoteId,
  rev: `1-${minute}`,
  title: `n${id}`,
  body: '',
  createdAt: '',
  // Few distinct times, so ties (broken by id) are common.
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  updatedBy: '',
  hasConflicts: false,
  isDeletedElsewhere: false,
});

describe('applyNoteChanges', () => {
  for (const [seed, batch] of [[1, 1], [2, 5], [3, 40], [4, 600]] as const) {
    it(`gives the fully sorted list after random edits, additions and deletions (seed ${seed}, ${batch} at a time)`, () => {
      const random = prng(seed);
      const byId = new Map<string, Note>();
      let sorted: Note[] = [];
      for (let round = 0; round < 30; round += 1) {
        const changes: NoteChange[] = Array.from({ length: batch }, () => {
          const id = Math.floor(random() * 300);
          const key = `note:${String(id).padStart(4, '0')}` as NoteId;
          return random() < 0.2 ? { id: key } : { id: key, note: note(id, Math.floor(random() * 20)) };
        });
        const before = sorted;
        sorted = applyNoteChanges(sorted, byId, changes);
        expect(sorted).not.toBe(before);
        expect(sorted).toEqual([...byId.values()].sort(compareNewestFirst));
        expect(new Set(sorted.map((n) => n.id)).size).toBe(sorted.length);
      }
    });
  }
});

import { compareNewestFirst, type Note } from '../../../domain/note';
import type { NoteChange } from '../../../storage/notes';

/** Above this many changes at once, sorting everything again is cheaper than moving notes one by one. */
const RESORT_AT = 512;

/** Index of the first note in `sorted` that does not come before `note` (binary search). */
function lowerBound(sorted: readonly Note[], note: Note): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNewestFirst(sorted[mid] as Note, note) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Applies changes to a newest-first list without sorting it all again.
 * @param sorted the list, newest first (not modified).
 * @param byId every note of `sorted` by id; updated in place to match the result.
 * @returns a new newest-first list.
 */
export function applyNoteChanges(sorted: readonly Note[], byId: Map<string, Note>, changes: readonly NoteChange[]): Note[] {
  if (changes.length >= RESORT_AT) {
    for (const { id, note } of changes) {
      if (note) byId.set(id, note);
      else byId.delete(id);
    }
    return [...byId.values()].sort(compareNewestFirst);
  }
  const next = sorted.slice();
  for (const { id, note } of changes) {
    const old = byId.get(id);
    if (old) {
      // compareNewestFirst breaks ties by id, so the old note is exactly at its bound.
      let at = lowerBound(next, old);
      if (next[at]?.id !== id) at = next.findIndex((n) => n.id === id);
      if (at >= 0) next.splice(at, 1);
    }
    if (note) {
      next.splice(lowerBound(next, note), 0, note);
      byId.set(id, note);
    } else byId.delete(id);
  }
  return next;
}

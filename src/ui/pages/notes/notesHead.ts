// The newest notes' list rows, kept in localStorage under "p2pcloud-notes-head"
// so a new tab can paint the top of the list before the database has been
// read. Only what a row shows is kept (no note bodies); the database stays
// the truth and replaces these rows as soon as it has been read.
import { displayTitle, type Note } from '../../../domain/note';

/** localStorage key of the rows; public/first-paint.js reads it too. */
export const NOTES_HEAD_KEY = 'p2pcloud-notes-head';
/** More rows than the tallest screen shows. */
const ROWS = 40;

interface HeadRow {
  id: Note['id'];
  title: string;
  updatedAt: string;
  /**
   * `updatedAt` as the row shows it (toLocaleString), for index.html's first
   * paint: formatting a date there first loads the locale data, which took
   * 100 ms and more before anything was painted.
   */
  shownAt: string;
  hasConflicts: boolean;
  isDeletedElsewhere: boolean;
}

/**
 * The rows saved by {@link saveNotesHead}, as notes for the list only: their
 * `body` is empty and `rev` unknown, so they must never reach the editor.
 */
export function loadNotesHead(storage: Storage | undefined = globalThis.localStorage): Note[] | undefined {
  try {
    const rows = JSON.parse(storage?.getItem(NOTES_HEAD_KEY) ?? 'null') as unknown;
    if (!Array.isArray(rows)) return undefined;
    return (rows as HeadRow[])
      .filter((r) => typeof r?.id === 'string' && typeof r.title === 'string' && typeof r.updatedAt === 'string')
      .map((r) => ({
        id: r.id,
        rev: '',
        title: r.title,
        body: '',
        createdAt: r.updatedAt,
        updatedAt: r.updatedAt,
        updatedBy: '',
        hasConflicts: r.hasConflicts === true,
        isDeletedElsewhere: r.isDeletedElsewhere === true,
      }));
  } catch {
    // Unreadable (storage disabled, or garbage): start from the database alone.
    return undefined;
  }
}

/** Saves the first rows of a complete newest-first list for the next start. */
export function saveNotesHead(notes: readonly Note[], storage: Storage | undefined = globalThis.localStorage): void {
  const rows: HeadRow[] = notes.slice(0, ROWS).map((n) => ({
    id: n.id,
    title: displayTitle(n),
    updatedAt: n.updatedAt,
    shownAt: n.updatedAt ? new Date(n.updatedAt).toLocaleString() : '',
    hasConflicts: n.hasConflicts,
    isDeletedElsewhere: n.isDeletedElsewhere,
  }));
  try {
    storage?.setItem(NOTES_HEAD_KEY, JSON.stringify(rows));
  } catch {
    // Full or disabled: the next start reads the database first, as before.
  }
}

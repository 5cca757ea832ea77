import type { NoteId } from './ids';

/** Current schema of note documents; bump it together with a migration in storage/. */
export const NOTE_SCHEMA_VERSION = 1;

/** A note as the rest of the app sees it. */
export interface Note {
  id: NoteId;
  /** PouchDB revision this view was read at; needed to update or delete it. */
  rev: string;
  title: string;
  /** Markdown source. */
  body: string;
  createdAt: string;
  updatedAt: string;
  /** Name of the device that made the latest write. */
  updatedBy: string;
  /** True when the document has conflicting revisions kept by replication. */
  hasConflicts: boolean;
  /** True when another device deleted this note while this version was edited. */
  isDeletedElsewhere: boolean;
  /**
   * True when a newer version of the app wrote it (a schema this build does
   * not know): shown, never written (domain/schema.ts).
   */
  isFromNewerVersion?: boolean;
}

/** What a user edits. */
export interface NoteDraft {
  title: string;
  body: string;
}

/** The title shown for a note, never empty. */
export function displayTitle(note: Pick<Note, 'title' | 'body'>): string {
  const title = note.title.trim();
  if (title) return title;
  const firstLine = note.body.split('\n').find((line) => line.trim() !== '');
  return firstLine ? firstLine.replace(/^#+\s*/, '').slice(0, 80) : 'Untitled';
}

/** Newest first, with the id as a deterministic tie-break. */
export function compareNewestFirst(a: Note, b: Note): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * True when every word of the query occurs in the note's title or body,
 * ignoring case and accents.
 */
export function matchesQuery(note: Pick<Note, 'title' | 'body'>, query: string): boolean {
  const words = foldText(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = foldText(`${note.title}\n${note.body}`);
  return words.every((word) => haystack.includes(word));
}

/**
 * Folds text for matching: accents off, lower case. NFD splits an accented
 * letter into the letter and combining marks (\p{M}), which are dropped.
 * Not \p{Diacritic}: that also covers spacing characters such as ASCII `^`
 * and `` ` ``, which a person typing them means literally.
 * @remarks Plain ASCII has nothing to decompose and no combining mark, so it
 * skips the Unicode normalisation, which is most of the cost of searching
 * 50,000 notes (ui/pages/notes/wordIndex.ts); the result is the same.
 */
export function foldText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

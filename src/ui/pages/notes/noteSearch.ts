import type { Note } from '../../../domain/note';

/**
 * Folds text for matching: accents removed, lower case, as
 * {@link matchesQuery} in domain/note.ts does.
 * @remarks Plain ASCII has nothing to decompose, so it skips the Unicode
 * normalisation, which is most of the cost on 50,000 notes.
 */
export function foldText(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** The words of a query, folded; a note matches when its text contains every one. */
export function queryWords(query: string): string[] {
  return foldText(query).split(/\s+/).filter(Boolean);
}

/** True when every note matching `next` also matches `previous`: each earlier word lies inside a new one. */
export function refines(next: readonly string[], previous: readonly string[]): boolean {
  return previous.every((word) => next.some((w) => w.includes(word)));
}

/**
 * Search over the note list that answers each keystroke without rescanning
 * raw documents: each note's folded text is computed once (per note object,
 * so an edited note is folded again), and a query that refines the previous
 * one only filters the previous answer.
 * @remarks Same matches as {@link matchesQuery}: every word, in the title or
 * body, ignoring case and accents.
 */
export class NoteSearch {
  private readonly folded = new WeakMap<Note, string>();
  private last: { notes: readonly Note[]; words: string[]; result: readonly Note[] } | undefined;

  /** The notes of `notes` (in their order) that match `query`. */
  filter(notes: readonly Note[], query: string): readonly Note[] {
    const words = queryWords(query);
    if (words.length === 0) return notes;
    const last = this.last;
    // Only an answer over this very list can be narrowed: a new list (a note
    // changed, here or on a peer) starts from all of it.
    const from = last && last.notes === notes && refines(words, last.words) ? last.result : notes;
    const result = from.filter((note) => {
      const text = this.textOf(note);
      return words.every((word) => text.includes(word));
    });
    this.last = { notes, words, result };
    return result;
  }

  /**
   * Folds the texts of `notes` ahead of the first keystroke, a slice at a
   * time so the page stays responsive.
   * @returns a function that stops the work.
   */
  prepare(notes: readonly Note[], sliceSize = 2000): () => void {
    let next = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const end = Math.min(notes.length, next + sliceSize);
      for (; next < end; next += 1) this.textOf(notes[next] as Note);
      if (next < notes.length) timer = setTimeout(step, 0);
    };
    timer = setTimeout(step, 0);
    return () => clearTimeout(timer);
  }

  private textOf(note: Note): string {
    let text = this.folded.get(note);
    if (text === undefined) {
      text = foldText(`${note.title}\n${note.body}`);
      this.folded.set(note, text);
    }
    return text;
  }
}

import type { Note } from '../../../domain/note';
import { foldNote, queryWords, WordIndex } from './wordIndex';

export { queryWords } from './wordIndex';

/** Replaced versions a {@link WordIndex} may carry before it is built again from the list. */
const STALE_LIMIT = 5000;
/** Longest slice of preparation work between two chances for the page to handle input (ms). */
const SLICE_MS = 8;
/** Notes folded or indexed between two looks at the clock. */
const BATCH = 64;

/**
 * Runs `work` in a task of its own, after what is queued already; returns a function that cancels it.
 * @remarks A plain timer: slices at background priority (`scheduler.postTask`)
 * answered keystrokes no faster in the app bench (median 18 against 17 ms,
 * p95 39 against 39 ms with timers, 4 cold starts each), so the simpler way.
 */
function nextTask(work: () => void): () => void {
  const timer = setTimeout(work, 0);
  return () => clearTimeout(timer);
}

/** How {@link NoteSearch.prepare} spreads its work (tests step it by hand). */
export interface PrepareOptions {
  /** Runs the next slice later; returns a function that cancels it. Default: a timer. */
  schedule?: (work: () => void) => () => void;
  /** Longest slice (ms); at least one batch runs per slice. */
  sliceMs?: number;
  /** Notes folded or indexed between two looks at the clock. */
  batch?: number;
}

/** One note list as the search sees it, position by position. */
interface ListState {
  readonly notes: readonly Note[];
  /** The index slot of each note, or -1 while the note is not indexed. */
  readonly slots: Int32Array;
  /** The folded text of each note not indexed yet, once folded; dropped once it is indexed. */
  texts: Array<string | undefined>;
  /** Positions below this have been through the folding pass. */
  folded: number;
  /** Positions below this have been through the indexing pass. */
  indexed: number;
}

/**
 * Search over the note list that answers each keystroke from a
 * {@link WordIndex} instead of scanning every note's text.
 * @remarks Same matches as {@link matchesQuery}: every word, in the title or
 * body, ignoring case and accents. {@link prepare} fills the index in short
 * slices after the list is read, in two passes: first it
 * folds every note's text (a tenth of the cost of indexing it), then it
 * indexes the notes from those texts. A keystroke that comes meanwhile
 * answers from the index for the notes indexed so far and compares the
 * folded texts of the others, folding (once) any the first pass has not
 * reached: at 50,000 notes, folding every unindexed note again at each
 * keystroke made the first keystrokes after a cold start take 50-150 ms.
 */
export class NoteSearch {
  private index = new WordIndex();
  private list: ListState | undefined;
  private readonly schedule: (work: () => void) => () => void;
  private readonly sliceMs: number;
  private readonly batch: number;

  constructor({ schedule = nextTask, sliceMs = SLICE_MS, batch = BATCH }: PrepareOptions = {}) {
    this.schedule = schedule;
    this.sliceMs = sliceMs;
    this.batch = batch;
  }

  /** The notes of `notes` (in their order) that match `query`. */
  filter(notes: readonly Note[], query: string): readonly Note[] {
    const words = queryWords(query);
    if (words.length === 0) return notes;
    const list = this.listFor(notes);
    const isHit = this.index.matching(words);
    const { slots, texts } = list;
    const result: Note[] = [];
    for (let i = 0; i < notes.length; i += 1) {
      const note = notes[i] as Note;
      const slot = slots[i] as number;
      if (slot >= 0 ? isHit(slot) : containsAll((texts[i] ??= foldNote(note)), words)) result.push(note);
    }
    return result;
  }

  /**
   * Folds and indexes `notes` ahead of the keystrokes, a few milliseconds at
   * a time so the page stays responsive (a note already indexed is skipped).
   * @param onDone called once every note is indexed.
   * @returns a function that stops the work.
   */
  prepare(notes: readonly Note[], onDone?: () => void): () => void {
    if (this.index.staleSlots > Math.max(STALE_LIMIT, this.index.size)) {
      // Many edits since the index was built: start again rather than keep
      // the old versions' tokens in memory.
      this.index = new WordIndex();
      this.list = undefined;
    }
    const list = this.listFor(notes);
    let cancel: () => void;
    const step = () => {
      const until = performance.now() + this.sliceMs;
      while (this.advance(list)) {
        if (performance.now() >= until) {
          cancel = this.schedule(step);
          return;
        }
      }
      list.texts = [];
      this.forgetUnlisted(notes);
      onDone?.();
    };
    cancel = this.schedule(step);
    return () => cancel();
  }

  /** The search's view of `notes`: kept while the list is the same array, started afresh for a new one. */
  private listFor(notes: readonly Note[]): ListState {
    if (this.list?.notes === notes) return this.list;
    // A new list (a note changed) is mostly notes indexed already: only
    // the changed ones start without a slot.
    const slots = new Int32Array(notes.length);
    for (let i = 0; i < notes.length; i += 1) slots[i] = this.index.slotOfVersion(notes[i] as Note) ?? -1;
    this.list = { notes, slots, texts: [], folded: 0, indexed: 0 };
    return this.list;
  }

  /** Folds, or once every note is folded indexes, up to one batch of notes; false when nothing is left. */
  private advance(list: ListState): boolean {
    const { notes, slots, texts } = list;
    let budget = this.batch;
    for (; list.folded < notes.length && budget > 0; list.folded += 1) {
      const i = list.folded;
      if ((slots[i] as number) >= 0 || texts[i] !== undefined) continue;
      texts[i] = foldNote(notes[i] as Note);
      budget -= 1;
    }
    for (; list.folded === notes.length && list.indexed < notes.length && budget > 0; list.indexed += 1) {
      const i = list.indexed;
      if ((slots[i] as number) >= 0) continue;
      slots[i] = this.index.add(notes[i] as Note, texts[i]);
      texts[i] = undefined;
      budget -= 1;
    }
    return list.indexed < notes.length;
  }

  /** Removes from the index the notes `notes` no longer lists (deleted). */
  private forgetUnlisted(notes: readonly Note[]): void {
    if (this.index.size <= notes.length) return;
    const listed = new Set(notes.map((n) => n.id));
    for (const id of [...this.index.ids()]) if (!listed.has(id)) this.index.remove(id);
  }
}

function containsAll(text: string, words: readonly string[]): boolean {
  for (const word of words) if (!text.includes(word)) return false;
  return true;
}

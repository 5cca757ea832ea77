import type { Note } from '../../../domain/note';
import { foldText, queryWords, WordIndex } from './wordIndex';

export { foldText, queryWords } from './wordIndex';

/** Replaced versions a {@link WordIndex} may carry before it is built again from the list. */
const STALE_LIMIT = 5000;
/** Longest slice of indexing work between two chances for the page to handle input (ms). */
const SLICE_MS = 8;

/**
 * Search over the note list that answers each keystroke from a
 * {@link WordIndex} instead of scanning every note's text.
 * @remarks Same matches as {@link matchesQuery}: every word, in the title or
 * body, ignoring case and accents. The index is filled by {@link prepare} in
 * short slices; a keystroke that comes first indexes what is missing itself.
 */
export class NoteSearch {
  private index = new WordIndex();
  /** The slot of each note of the last list searched, by position. */
  private slotsFor: { notes: readonly Note[]; slots: Int32Array } | undefined;

  /** The notes of `notes` (in their order) that match `query`. */
  filter(notes: readonly Note[], query: string): readonly Note[] {
    const words = queryWords(query);
    if (words.length === 0) return notes;
    const isHit = this.index.matching(words);
    const result: Note[] = [];
    if (this.slotsFor?.notes === notes) {
      const { slots } = this.slotsFor;
      for (let i = 0; i < notes.length; i += 1) if (isHit(slots[i] as number)) result.push(notes[i] as Note);
      return result;
    }
    // Typed before prepare() is through: notes not indexed yet are read
    // directly, which costs a fraction of indexing them (a keystroke that
    // indexed 40,000 notes itself took over a second on a busy machine).
    for (const note of notes) {
      const slot = this.index.slotOfVersion(note);
      if (slot !== undefined ? isHit(slot) : matchesWords(note, words)) result.push(note);
    }
    return result;
  }

  /**
   * Indexes `notes` ahead of the first keystroke, a few milliseconds at a
   * time so the page stays responsive (a note already indexed costs a lookup).
   * @param onDone called once every note is indexed.
   * @returns a function that stops the work.
   */
  prepare(notes: readonly Note[], onDone?: () => void): () => void {
    if (this.index.staleSlots > Math.max(STALE_LIMIT, this.index.size)) {
      // Many edits since the index was built: start again rather than keep
      // the old versions' tokens in memory.
      this.index = new WordIndex();
      this.slotsFor = undefined;
    }
    let next = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const until = performance.now() + SLICE_MS;
      while (next < notes.length && performance.now() < until) {
        const end = Math.min(notes.length, next + 64);
        for (; next < end; next += 1) this.index.add(notes[next] as Note);
      }
      if (next < notes.length) timer = setTimeout(step, 0);
      else {
        this.slotsOf(notes);
        onDone?.();
      }
    };
    timer = setTimeout(step, 0);
    return () => clearTimeout(timer);
  }

  /** Each note's slot, indexing any note not indexed yet and forgetting notes no longer listed (prepare's last step). */
  private slotsOf(notes: readonly Note[]): Int32Array {
    if (this.slotsFor?.notes === notes) return this.slotsFor.slots;
    const slots = new Int32Array(notes.length);
    notes.forEach((note, i) => {
      slots[i] = this.index.add(note);
    });
    if (this.index.size > notes.length) {
      const listed = new Set(notes.map((n) => n.id));
      for (const id of [...this.index.ids()]) if (!listed.has(id)) this.index.remove(id);
    }
    this.slotsFor = { notes, slots };
    return slots;
  }
}

function matchesWords(note: Note, words: readonly string[]): boolean {
  const text = foldText(`${note.title}\n${note.body}`);
  return words.every((word) => text.includes(word));
}

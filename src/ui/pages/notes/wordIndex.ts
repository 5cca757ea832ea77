import { foldText, type Note } from '../../../domain/note';

/** A note's title and body as one folded text, the text {@link matchesQuery} looks in. */
export function foldNote(note: Pick<Note, 'title' | 'body'>): string {
  return foldText(`${note.title}\n${note.body}`);
}

/** The words of a query, folded; a note matches when its text contains every one. */
export function queryWords(query: string): string[] {
  return foldText(query).split(/\s+/).filter(Boolean);
}

/**
 * Which notes contain which tokens (runs of non-space characters of the
 * folded title and body), so a keystroke looks through the distinct tokens
 * instead of every note's whole text.
 * @remarks Exact for {@link matchesQuery}'s rule: a query word has no space
 * in it, so it occurs in a note's text exactly when it occurs inside one of
 * the note's tokens. Each note version gets a slot; a changed note gets a new
 * one and its old slot is merely forgotten (never listed again), so an edit
 * costs only the new version's tokens.
 */
export class WordIndex {
  /** Token → its number, the position of the token and its slots in the two arrays below. */
  private readonly tokenIds = new Map<string, number>();
  /**
   * The distinct tokens, and for each the slots of the notes containing it
   * in the order they were added.
   * @remarks Arrays rather than iterating a Map's entries: the first
   * keystroke after a cold start runs {@link matching} before the JIT has
   * optimised it, and there the entry iteration (an entry array for each of
   * the 50,000 distinct tokens of the bench's 50,000 notes) was about half
   * of that keystroke in a profile; an indexed loop costs less unoptimised.
   */
  private readonly tokens: string[] = [];
  private readonly postings: number[][] = [];
  /** Slot → the note version indexed there; undefined once replaced or removed. */
  private readonly noteAt: Array<Note | undefined> = [];
  private readonly slotOf = new Map<Note['id'], number>();

  /** Number of notes currently indexed. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Slots that no note occupies any more (replaced or removed versions). */
  get staleSlots(): number {
    return this.noteAt.length - this.slotOf.size;
  }

  /** True when this very version of the note is indexed. */
  has(note: Note): boolean {
    return this.slotOfVersion(note) !== undefined;
  }

  /** The slot of this very version of the note, if it is indexed. */
  slotOfVersion(note: Note): number | undefined {
    const slot = this.slotOf.get(note.id);
    return slot !== undefined && this.noteAt[slot] === note ? slot : undefined;
  }

  /**
   * Indexes the note, replacing an earlier version of it; returns its slot.
   * @param folded the note's {@link foldNote} text, when the caller has it already.
   */
  add(note: Note, folded = foldNote(note)): number {
    const old = this.slotOf.get(note.id);
    if (old !== undefined) {
      if (this.noteAt[old] === note) return old;
      this.noteAt[old] = undefined;
    }
    const slot = this.noteAt.length;
    this.noteAt.push(note);
    this.slotOf.set(note.id, slot);
    for (const token of folded.split(/\s+/)) {
      if (!token) continue;
      const id = this.tokenIds.get(token);
      if (id === undefined) {
        this.tokenIds.set(token, this.tokens.length);
        this.tokens.push(token);
        this.postings.push([slot]);
        continue;
      }
      const list = this.postings[id] as number[];
      // This note is the newest slot, so a repeated token ends its list already.
      if (list[list.length - 1] !== slot) list.push(slot);
    }
    return slot;
  }

  /** Forgets a note (deleted). */
  remove(id: Note['id']): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.noteAt[slot] = undefined;
    this.slotOf.delete(id);
  }

  /** Ids of the notes indexed. */
  ids(): IterableIterator<Note['id']> {
    return this.slotOf.keys();
  }

  /**
   * Which slots hold a note (its current version) that contains every word.
   * @param words folded, non-empty, without spaces (see {@link queryWords}).
   */
  matching(words: readonly string[]): (slot: number) => boolean {
    const unique = [...new Set(words)];
    const marks = new Uint32Array(this.noteAt.length);
    // A slot moves from k to k + 1 only through word k, so a note that holds
    // a word in several tokens still counts once per word.
    const { tokens, postings, noteAt } = this;
    for (let k = 0; k < unique.length; k += 1) {
      const word = unique[k] as string;
      for (let t = 0; t < tokens.length; t += 1) {
        if (!(tokens[t] as string).includes(word)) continue;
        const slots = postings[t] as number[];
        for (let j = 0; j < slots.length; j += 1) {
          const slot = slots[j] as number;
          if (marks[slot] === k) marks[slot] = k + 1;
        }
      }
    }
    return (slot) => marks[slot] === unique.length && noteAt[slot] !== undefined;
  }
}

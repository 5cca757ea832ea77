// Note documents, stored in the device's PouchDB (IndexedDB in the browser)
// as `note:<uuid>` docs. The only module that reads or writes them.
import { NOTE_ID_PREFIX, newNoteId, type NoteId } from '../domain/ids';
import { NOTE_SCHEMA_VERSION, compareNewestFirst, type Note, type NoteDraft } from '../domain/note';

/** A note document as stored and replicated. */
export interface NoteDoc {
  _id: NoteId;
  _rev?: string;
  _conflicts?: string[];
  type: 'note';
  schemaVersion: number;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Reads a stored document defensively: a peer may send anything, so every
 * field is checked and a malformed one becomes empty text rather than a crash.
 */
export function toNote(doc: Record<string, unknown>): Note {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const time = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : '');
  const conflicts = doc['_conflicts'];
  return {
    id: doc['_id'] as NoteId,
    rev: text(doc['_rev']),
    title: text(doc['title']),
    body: text(doc['body']),
    createdAt: time(doc['createdAt']),
    updatedAt: time(doc['updatedAt']) || time(doc['createdAt']),
    hasConflicts: Array.isArray(conflicts) && conflicts.length > 0,
  };
}

/** Notes on top of one local PouchDB. Every write is local and succeeds offline. */
export class NotesStore {
  constructor(
    private readonly db: PouchDB.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every note, newest first. */
  async list(): Promise<Note[]> {
    const res = await this.db.allDocs({
      include_docs: true,
      conflicts: true,
      startkey: NOTE_ID_PREFIX,
      endkey: `${NOTE_ID_PREFIX}\uffff`,
    });
    const notes: Note[] = [];
    for (const row of res.rows) {
      if (row.doc) notes.push(toNote(row.doc as unknown as Record<string, unknown>));
    }
    return notes.sort(compareNewestFirst);
  }

  async get(id: NoteId): Promise<Note | undefined> {
    try {
      return toNote((await this.db.get(id, { conflicts: true })) as unknown as Record<string, unknown>);
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }

  async create(draft: NoteDraft): Promise<Note> {
    const at = this.now().toISOString();
    const doc: NoteDoc = {
      _id: newNoteId(),
      type: 'note',
      schemaVersion: NOTE_SCHEMA_VERSION,
      title: draft.title,
      body: draft.body,
      createdAt: at,
      updatedAt: at,
    };
    const res = await this.db.put(doc);
    return toNote({ ...doc, _rev: res.rev });
  }

  /**
   * Saves an edit to a note.
   * @remarks Written on top of the newest local revision: if another tab saved
   * in between (a 409), its text stays in the revision history and the user's
   * latest words are what they see. Conflicts between devices are a different
   * matter: replication keeps both revisions (see `hasConflicts`).
   */
  async update(id: NoteId, draft: NoteDraft): Promise<Note> {
    for (let attempt = 0; ; attempt += 1) {
      const current = (await this.db.get(id)) as unknown as NoteDoc;
      const doc: NoteDoc = {
        ...current,
        type: 'note',
        schemaVersion: NOTE_SCHEMA_VERSION,
        title: draft.title,
        body: draft.body,
        createdAt: typeof current.createdAt === 'string' ? current.createdAt : this.now().toISOString(),
        updatedAt: this.now().toISOString(),
      };
      try {
        const res = await this.db.put(doc);
        return toNote({ ...doc, _rev: res.rev });
      } catch (err) {
        if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
      }
    }
  }

  async remove(id: NoteId): Promise<void> {
    const current = await this.db.get(id);
    await this.db.remove(current);
  }
}

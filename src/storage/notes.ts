// Note documents, stored in the device's PouchDB (IndexedDB in the browser)
// as `note:<uuid>` docs. The only module that reads or writes them.
import { NOTE_ID_PREFIX, isNoteId, newNoteId, randomId, type NoteId } from '../domain/ids';
import { NOTE_SCHEMA_VERSION, compareNewestFirst, displayTitle, type Note, type NoteDraft } from '../domain/note';
import { assertWritable, isNewerSchema } from '../domain/schema';

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
  /** Device that made this revision (see storage/deviceName.ts). */
  updatedBy?: string;
  /** Deleted revisions from other devices that a person chose to overrule by keeping the note. */
  keptDespiteDeletion?: string[];
}

/** A note that changed: its current state, or no `note` when it is gone (deleted). */
export interface NoteChange {
  id: NoteId;
  note?: Note;
}

/**
 * Documents per read of {@link NotesStore.readAll}. The idb adapter asks
 * IndexedDB for every document of a page in one task, so the page size sets
 * the length of the tasks while the list loads (2000 made tasks of 100-300 ms
 * on a busy 2-core machine with 50,000 notes; 500 keeps them short).
 */
const READ_PAGE = 500;

/** Options of the changes feed that carry, per document, everything {@link toNote} needs. */
const NOTE_FEED = { include_docs: true, conflicts: true, style: 'all_docs' } as const;

type FeedChange = PouchDB.Core.ChangesResponseChange<object>;

/**
 * Reads a stored document defensively: a peer may send anything, so every
 * field is checked and a malformed one becomes empty text rather than a crash.
 */
export function toNote(doc: Record<string, unknown>, knownSchema = NOTE_SCHEMA_VERSION): Note {
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
    updatedBy: text(doc['updatedBy']),
    hasConflicts: Array.isArray(conflicts) && conflicts.length > 0,
    isDeletedElsewhere: unresolvedDeletions(doc).length > 0,
    ...(isNewerSchema(doc, knownSchema) ? { isFromNewerVersion: true } : {}),
  };
}

/**
 * Revisions of deleted leaves of a document that a person deleted on some
 * device while it was edited elsewhere. PouchDB has no `deleted_conflicts`
 * option, so read every leaf (`open_revs: 'all'`) and keep the deleted ones
 * that carry {@link NotesStore.remove}'s record of who deleted it; the bare
 * tombstones that resolving a conflict leaves behind are not deletions.
 */
export async function deletedLeafRevs(db: PouchDB.Database, id: string): Promise<string[]> {
  const leaves = await db.get(id, { open_revs: 'all' });
  return leaves
    .map((leaf) => ('ok' in leaf ? (leaf.ok as { _rev: string; _deleted?: boolean; updatedBy?: unknown }) : undefined))
    .filter((doc) => doc?._deleted === true && typeof doc.updatedBy === 'string')
    .map((doc) => doc?._rev ?? '')
    .sort();
}

/** Deleted sibling revisions (another device's delete) nobody has overruled yet. */
export function unresolvedDeletions(doc: Record<string, unknown>): string[] {
  const deleted = doc['_deleted_conflicts'];
  const kept = doc['keptDespiteDeletion'];
  if (!Array.isArray(deleted)) return [];
  const keptSet = new Set(Array.isArray(kept) ? kept : []);
  return deleted.filter((rev): rev is string => typeof rev === 'string' && !keptSet.has(rev));
}

/** Options of a {@link NotesStore}. */
export interface NotesStoreOptions {
  /** The note schema this build writes; {@link NOTE_SCHEMA_VERSION} but in tests of two builds side by side. */
  schemaVersion?: number;
  /** Called whenever a note of a newer schema is read or refused (storage/schemaGate.ts). */
  onNewerSchema?: () => void;
}

/**
 * Notes on top of one local PouchDB. Every write is local and succeeds offline.
 * @remarks Never writes over a note of a newer schema than it knows
 * (domain/schema.ts): update and remove throw {@link NewerSchemaError} instead.
 */
export class NotesStore {
  private readonly schema: number;
  private readonly onNewerSchema: () => void;

  constructor(
    private readonly db: PouchDB.Database,
    private readonly deviceName: () => string = () => 'this device',
    private readonly now: () => Date = () => new Date(),
    options: NotesStoreOptions = {},
  ) {
    this.schema = options.schemaVersion ?? NOTE_SCHEMA_VERSION;
    this.onNewerSchema = options.onNewerSchema ?? (() => undefined);
  }

  /** A note as the UI sees it; a newer one is reported to {@link NotesStoreOptions.onNewerSchema}. */
  private toNote(doc: Record<string, unknown>): Note {
    const note = toNote(doc, this.schema);
    if (note.isFromNewerVersion) this.onNewerSchema();
    return note;
  }

  /** Every note, newest first. */
  async list(): Promise<Note[]> {
    const res = await this.db.allDocs({
      include_docs: true,
      conflicts: true,
      startkey: NOTE_ID_PREFIX,
      endkey: `${NOTE_ID_PREFIX}\uffff`,
    });
    const deletedElsewhere = await this.withDeletedSiblings();
    const notes: Note[] = [];
    for (const row of res.rows) {
      if (!row.doc) continue;
      const extra = deletedElsewhere.get(row.id);
      notes.push(this.toNote({ ...(row.doc as unknown as Record<string, unknown>), ...(extra ?? {}) }));
    }
    return notes.sort(compareNewestFirst);
  }

  /**
   * The titles of some notes, as lists show them, by id; an id that is not a
   * live note is left out. For pages that name a few documents (a peer
   * lacks them, a peer refuses one) without reading every note.
   */
  async titles(ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter(isNoteId);
    if (wanted.length === 0) return new Map();
    const res = await this.db.allDocs({ keys: wanted, include_docs: true });
    const titles = new Map<string, string>();
    for (const row of res.rows) {
      if ('doc' in row && row.doc) titles.set(row.id, displayTitle(toNote(row.doc as unknown as Record<string, unknown>)));
    }
    return titles;
  }

  /**
   * Notes that have a deleted sibling revision (deleted on one device while
   * edited on another). allDocs cannot report those, so the changes feed in
   * `all_docs` style finds documents with several leaves, and only those are read.
   */
  private async withDeletedSiblings(): Promise<Map<string, { _deleted_conflicts: string[] }>> {
    const res = await this.db.changes({ since: 0, style: 'all_docs', return_docs: true });
    const found = new Map<string, { _deleted_conflicts: string[] }>();
    for (const change of res.results) {
      if (change.deleted || change.changes.length < 2 || !isNoteId(change.id)) continue;
      const revs = await deletedLeafRevs(this.db, change.id);
      if (revs.length) found.set(change.id, { _deleted_conflicts: revs });
    }
    return found;
  }

  /**
   * Every note, newest first, and the point of the changes feed to follow
   * them live from ({@link NotesStore.watch}), with nothing missed between.
   * @remarks One pass over the changes feed gives each document's winning
   * revision, its conflicts and all its leaves, so unlike {@link list} only
   * documents with a deleted leaf are read again.
   */
  async readAll(): Promise<{ notes: Note[]; since: number | string }> {
    // By id: a note changed while the pages are read shows up again later, newer.
    const byId = new Map<string, Note>();
    let since: number | string = 0;
    for (;;) {
      const res: PouchDB.Core.ChangesResponse<object> = await this.db.changes({ ...NOTE_FEED, since, limit: READ_PAGE, return_docs: true });
      for (const { id, note } of await this.toChanges(res.results)) {
        if (note) byId.set(id, note);
        else byId.delete(id);
      }
      since = res.last_seq;
      if (res.results.length < READ_PAGE) break;
    }
    return { notes: [...byId.values()].sort(compareNewestFirst), since };
  }

  /**
   * Calls `onChanges` with every note written after `since`: here, in
   * another tab, or arriving from a peer, in order, grouped as they come.
   * @returns a function that stops watching.
   */
  watch(since: number | string, onChanges: (changes: NoteChange[]) => void, onError: (err: unknown) => void): () => void {
    let pending: FeedChange[] = [];
    let queue = Promise.resolve();
    let isStopped = false;
    // Changes that arrive while earlier ones are read wait for them, so a
    // note never goes back to an older state.
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const changes = await this.toChanges(batch);
      if (!isStopped && changes.length) onChanges(changes);
    };
    const feed = this.db
      .changes({ ...NOTE_FEED, live: true, since, return_docs: false })
      .on('change', (change) => {
        if (!isNoteId(change.id)) return;
        pending.push(change);
        queue = queue.then(flush).catch(onError);
      })
      .on('error', onError);
    return () => {
      isStopped = true;
      feed.cancel();
    };
  }

  /** Notes from changes-feed entries; documents with a deleted leaf are read again for {@link deletedLeafRevs}. */
  private async toChanges(results: readonly FeedChange[]): Promise<NoteChange[]> {
    const out: NoteChange[] = [];
    for (const change of results) {
      if (!isNoteId(change.id)) continue;
      const doc = change.doc as Record<string, unknown> | undefined;
      if (change.deleted || !doc) {
        out.push({ id: change.id });
        continue;
      }
      const conflicts = Array.isArray(doc['_conflicts']) ? doc['_conflicts'].length : 0;
      // style 'all_docs' lists every leaf: more than the winner and its live
      // conflicts means a deleted leaf, perhaps another device's delete.
      const extra = change.changes.length > 1 + conflicts ? { _deleted_conflicts: await deletedLeafRevs(this.db, change.id) } : {};
      out.push({ id: change.id, note: this.toNote({ ...doc, ...extra }) });
    }
    return out;
  }

  async get(id: NoteId): Promise<Note | undefined> {
    try {
      const doc = (await this.db.get(id, { conflicts: true })) as unknown as Record<string, unknown>;
      return this.toNote({ ...doc, _deleted_conflicts: await deletedLeafRevs(this.db, id) });
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
      schemaVersion: this.schema,
      title: draft.title,
      body: draft.body,
      createdAt: at,
      updatedAt: at,
      updatedBy: this.deviceName(),
    };
    const res = await this.db.put(doc);
    return toNote({ ...doc, _rev: res.rev });
  }

  /**
   * Saves an edit to a note.
   * @throws NewerSchemaError when a newer version of the app wrote the note (domain/schema.ts).
   * @remarks Written on top of the newest local revision: if another tab saved
   * in between (a 409), its text stays in the revision history and the user's
   * latest words are what they see. Conflicts between devices are a different
   * matter: replication keeps both revisions (see `hasConflicts`).
   */
  async update(id: NoteId, draft: NoteDraft): Promise<Note> {
    for (let attempt = 0; ; attempt += 1) {
      // Deleted meanwhile (a delete from another device arrived while this one
      // typed): the edit brings the note back rather than being lost.
      const current = ((await this.db.get(id).catch((err: { status?: number }) => {
        if (err.status === 404) return { _id: id };
        throw err;
      })) as unknown as NoteDoc);
      // Written by a newer version: rewriting it in this build's shape would downgrade it everywhere.
      assertWritable(current as unknown as Record<string, unknown>, this.schema, this.onNewerSchema);
      const doc: NoteDoc = {
        ...current,
        type: 'note',
        schemaVersion: this.schema,
        title: draft.title,
        body: draft.body,
        createdAt: typeof current.createdAt === 'string' ? current.createdAt : this.now().toISOString(),
        updatedAt: this.now().toISOString(),
        updatedBy: this.deviceName(),
      };
      try {
        const res = await this.db.put(doc);
        return toNote({ ...doc, _rev: res.rev });
      } catch (err) {
        if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Deletes a note, recording which device deleted it and when (shown if
   * another device edited it meanwhile).
   * @param seenRev the revision the person decided to delete (the one on
   *   screen). When a newer one arrived in between (another device's edit,
   *   pulled a moment before), that edit is not deleted unseen: the deletion
   *   is recorded against the revision that was seen, exactly as if the two
   *   devices had done this apart, and the note stays, marked "deleted on
   *   another device while edited", for a person to settle. Without it, the
   *   newest revision is deleted.
   * @returns 'kept' in that case, else 'deleted' (also when it already was).
   */
  async remove(id: NoteId, seenRev?: string): Promise<'deleted' | 'kept'> {
    const stamp = { type: 'note', updatedAt: this.now().toISOString(), updatedBy: this.deviceName() };
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.db.get(id).catch((err: { status?: number }) => {
        if (err.status === 404) return undefined;
        throw err;
      });
      // Already deleted (here or by a peer): nothing left to do.
      if (!current) return 'deleted';
      assertWritable(current as unknown as Record<string, unknown>, this.schema, this.onNewerSchema);
      if (seenRev && seenRev !== current._rev) {
        await this.deleteSeen(id, seenRev, stamp);
        return 'kept';
      }
      try {
        await this.db.put({ _id: id, _rev: current._rev, _deleted: true, ...stamp });
        return 'deleted';
      } catch (err) {
        // A revision arrived between the read and the write (a pull): read again.
        if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Writes a deletion as the child of `seenRev`, which is no longer the newest:
   * a branch beside the newer revision, with the full history, as replication
   * writes a deletion made on another device.
   */
  private async deleteSeen(id: NoteId, seenRev: string, stamp: Record<string, string>): Promise<void> {
    const seen = (await this.db.get(id, { rev: seenRev, revs: true })) as { _revisions?: { start: number; ids: string[] } };
    const history = seen._revisions;
    if (!history) throw new Error(`the history of ${id} at ${seenRev} is not stored here`);
    // A revision id is the generation and any unique hex string (PouchDB makes random ones too);
    // randomId, not crypto.randomUUID, which a page served over plain http on a LAN lacks.
    const hash = randomId();
    const deletion = {
      _id: id,
      _rev: `${history.start + 1}-${hash}`,
      _revisions: { start: history.start + 1, ids: [hash, ...history.ids] },
      _deleted: true,
      ...stamp,
    };
    const [result] = await this.db.bulkDocs([deletion], { new_edits: false });
    if (result && 'error' in result && result.error) throw Object.assign(new Error(`could not delete ${id}`), result);
  }
}

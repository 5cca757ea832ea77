// Conflicting and earlier revisions of note documents, read from and written
// to the device's PouchDB. Replication keeps every leaf revision; this module
// shows them and writes a person's resolution so that it converges everywhere.
import type { NoteId } from '../domain/ids';
import type { NoteDraft } from '../domain/note';
import { NOTE_SCHEMA_VERSION } from '../domain/note';
import { NewerSchemaError, schemaOf } from '../domain/schema';
import { deletedLeafRevs, unresolvedDeletions, type NotesStoreOptions } from './notes';

/** One revision of a note, as a person compares them. */
export interface NoteVersion {
  rev: string;
  title: string;
  body: string;
  updatedAt: string;
  updatedBy: string;
  isDeleted: boolean;
  /** The schema it was written with (domain/schema.ts). */
  schemaVersion: number;
}

/** Everything needed to resolve a conflicted note. */
export interface NoteConflict {
  id: NoteId;
  /** The revision replication picked as winner (the same on every node). */
  winner: NoteVersion;
  /** The other live revisions. */
  others: NoteVersion[];
  /** Deletions made on another device while this note was edited. */
  deletions: NoteVersion[];
  /** The last version both sides shared, when its body is still stored here. */
  base?: { title: string; body: string };
  createdAt: string;
  /** Deletions an earlier resolution overruled (the winner's `keptDespiteDeletion`): they stay overruled. */
  keptBefore: string[];
}

type Doc = Record<string, unknown> & { _id: string; _rev: string };


function version(doc: Record<string, unknown>): NoteVersion {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    rev: text(doc['_rev']),
    title: text(doc['title']),
    body: text(doc['body']),
    updatedAt: text(doc['updatedAt']),
    updatedBy: text(doc['updatedBy']) || 'an unknown device',
    isDeleted: doc['_deleted'] === true,
    schemaVersion: schemaOf(doc),
  };
}

/** Revision ids, newest first, from a document read with `revs: true`. */
function history(doc: Record<string, unknown>): string[] {
  const revs = doc['_revisions'] as { start: number; ids: string[] } | undefined;
  if (!revs) return [];
  return revs.ids.map((hash, i) => `${revs.start - i}-${hash}`);
}

/** Reads conflicts and history of notes, and writes resolutions. */
export class ConflictStore {
  private readonly schema: number;

  constructor(
    private readonly db: PouchDB.Database,
    private readonly options: NotesStoreOptions = {},
  ) {
    this.schema = options.schemaVersion ?? NOTE_SCHEMA_VERSION;
  }

  /** Throws rather than write over a version a newer build wrote (domain/schema.ts). */
  private assertWritable(conflict: NoteConflict): void {
    const newer = [conflict.winner, ...conflict.others].find((v) => v.schemaVersion > this.schema);
    if (!newer) return;
    this.options.onNewerSchema?.();
    throw new NewerSchemaError(conflict.id, newer.schemaVersion, this.schema);
  }

  /** The note's competing versions, or undefined when it has none. */
  async load(id: NoteId): Promise<NoteConflict | undefined> {
    const winnerDoc = (await this.db.get(id, { conflicts: true, revs: true })) as unknown as Doc;
    const otherRevs = (winnerDoc['_conflicts'] as string[] | undefined) ?? [];
    const deletedRevs = unresolvedDeletions({ ...winnerDoc, _deleted_conflicts: await deletedLeafRevs(this.db, id) });
    if (otherRevs.length === 0 && deletedRevs.length === 0) return undefined;
    const read = (rev: string) =>
      this.db.get(id, { rev, revs: true }) as unknown as Promise<Doc>;
    const others = await Promise.all(otherRevs.map(read));
    const deletions = await Promise.all(deletedRevs.map(read));
    const base = await this.commonAncestor(id, winnerDoc, others[0] ?? deletions[0]);
    return {
      id,
      winner: version(winnerDoc),
      others: others.map(version),
      deletions: deletions.map(version),
      ...(base ? { base } : {}),
      createdAt: typeof winnerDoc['createdAt'] === 'string' ? winnerDoc['createdAt'] : '',
      keptBefore: Array.isArray(winnerDoc['keptDespiteDeletion'])
        ? winnerDoc['keptDespiteDeletion'].filter((rev): rev is string => typeof rev === 'string')
        : [],
    };
  }

  /**
   * Writes the version a person chose (or merged) and deletes every other leaf.
   * @remarks Deterministic: the new revision's content depends only on the
   * conflict and the chosen text (no clock, no device name), and PouchDB and
   * CouchDB derive revision ids from content. So two devices that resolve the
   * same conflict the same way write the very same revisions, and no new
   * conflict arises. Resolving it differently leaves a new, visible conflict.
   */
  async resolve(conflict: NoteConflict, result: NoteDraft): Promise<void> {
    this.assertWritable(conflict);
    const all = [conflict.winner, ...conflict.others];
    const latest = all.map((v) => v.updatedAt).sort().at(-1) ?? '';
    const authors = [...new Set(all.map((v) => v.updatedBy))].sort().join(' + ');
    // Earlier overruled deletions are still leaves of the tree: forgetting them would bring them back.
    const kept = [...new Set([...conflict.keptBefore, ...conflict.deletions.map((d) => d.rev)])].sort();
    const resolved = {
      _id: conflict.id,
      _rev: conflict.winner.rev,
      type: 'note',
      schemaVersion: this.schema,
      title: result.title,
      body: result.body,
      createdAt: conflict.createdAt,
      updatedAt: latest,
      updatedBy: `${authors} (resolved)`,
      ...(kept.length ? { keptDespiteDeletion: kept } : {}),
    };
    const losers = conflict.others.map((v) => ({ _id: conflict.id, _rev: v.rev, _deleted: true }));
    const results = await this.db.bulkDocs([resolved, ...losers]);
    const failed = results.find((r) => 'error' in r && r.error);
    if (failed) throw new Error(`resolving ${conflict.id} failed: ${JSON.stringify(failed)}`);
  }

  /** Accepts another device's deletion: deletes every live revision. */
  async acceptDeletion(conflict: NoteConflict): Promise<void> {
    this.assertWritable(conflict);
    const live = [conflict.winner, ...conflict.others];
    await this.db.bulkDocs(live.map((v) => ({ _id: conflict.id, _rev: v.rev, _deleted: true })));
  }

  /** Earlier versions of a note whose bodies are still stored on this device, newest first. */
  async history(id: NoteId): Promise<NoteVersion[]> {
    const doc = (await this.db.get(id, { revs_info: true })) as unknown as {
      _revs_info?: Array<{ rev: string; status: string }>;
    };
    const available = (doc._revs_info ?? []).filter((r) => r.status === 'available').slice(1);
    const versions = await Promise.all(
      available.map((r) => this.db.get(id, { rev: r.rev }).then((d) => version(d as unknown as Doc))),
    );
    return versions.filter((v) => !v.isDeleted);
  }

  private async commonAncestor(
    id: NoteId,
    a: Doc,
    b: Doc | undefined,
  ): Promise<{ title: string; body: string } | undefined> {
    if (!b) return undefined;
    const seen = new Set(history(a));
    const shared = history(b).find((rev) => seen.has(rev) && rev !== a._rev && rev !== b._rev);
    if (!shared) return undefined;
    try {
      const doc = version((await this.db.get(id, { rev: shared })) as unknown as Doc);
      return { title: doc.title, body: doc.body };
    } catch {
      // Compacted away, or never stored here (a peer sent only the leaves).
      return undefined;
    }
  }
}

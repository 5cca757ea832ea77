// Which file documents (`file:<id>`) carry a deleted leaf revision written by
// FilesStore.remove on one device while another device renamed or moved the
// file. Nothing is stored: the answer is read from the device's PouchDB and
// kept in memory per database object, updated from the changes feed.
import { isFileId } from '../domain/file';
import { deletedLeafRevs, unresolvedDeletions } from './notes';

/** Changes read per request while catching up; bounds memory on a device with many chunks. */
const BATCH = 1000;

interface Branched {
  /** The document's leaf revisions when {@link Branched.deleted} was read. */
  leaves: string;
  deleted: string[];
}

/**
 * Finds deleted leaves cheaply.
 * @remarks allDocs reports live conflicts (`_conflicts`) but never deleted
 * leaves, and reading every file with `open_revs` would cost one request per
 * file. The changes feed in `all_docs` style lists every document's leaves in
 * one pass, so only documents whose revision tree branches are read with
 * `open_revs`, and only again when their leaves change. After the first call,
 * a call reads just the changes since the previous one.
 */
class DeletedLeafTracker {
  private since: string | number = 0;
  private readonly branched = new Map<string, Branched>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: PouchDB.Database) {}

  /** File id → its deleted leaves that record who deleted them (files without any are absent). */
  current(): Promise<ReadonlyMap<string, string[]>> {
    // One catch-up at a time: two overlapping ones would race on `since`.
    const run = this.queue.then(() => this.catchUp());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<ReadonlyMap<string, string[]>> {
    for (;;) {
      const res = await this.db.changes({ since: this.since, style: 'all_docs', limit: BATCH, return_docs: true });
      const reads: Promise<void>[] = [];
      for (const change of res.results) {
        if (!isFileId(change.id)) continue;
        const leaves = change.changes.map((c) => c.rev).sort().join(' ');
        // A deleted winner means every leaf is deleted: the file is not listed at all.
        if (change.deleted || change.changes.length < 2) this.branched.delete(change.id);
        else if (this.branched.get(change.id)?.leaves !== leaves) reads.push(this.read(change.id, leaves));
      }
      await Promise.all(reads);
      this.since = res.last_seq;
      if (res.results.length < BATCH) break;
    }
    const found = new Map<string, string[]>();
    for (const [id, { deleted }] of this.branched) if (deleted.length) found.set(id, deleted);
    return found;
  }

  private async read(id: string, leaves: string): Promise<void> {
    this.branched.set(id, { leaves, deleted: await deletedLeafRevs(this.db, id) });
  }
}

const trackers = new WeakMap<PouchDB.Database, DeletedLeafTracker>();

/**
 * Deleted leaf revisions of every file that has any, keyed by file id (see
 * {@link DeletedLeafTracker} for why this stays cheap with many files).
 */
export function deletedFileLeaves(db: PouchDB.Database): Promise<ReadonlyMap<string, string[]>> {
  let tracker = trackers.get(db);
  if (!tracker) {
    tracker = new DeletedLeafTracker(db);
    trackers.set(db, tracker);
  }
  return tracker.current();
}

/** Whether a file has competing versions, or was deleted elsewhere while changed here, and nobody decided yet. */
export interface ConflictMarks {
  hasConflicts: boolean;
  isDeletedElsewhere: boolean;
}

/**
 * The marks of a file document read with `conflicts: true`, given its deleted leaves.
 * @remarks A deletion counts until a resolution lists it in `keptDespiteDeletion`
 * (the same field and rule as notes, see {@link unresolvedDeletions}).
 */
export function conflictMarks(doc: Record<string, unknown>, deletedLeaves: readonly string[] = []): ConflictMarks {
  const conflicts = doc['_conflicts'];
  return {
    hasConflicts: Array.isArray(conflicts) && conflicts.length > 0,
    isDeletedElsewhere: unresolvedDeletions({ ...doc, _deleted_conflicts: [...deletedLeaves] }).length > 0,
  };
}

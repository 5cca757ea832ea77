// The catch-up: a one-shot replication in large batches, before the live replication takes over.
import { PUSH_ATTACHMENT_BUDGET, attachmentBytes, fillAttachments, withinBudget } from './fastAttachments';
import { writeWhileFetching } from './fastPipeline';
import { newSessionId, readCheckpoint, replicationId, writeCheckpoint, type Seq } from './fastCheckpoint';
import { isDesignDoc } from '../remote/designDocs';
import { prepareWrites } from '../remote/prepareWrites';
import { openIdbChanges, type IdbChanges } from './idbChangesPage';
import { readRevisions, type ReadResult } from './localRevisions';

/**
 * A one-shot, catch-up replication in large batches: the CouchDB replication
 * protocol (changes, revs_diff, bulk_get with revs, bulk_docs with
 * new_edits:false, checkpoints) with the round trips PouchDB's replicator
 * spends per 100 documents spent per thousand, and the network overlapped
 * with the writes. Used before PouchDB's live replication takes over.
 * @remarks Every revision is written with its full `_revisions` history and
 * `new_edits: false`, so conflicts and deletions arrive exactly as they are
 * on the source, and writing a revision twice is harmless. Checkpoints are
 * PouchDB's own (fastCheckpoint.ts) and are only moved past a batch once all
 * of it is written, so an interrupted run resumes without losing anything.
 */

/** Options of {@link fastReplicate}. */
export interface FastReplicateOptions {
  source: PouchDB.Database;
  target: PouchDB.Database;
  /** Changes per batch (one changes request, one revs_diff, one bulk_get, one bulk_docs). */
  batchSize?: number;
  /** Batches between checkpoints; one is always written at the end. */
  checkpointEvery?: number;
  /** Polled between steps; once true, the run stops without writing anything more. */
  isCancelled?: () => boolean;
  /** After each batch is written. */
  onBatch?: (progress: FastProgress) => void;
  /** After a checkpoint is written on both sides. */
  onCheckpoint?: (seq: Seq) => void;
  /**
   * The direct IndexedDB reads of a local source (idbChangesPage.ts) gave up,
   * and the rest of the run reads through PouchDB: always right, only
   * slower. Reported so that a PouchDB upgrade that changed the adapter's
   * stores shows up in the log, not only as a slower push.
   */
  onReaderFallback?: (reason: unknown) => void;
  /** A document the target refused for lack of permission; skipped, as PouchDB's replicator does. */
  onDenied?: (error: unknown) => void;
  /** Revisions (see {@link revKey}) known to be on the target already: not asked about. */
  knownOnTarget?: ReadonlySet<string>;
  /** Receives every revision written to the target. */
  written?: Set<string>;
  /**
   * A numeric source seq up to which every document is known to be on the
   * target (see {@link FastResult.onlyFromSource}): the run starts there if
   * its checkpoint is behind.
   */
  coveredUpTo?: number;
}

/** How far a {@link fastReplicate} run has come. */
export interface FastProgress {
  /** Source changes looked at. */
  changesRead: number;
  /** Document revisions written to the target. */
  docsWritten: number;
  /** Source seq up to which everything is on the target. */
  lastSeq: Seq;
  /** So far, as {@link FastResult.onlyFromSource}. */
  onlyFromSource?: number;
}

/** What a finished (or cancelled) run did. */
export interface FastResult extends FastProgress {
  /** False when cancelled before reaching the end of the source's changes. */
  completed: boolean;
  /**
   * Set when the target was empty at the start and every revision it holds
   * now came from the source in this run: the target's update_seq then. A
   * replication back from this target to the source may start from there.
   * @remarks Proven, not assumed: after each write the target's update_seq
   * must have moved by exactly the number of revisions written (each new
   * revision takes one seq, a revision already there takes none). A write
   * by anyone else in between shows up as a surplus, or is one of these very
   * revisions written a moment earlier (then it is from the source too);
   * revisions written in an earlier batch are never sent again. Any
   * mismatch, refused document or numbering other than integers drops it.
   */
  onlyFromSource?: number;
}

type Doc = PouchDB.Core.PutDocument<object>;
type Change = PouchDB.Core.ChangesResponseChange<object>;

interface Batch {
  changes: number;
  lastSeq: Seq;
  docs: Doc[];
  isLast: boolean;
  /** Attachment bytes in it (file chunks): such a batch is checkpointed at once. */
  attachmentBytes: number;
}

interface Run extends Required<Pick<FastReplicateOptions, 'batchSize' | 'checkpointEvery' | 'isCancelled'>> {
  options: FastReplicateOptions;
  skipDiff: boolean;
  stopped: boolean;
  written: Set<string>;
  /** The target's update_seq while every revision in it is from this run; see FastResult.onlyFromSource. */
  onlyOurs?: number;
}

type Wanted = Array<{ id: string; rev: string }>;

/** Raised for what the fast path leaves to PouchDB's replicator (a revision it cannot read). */
export class FastPathUnsupported extends Error {
  override readonly name = 'FastPathUnsupported';
}

/** The key of one revision in {@link FastReplicateOptions.knownOnTarget}. */
export const revKey = (id: string, rev: string): string => `${id}\n${rev}`;

const isRemote = (db: PouchDB.Database) => /^https?$/.test((db as { adapter?: string }).adapter ?? '');

/**
 * True when the database has never had a document written: then nothing the
 * source has can be there, and revs_diff can be skipped. Guessing wrong costs
 * only transfer: writing a revision the target already has, with
 * new_edits:false, changes nothing.
 * @remarks A remote is asked for its first change (deletions count, `_local`
 * checkpoints do not) rather than for info(), which hardenRemote.ts may
 * answer with a placeholder.
 */
async function isPristine(db: PouchDB.Database): Promise<boolean> {
  if (isRemote(db)) return (await db.changes({ since: 0, limit: 1, batch_size: 1 })).results.length === 0;
  const info = await db.info();
  return info.doc_count === 0 && info.update_seq === 0;
}

async function missingRevs(run: Run, results: Change[]): Promise<Wanted> {
  const known = run.options.knownOnTarget;
  const isKnown = (key: string) => run.written.has(key) || !!known?.has(key);
  const asked: Record<string, string[]> = {};
  for (const change of results) {
    // A server's own business, never carried from one node to another (designDocs.ts).
    if (isDesignDoc(change.id)) continue;
    const revs = change.changes.map((c) => c.rev).filter((rev) => !isKnown(revKey(change.id, rev)));
    if (revs.length) asked[change.id] = revs;
  }
  if (run.skipDiff) return Object.entries(asked).flatMap(([id, revs]) => revs.map((rev) => ({ id, rev })));
  if (Object.keys(asked).length === 0) return [];
  const diff = await run.options.target.revsDiff(asked);
  return Object.entries(diff).flatMap(([id, d]) => (d.missing ?? []).map((rev) => ({ id, rev })));
}

/** One page of the source's changes, and how to read the revisions it names. */
interface Page {
  results: Change[];
  /** The seq the page reaches: everything up to it is in `results` or comes again later. */
  endSeq: Seq;
  /** True when the page is as long as asked: there may be more. */
  full: boolean;
  read(wanted: Wanted): Promise<ReadResult[]>;
}
type Pager = (since: Seq, limit: number) => Promise<Page>;

/** Pages through PouchDB: `changes`, then `_bulk_get` from a remote or the adapter's reads (localRevisions.ts). */
function pouchPager(source: PouchDB.Database): Pager {
  return async (since, limit) => {
    const page = await source.changes({
      since,
      limit,
      // Without it the HTTP adapter splits the page into requests of 25.
      batch_size: limit,
      style: 'all_docs',
      return_docs: true,
    });
    return {
      results: page.results,
      endSeq: page.results[page.results.length - 1]?.seq ?? since,
      full: page.results.length >= limit,
      read: async (wanted) =>
        isRemote(source)
          ? // An { error } item has no `ok` either, and fetchDocs refuses anything without one.
            ((await source.bulkGet({ docs: wanted, revs: true, latest: true } as PouchDB.Core.BulkGetOptions)).results as unknown as ReadResult[])
          : readRevisions(source, wanted),
    };
  };
}

/**
 * Pages straight from the idb adapter's stores (idbChangesPage.ts), and
 * through PouchDB from the first page it cannot read on: PouchDB's way is
 * slower but always right.
 */
function idbPager(reader: IdbChanges, fallback: Pager, onFallback?: (reason: unknown) => void): Pager {
  let usable = true;
  return async (since, limit) => {
    if (usable && typeof since === 'number') {
      try {
        return await reader.page(since, limit);
      } catch (err) {
        usable = false;
        onFallback?.(err);
      }
    }
    return fallback(since, limit);
  };
}

/** Reads the wanted revisions with their histories (attachments as stubs), by document id. */
async function fetchDocs(page: Page, wanted: Wanted): Promise<Map<string, Doc[]>> {
  const byId = new Map<string, Doc[]>();
  if (wanted.length === 0) return byId;
  for (const result of await page.read(wanted)) {
    for (const item of result.docs) {
      // Gone meanwhile (compacted, purged): PouchDB's replicator retries such a batch; so will it.
      if (!('ok' in item)) throw new FastPathUnsupported(`cannot read ${result.id}`);
      byId.set(result.id, [...(byId.get(result.id) ?? []), item.ok]);
    }
  }
  return byId;
}

/** The first batches are small, so that writing starts early and overlaps the next fetch. */
const FIRST_BATCH = 100;
/** How many batches' worth of changes a page may hold while nothing needs fetching. */
const ECHO_PAGES = 5;

async function* fetchBatches(run: Run, pager: Pager, since: Seq): AsyncGenerator<Batch> {
  const { source } = run.options;
  // Passing over the echo of a push (the source holds what it was just sent), most pages
  // have nothing to fetch: start at a full batch rather than at 100.
  const echoes = run.options.knownOnTarget?.size ?? 0;
  let limit = Math.min(echoes > 0 ? Math.max(echoes, FIRST_BATCH) : FIRST_BATCH, run.batchSize);
  for (let from = since; !run.stopped && !run.isCancelled(); ) {
    const page = await pager(from, limit);
    if (page.results.length === 0) {
      // A full page of nothing but entries of documents changed again later: read on.
      if (!page.full) return;
      from = page.endSeq;
      continue;
    }
    const fetched = await fetchDocs(page, await missingRevs(run, page.results));
    // Cut the page where its attachments would exceed the budget; the rest comes next.
    const { kept, docs } = withinBudget(page.results, fetched, isRemote(run.options.target) ? PUSH_ATTACHMENT_BUDGET : undefined);
    const isCut = kept < page.results.length;
    const lastSeq = isCut ? page.results[kept - 1]!.seq : page.endSeq;
    // A short page is the end for now; the live replication picks up what comes later.
    const isLast = !isCut && !page.full;
    const bytes = docs.reduce((sum, doc) => sum + attachmentBytes(doc), 0);
    // Prepared for the target here (sealed, for an encrypted peer), while the batch before is being written.
    const ready = await prepareWrites(run.options.target, await fillAttachments(source, docs));
    yield { changes: kept, lastSeq, docs: ready, isLast, attachmentBytes: bytes };
    if (isLast) return;
    from = lastSeq;
    // Pages with nothing to fetch (changes the target has, e.g. the echo of a push) cost
    // the source little per change: read more of them per request.
    limit = Math.min(limit * 2, docs.length === 0 ? run.batchSize * ECHO_PAGES : run.batchSize);
  }
}

/** Writes a batch; resolves with the number of revisions sent. */
async function writeBatch(run: Run, batch: Batch): Promise<number> {
  // A revision that came in an earlier batch (its document changed again
  // meanwhile) is not sent twice: that also keeps the onlyOurs count exact.
  const docs = batch.docs.filter((doc) => !run.written.has(revKey(String(doc._id), String(doc._rev))));
  if (docs.length === 0) return 0;
  const { target, onDenied } = run.options;
  const results = await target.bulkDocs(docs, { new_edits: false });
  for (const result of results) {
    if (!('error' in result) || !result.error) continue;
    const name = String((result as { name?: string }).name ?? (result as { error?: unknown }).error).toLowerCase();
    // Like PouchDB's replicator: a permission refusal skips the document, anything else stops the run.
    if (name !== 'unauthorized' && name !== 'forbidden') {
      throw Object.assign(new Error(`the target refused ${result.id ?? 'a document'}`), result);
    }
    onDenied?.(result);
    run.onlyOurs = undefined;
  }
  for (const doc of docs) run.written.add(revKey(String(doc._id), String(doc._rev)));
  if (run.onlyOurs !== undefined) {
    const seq = (await target.info()).update_seq;
    run.onlyOurs = typeof seq === 'number' && seq === run.onlyOurs + docs.length ? seq : undefined;
  }
  return docs.length;
}

/** Works out where a run starts and what it may skip. */
async function prepare(options: FastReplicateOptions): Promise<{ run: Run; id: string; from: { checkpoint: Seq; seq: Seq } }> {
  const { source, target } = options;
  const run: Run = {
    options,
    batchSize: options.batchSize ?? 1000,
    checkpointEvery: options.checkpointEvery ?? 10,
    isCancelled: options.isCancelled ?? (() => false),
    skipDiff: false,
    stopped: false,
    written: options.written ?? new Set(),
  };
  const id = await replicationId(source, target);
  const checkpoint = await readCheckpoint(source, target, id);
  // Only a fresh replication can find its target empty; a target known to hold
  // the source's changes up to some seq (coveredUpTo) is not, and need not be asked.
  run.skipDiff = checkpoint === 0 && !options.coveredUpTo && (await isPristine(target));
  // Counting seqs needs integer seqs, which only local databases promise.
  run.onlyOurs = run.skipDiff && !isRemote(target) ? 0 : undefined;
  const covered = options.coveredUpTo;
  // Number(opaque CouchDB seq) is NaN, and NaN >= covered is false: then start at `covered`,
  // which the caller only passes for a local source, whose seqs are numbers.
  const seq = covered !== undefined && !(Number(checkpoint) >= covered) ? covered : checkpoint;
  return { run, id, from: { checkpoint, seq } };
}

/**
 * Replicates everything `source` has beyond the checkpoint into `target`,
 * then writes the checkpoint where PouchDB's replication from `source` to
 * `target` will find it.
 * @throws whatever the databases throw; progress up to the last checkpoint stays.
 */
export async function fastReplicate(options: FastReplicateOptions): Promise<FastResult> {
  const { source, target } = options;
  const { run, id, from } = await prepare(options);
  let checkpointed = from.checkpoint;
  const progress: FastProgress = { changesRead: 0, docsWritten: 0, lastSeq: from.seq };
  const session = newSessionId();
  let batches = 0;
  const checkpoint = async () => {
    if (progress.lastSeq === checkpointed || run.isCancelled()) return;
    await writeCheckpoint(source, target, id, progress.lastSeq, session);
    checkpointed = progress.lastSeq;
    options.onCheckpoint?.(checkpointed);
  };
  // A local source is read straight from its IndexedDB stores where it can be (a push).
  const reader = isRemote(source) ? undefined : await openIdbChanges(source, options.onReaderFallback);
  const pager = reader ? idbPager(reader, pouchPager(source), options.onReaderFallback) : pouchPager(source);
  const completed = await writeWhileFetching(fetchBatches(run, pager, progress.lastSeq), run.isCancelled, async (batch) => {
    progress.docsWritten += await writeBatch(run, batch);
    progress.changesRead += batch.changes;
    progress.lastSeq = batch.lastSeq;
    progress.onlyFromSource = run.onlyOurs;
    options.onBatch?.({ ...progress });
    batches += 1;
    // A batch of file chunks is costly to move again: an interrupted large
    // transfer resumes after the last one written, not ten batches back.
    if (batches % run.checkpointEvery === 0 || batch.attachmentBytes > 0) await checkpoint();
    return !batch.isLast;
  }).finally(() => {
    run.stopped = true;
    reader?.close();
  });
  await checkpoint();
  const { onlyFromSource, ...rest } = progress;
  return { ...rest, completed, ...(completed && onlyFromSource !== undefined ? { onlyFromSource } : {}) };
}

import { newSessionId, readCheckpoint, replicationId, writeCheckpoint, type Seq } from './fastCheckpoint';

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
  /** A document the target refused for lack of permission; skipped, as PouchDB's replicator does. */
  onDenied?: (error: unknown) => void;
  /** Revisions (see {@link revKey}) known to be on the target already: not asked about. */
  knownOnTarget?: ReadonlySet<string>;
  /** Receives every revision written to the target. */
  written?: Set<string>;
}

/** How far a {@link fastReplicate} run has come. */
export interface FastProgress {
  /** Source changes looked at. */
  changesRead: number;
  /** Document revisions written to the target. */
  docsWritten: number;
  /** Source seq up to which everything is on the target. */
  lastSeq: Seq;
}

/** What a finished (or cancelled) run did. */
export interface FastResult extends FastProgress {
  /** False when cancelled before reaching the end of the source's changes. */
  completed: boolean;
}

interface Batch {
  changes: number;
  lastSeq: Seq;
  docs: PouchDB.Core.PutDocument<object>[];
  isLast: boolean;
}

interface Run extends Required<Pick<FastReplicateOptions, 'batchSize' | 'checkpointEvery' | 'isCancelled'>> {
  options: FastReplicateOptions;
  skipDiff: boolean;
  stopped: boolean;
}

type Wanted = Array<{ id: string; rev: string }>;

/** Raised for what the fast path leaves to PouchDB's replicator (attachments, unreadable revisions). */
export class FastPathUnsupported extends Error {
  override readonly name = 'FastPathUnsupported';
}

/** The key of one revision in {@link FastReplicateOptions.knownOnTarget}. */
export const revKey = (id: string, rev: string): string => `${id}\n${rev}`;

/**
 * True when the database has never had a document written: then nothing the
 * source has can be there, and revs_diff can be skipped. CouchDB 2+ reports
 * `update_seq` as "0-…" then. Guessing wrong costs only transfer: writing a
 * revision the target already has, with new_edits:false, changes nothing.
 */
async function isPristine(db: PouchDB.Database): Promise<boolean> {
  const info = await db.info();
  return info.doc_count === 0 && Number.parseInt(String(info.update_seq), 10) === 0;
}

const isRemote = (db: PouchDB.Database) => /^https?$/.test((db as { adapter?: string }).adapter ?? '');

async function missingRevs(run: Run, results: PouchDB.Core.ChangesResponseChange<object>[]): Promise<Wanted> {
  const known = run.options.knownOnTarget;
  const asked: Record<string, string[]> = {};
  for (const change of results) {
    const revs = change.changes.map((c) => c.rev).filter((rev) => !known?.has(revKey(change.id, rev)));
    if (revs.length) asked[change.id] = revs;
  }
  if (run.skipDiff) return Object.entries(asked).flatMap(([id, revs]) => revs.map((rev) => ({ id, rev })));
  if (Object.keys(asked).length === 0) return [];
  const diff = await run.options.target.revsDiff(asked);
  return Object.entries(diff).flatMap(([id, d]) => (d.missing ?? []).map((rev) => ({ id, rev })));
}

/** Reads the wanted revisions with their histories: one `_bulk_get` for a remote source. */
async function fetchDocs(run: Run, wanted: Wanted): Promise<Batch['docs']> {
  if (wanted.length === 0) return [];
  const { source } = run.options;
  const results = isRemote(source)
    ? (await source.bulkGet({ docs: wanted, revs: true, latest: true } as PouchDB.Core.BulkGetOptions)).results
    : await readLocal(source, wanted);
  const docs: Batch['docs'] = [];
  for (const result of results) {
    for (const item of result.docs) {
      if (!('ok' in item)) throw new FastPathUnsupported(`cannot read ${result.id}`);
      // Attachment bodies need extra requests; PouchDB's replicator knows how.
      if ('_attachments' in item.ok) throw new FastPathUnsupported(`${result.id} has attachments`);
      docs.push(item.ok);
    }
  }
  return docs;
}

/**
 * Reads revisions from a local database with all reads of a batch in flight
 * at once: PouchDB's generic bulkGet allows six at a time, a limit meant for
 * HTTP that only slows IndexedDB down.
 */
function readLocal(db: PouchDB.Database, wanted: Wanted): Promise<PouchDB.Core.BulkGetResponse<object>['results']> {
  const byId = new Map<string, string[]>();
  for (const { id, rev } of wanted) byId.set(id, [...(byId.get(id) ?? []), rev]);
  return Promise.all(
    [...byId].map(async ([id, revs]) => {
      const docs = await db.get(id, { revs: true, open_revs: revs, latest: true } as PouchDB.Core.GetOpenRevisions);
      return { id, docs: docs };
    }),
  );
}

async function* fetchBatches(run: Run, since: Seq): AsyncGenerator<Batch> {
  const { source } = run.options;
  for (let from = since; !run.stopped && !run.isCancelled(); ) {
    const page = await source.changes({
      since: from,
      limit: run.batchSize,
      // Without it the HTTP adapter splits the page into requests of 25.
      batch_size: run.batchSize,
      style: 'all_docs',
      return_docs: true,
    });
    const last = page.results[page.results.length - 1];
    if (!last) return;
    const docs = await fetchDocs(run, await missingRevs(run, page.results));
    // A short page is the end for now; the live replication picks up what comes later.
    const isLast = page.results.length < run.batchSize;
    yield { changes: page.results.length, lastSeq: last.seq, docs, isLast };
    if (isLast) return;
    from = last.seq;
  }
}

async function writeBatch(run: Run, batch: Batch): Promise<void> {
  if (batch.docs.length === 0) return;
  const { target, onDenied, written } = run.options;
  const results = await target.bulkDocs(batch.docs, { new_edits: false });
  for (const result of results) {
    if (!('error' in result) || !result.error) continue;
    const name = String((result as { name?: string }).name ?? (result as { error?: unknown }).error).toLowerCase();
    // Like PouchDB's replicator: a permission refusal skips the document, anything else stops the run.
    if (name !== 'unauthorized' && name !== 'forbidden') {
      throw Object.assign(new Error(`the target refused ${result.id ?? 'a document'}`), result);
    }
    onDenied?.(result);
  }
  if (written) for (const doc of batch.docs) written.add(revKey(String(doc._id), String(doc._rev)));
}

/**
 * Replicates everything `source` has beyond the checkpoint into `target`,
 * then writes the checkpoint where PouchDB's replication from `source` to
 * `target` will find it.
 * @throws whatever the databases throw; progress up to the last checkpoint stays.
 */
export async function fastReplicate(options: FastReplicateOptions): Promise<FastResult> {
  const { source, target } = options;
  const run: Run = {
    options,
    batchSize: options.batchSize ?? 1000,
    checkpointEvery: options.checkpointEvery ?? 10,
    isCancelled: options.isCancelled ?? (() => false),
    skipDiff: false,
    stopped: false,
  };
  // Only a local target is trusted to be empty: a remote's info() may be a
  // placeholder (hardenRemote.ts), and a wrong guess would resend everything.
  const [id, pristine] = await Promise.all([
    replicationId(source, target),
    isRemote(target) ? false : isPristine(target),
  ]);
  run.skipDiff = pristine;
  const progress: FastProgress = { changesRead: 0, docsWritten: 0, lastSeq: await readCheckpoint(source, target, id) };
  const session = newSessionId();
  let checkpointed = progress.lastSeq;
  let batches = 0;
  const checkpoint = async () => {
    if (progress.lastSeq === checkpointed || run.isCancelled()) return;
    await writeCheckpoint(source, target, id, progress.lastSeq, session);
    checkpointed = progress.lastSeq;
    options.onCheckpoint?.(checkpointed);
  };
  const completed = await pipeline(run, fetchBatches(run, progress.lastSeq), async (batch) => {
    await writeBatch(run, batch);
    progress.changesRead += batch.changes;
    progress.docsWritten += batch.docs.length;
    progress.lastSeq = batch.lastSeq;
    options.onBatch?.({ ...progress });
    batches += 1;
    if (batches % run.checkpointEvery === 0) await checkpoint();
  });
  await checkpoint();
  return { ...progress, completed };
}

/**
 * Writes batches while the next ones are being fetched (two ahead), so the
 * source's requests overlap the target's writes.
 * @returns false when cancelled.
 */
async function pipeline(run: Run, batches: AsyncGenerator<Batch>, write: (batch: Batch) => Promise<void>): Promise<boolean> {
  const ahead: Array<Promise<IteratorResult<Batch>>> = [];
  const fill = () => {
    while (ahead.length < 2) {
      const next = batches.next();
      // Rejections are seen when awaited below; this only keeps an abandoned one quiet.
      next.catch(() => undefined);
      ahead.push(next);
    }
  };
  try {
    for (;;) {
      fill();
      const next = await ahead.shift();
      if (!next || next.done) return !run.isCancelled();
      if (run.isCancelled()) return false;
      await write(next.value);
      if (next.value.isLast) return true;
    }
  } finally {
    run.stopped = true;
  }
}

// One peer's replication both ways: catch-up, then live; the one place PouchDB's events become a status.
import { checkpointsVanished, forgetCheckpoints } from '../catchUp/checkpointMemory';
import { classifyError, describeError, isTerminal, type SyncErrorReason } from '../common/errors';
import { fastReplicate, type FastReplicateOptions, type FastResult } from '../catchUp/fastReplicate';
import type { Logger } from '../common/logger';
import { PeerState, combineStates, type PeerStatus } from './peerStatus';
import { RefusedDocs } from './refusedDocs';
import type { UnreadableDocs } from '../remote/unreadableDocs';
import { countWaiting } from './waitingChanges';

/** The one place PouchDB's replication events become a {@link PeerStatus}. */

export type Direction = 'push' | 'pull';

interface DirectionState {
  state: PeerState;
  replication?: PouchDB.Replication.Replication<object>;
  error?: PeerStatus['error'];
  /** Seq of the batch being written, and the ids in it, to name a stuck document. */
  batchSeq?: string | number;
  batchIds: string[];
  /** How many attempts in a row failed on the same batch for a non-network reason. */
  sameBatchFailures: number;
  lastFailure?: unknown;
}

/** Collaborators of a {@link PeerReplication}. */
export interface PeerReplicationDeps {
  localDb: PouchDB.Database;
  remoteDb: PouchDB.Database;
  backOff: (previousMs: number) => number;
  logger: Logger;
  /** Documents per batch of the live replications. */
  batchSize?: number;
  /**
   * Catch up in large batches (fastReplicate.ts) before going live; default
   * true. False runs PouchDB's live replication alone, as before.
   */
  fastCatchUp?: boolean;
  /** Called whenever anything in {@link PeerReplication.status} may have changed. */
  onUpdate: () => void;
  /** Called with the documents the live pull from this peer has just written here. */
  onPulled?: (docs: readonly PulledDoc[]) => void;
  /** Called with the local seq up to which the peer has received everything (a push checkpoint). */
  onPushed: (seq: string | number) => void;
  /**
   * Called with true when a catch-up in `dir` starts, and false when it ends.
   * 'push' spans the whole catch-up (its pulls included), so that something
   * is always running from its start to its end.
   */
  onCatchUp?: (dir: Direction, isRunning: boolean) => void;
  /**
   * Documents this peer refused with 401/403; the engine keeps one list per
   * peer across restarts of its replication. A fresh list when absent.
   */
  refused?: RefusedDocs;
  /** For a peer marked encrypted: the revisions read from it that did not open (encryptedPeer.ts). */
  unreadable?: UnreadableDocs;
  /**
   * Kept by the engine across restarts of this peer's replication: whether
   * syncing with it ever worked, so that its database found gone is taken
   * for one being recreated (retried), not for a wrong address (terminal).
   */
  history?: { hasWorked: boolean };
  /**
   * How often, while the live pull is up to date, the peer is asked whether
   * its database is still the same one (one request for one checkpoint,
   * {@link checkpointsVanished}); default {@link RECREATION_CHECK_MS}.
   */
  recreationCheckMs?: number;
}

/** A document as PouchDB's replicator writes it: with its revision history. */
export type PulledDoc = { _id: string; _rev?: string; _revisions?: unknown; _attachments?: unknown } & Record<string, unknown>;

/** Attempts that fail the same way on the same batch before it is reported as stuck. */
const STUCK_AFTER = 3;

/**
 * Documents per batch of the live replications. Small on purpose: PouchDB
 * holds a batch whole in memory, pushes it as one JSON body (attachments in
 * base64) and writes and checkpoints it whole. With 1 MiB file chunks, ten
 * keep a batch near 10 MiB, the main thread free, and an interrupted file
 * transfer resumes from at most ten chunks back. Bulk work (a first sync,
 * a return after an absence) goes through the catch-up's large batches.
 */
export const LIVE_BATCH_SIZE = 10;

/**
 * Documents per batch of the live push: one. PouchDB builds a push batch as
 * one JSON body with attachments in base64 on the main thread; a batch of
 * ten 1 MiB chunks froze the page for far over 200 ms. Typing saves one
 * document at a time anyway, and a backlog goes through the catch-up.
 */
export const LIVE_PUSH_BATCH_SIZE = 1;

/**
 * How often a quiet peer is asked whether its database was recreated. A live
 * pull resumed on a recreated database waits for changes past the old
 * database's seq: quiet, "up to date", it would miss everything numbered
 * below that and never send the new database what it lacks; no event of
 * PouchDB's says so. One small request a minute per peer finds it.
 */
export const RECREATION_CHECK_MS = 60_000;

/**
 * How a catch-up ended; 'handled': a failure of the whole peer or device
 * ({@link PeerReplication.onWholePeer}), whose handler has stopped the peer
 * or scheduled its next cycle.
 */
type CatchUpOutcome = 'done' | 'away' | 'failed' | 'handled';

/**
 * Live, two-way replication with one peer, retrying while the peer is away.
 * @remarks Push and pull run as two one-way replications (not `db.sync`) so
 * that the push checkpoint tells exactly which local changes the peer has.
 */
export class PeerReplication {
  private readonly dirs: Record<Direction, DirectionState> = {
    push: { state: PeerState.connecting, batchIds: [], sameBatchFailures: 0 },
    pull: { state: PeerState.connecting, batchIds: [], sameBatchFailures: 0 },
  };
  private lastSyncedAt?: string;
  private isCancelled = false;
  /** Set while waiting out a backoff before the next catch-up. */
  private retryTimer?: ReturnType<typeof setTimeout>;
  private retryDelayMs = 0;
  /** True while a {@link forward} is on its way: one at a time, the live push covers the rest. */
  private isForwarding = false;
  private readonly refused: RefusedDocs;
  /** Set when the live push sent a refused document again (edited): retry the list when it settles. */
  private isRefusalTouched = false;
  /** While this device's storage is full: how many of the peer's changes wait to be stored here. */
  private waiting?: PeerStatus['waiting'];
  /** Set while {@link waiting} is being counted: one failure is reported by several events. */
  private isCountingWaiting = false;
  /** Set once the peer turned out to hold sealed documents: nothing more runs until the engine restarts it. */
  private isSealedStop = false;
  private readonly history: { hasWorked: boolean };
  /** Set while waiting for the next check that the peer's database is still the same one. */
  private recreationTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly deps: PeerReplicationDeps) {
    this.refused = deps.refused ?? new RefusedDocs();
    this.history = deps.history ?? { hasWorked: false };
  }

  /**
   * Starts syncing; safe to call once. First catches up in large batches
   * (pull, then push), then hands over to PouchDB's live replications, which
   * resume from the checkpoints the catch-up wrote. Whenever the peer goes
   * away, the live replications stop, and after a backoff the cycle starts
   * again with a catch-up: what piled up meanwhile moves in large batches.
   */
  start(): void {
    this.cycle();
  }

  /** Stops both directions. Best-effort: a failure to cancel is logged, not thrown. */
  cancel(): void {
    this.isCancelled = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.recreationTimer);
    this.recreationTimer = undefined;
    for (const dir of ['push', 'pull'] as const) this.cancelDirection(dir);
  }

  private cycle(): void {
    // The peer may have lost its data since the last cycle (it was away): its checkpoints are read afresh.
    forgetCheckpoints(this.deps.remoteDb);
    if (this.deps.fastCatchUp === false) return this.goLive();
    void this.catchUp().then((outcome) => {
      if (this.isCancelled || outcome === 'handled') return;
      if (outcome === 'away') return this.retryLater();
      this.goLive();
      // The checkpoints are past what the peer refused: only this sends it again.
      this.retryRefused();
      // And past what did not open: only this reads it again.
      this.deps.unreadable
        ?.retry(this.deps.localDb, this.deps.remoteDb)
        .then(() => this.deps.onUpdate())
        .catch((err: unknown) => this.deps.logger.debug('unreadable documents not read again', describeError(err)));
    });
  }

  /** Stops the live replications and starts a new cycle after a backoff. */
  private retryLater(): void {
    if (this.isCancelled || this.isSealedStop || this.retryTimer) return;
    for (const dir of ['push', 'pull'] as const) this.cancelDirection(dir);
    this.retryDelayMs = this.deps.backOff(this.retryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.cycle();
    }, this.retryDelayMs);
  }

  /** The peer's status, without `pending` (the engine computes that). */
  status(): PeerStatus {
    const state = combineStates(this.dirs.push.state, this.dirs.pull.state);
    const failure = this.dirs.push.error ?? this.dirs.pull.error;
    const shown = failure && state !== PeerState.upToDate && state !== PeerState.active ? failure : undefined;
    // Syncing goes on around a refused document, so it is named in any state.
    const unreadable = this.deps.unreadable;
    const listed = unreadable?.size ? { reason: 'unreadable' as const, detail: unreadable.detail(), docIds: unreadable.ids() } : undefined;
    // A push stopped because nothing opens (encryptedPeer.ts) names what did not open, with its own words.
    const error =
      (shown?.reason === 'unreadable' && listed ? { ...listed, detail: shown.detail } : shown) ??
      listed ??
      (this.refused.size ? { reason: 'refused' as const, detail: this.refused.detail(), docIds: this.refused.ids() } : undefined);
    return {
      state,
      ...(this.lastSyncedAt ? { lastSyncedAt: this.lastSyncedAt } : {}),
      ...(error ? { error } : {}),
      ...(error?.reason === 'quota' && this.waiting ? { waiting: this.waiting } : {}),
    };
  }

  private goLive(): void {
    this.startDirection('push');
    this.startDirection('pull');
  }

  /**
   * The initial or after-an-absence catch-up: pull, push, then step over the
   * echo of what was pushed. Each direction remembers what it moved, so that
   * the other need not ask the peer (or this device) about those revisions.
   * @remarks Never throws: any failure (the peer away, a refused document, a
   * revision gone meanwhile) leaves the rest to the live replications,
   * which retry with backoff, classify the error and detect stuck batches as
   * before. Progress up to the last checkpoint is kept either way.
   */
  private async catchUp(): Promise<CatchUpOutcome> {
    const fromPeer = new Set<string>();
    const toPeer = new Set<string>();
    // The whole catch-up counts as pushing, its pulls as pulling on top: never
    // "live" between two phases, where the engine's pending counts would start
    // reading the local changes the push is about to send (pendingChanges.ts).
    this.deps.onCatchUp?.('push', true);
    try {
      let pulled: FastResult;
      try {
        pulled = await this.fast('pull', { written: fromPeer });
      } catch (err) {
        if (classifyError(err) !== 'quota') throw err;
        // This device is full: what it holds still goes out to the peer, and
        // the whole cycle is tried again after a backoff.
        await this.fast('push', {}).catch((pushErr: unknown) => this.deps.logger.debug('push while full failed', describeError(pushErr)));
        this.onStorageFull(err);
        return 'handled';
      }
      if (!pulled.completed) return 'done';
      const pushed = await this.fast('push', {
        knownOnTarget: fromPeer,
        written: toPeer,
        // A device that was empty and got everything from this peer has nothing to push back.
        ...(pulled.onlyFromSource !== undefined ? { coveredUpTo: pulled.onlyFromSource } : {}),
      });
      // What was pushed is now in the peer's changes feed: pass over it here in
      // large batches rather than leave the live pull to ask about it 100 at a time.
      if (pushed.completed && pushed.docsWritten > 0) await this.fast('pull', { knownOnTarget: toPeer });
      this.deps.logger.debug('caught up', `pulled ${pulled.docsWritten}, pushed ${pushed.docsWritten}`);
      return 'done';
    } catch (err) {
      if (this.isCancelled) return 'failed';
      if (this.onWholePeer(err)) return 'handled';
      const reason = classifyError(err);
      if (this.isAwayLike(reason)) {
        // Away (or its database being recreated): say so, and try the whole cycle again after a backoff.
        for (const dir of ['push', 'pull'] as const) this.set(dir, PeerState.backingOff, { reason, detail: describeError(err) });
        return 'away';
      }
      this.deps.logger.info('catch-up stopped; live replication takes over', describeError(err));
      return 'failed';
    } finally {
      this.deps.onCatchUp?.('push', false);
    }
  }

  /** One fast, one-shot replication in `dir`, reporting progress like the live one. */
  private async fast(dir: Direction, options: Partial<FastReplicateOptions>): Promise<FastResult> {
    // A push is reported by catchUp() around all of it.
    if (dir === 'push') return this.fastOnce(dir, options);
    this.deps.onCatchUp?.(dir, true);
    try {
      return await this.fastOnce(dir, options);
    } finally {
      this.deps.onCatchUp?.(dir, false);
    }
  }

  private fastOnce(dir: Direction, options: Partial<FastReplicateOptions>): Promise<FastResult> {
    const { localDb, remoteDb, logger } = this.deps;
    return fastReplicate({
      source: dir === 'pull' ? remoteDb : localDb,
      target: dir === 'pull' ? localDb : remoteDb,
      isCancelled: () => this.isCancelled,
      onDenied: (err) => this.onDenied(dir, err),
      onReaderFallback: (err) => logger.info('push catch-up reads through PouchDB from here on', describeError(err)),
      onBatch: (progress) => {
        this.history.hasWorked = true;
        this.set(dir, PeerState.active);
        // The peer has every local change up to there: after a push batch, and
        // during a pull into an empty device (see FastResult.onlyFromSource).
        // Reported per batch, ahead of the checkpoint, so pending counts stay small.
        const pushed = dir === 'push' ? progress.lastSeq : progress.onlyFromSource;
        if (pushed !== undefined) this.deps.onPushed(pushed);
      },
      ...(dir === 'push' ? { onCheckpoint: (seq: string | number) => this.deps.onPushed(seq) } : {}),
      ...options,
    });
  }

  private startDirection(dir: Direction): void {
    const { localDb, remoteDb, backOff, batchSize } = this.deps;
    const options: PouchDB.Replication.ReplicateOptions = {
      live: true,
      retry: true,
      back_off_function: backOff,
      batch_size: batchSize ?? (dir === 'push' ? LIVE_PUSH_BATCH_SIZE : LIVE_BATCH_SIZE),
    };
    const replication =
      dir === 'push' ? localDb.replicate.to(remoteDb, options) : localDb.replicate.from(remoteDb, options);
    const d = this.dirs[dir];
    d.replication = replication;
    // After a catch-up that moved changes, stay "active" until PouchDB says it caught up too.
    if (d.state !== PeerState.active) d.state = PeerState.connecting;
    // Events of a replication this one has since cancelled (before a retry) are stale.
    const isCurrent = () => d.replication === replication;
    void replication
      .on('active', () => {
        if (isCurrent()) this.set(dir, PeerState.active);
      })
      .on('paused', (err) => {
        if (isCurrent()) this.onPaused(dir, err);
      })
      .on('change', (info) => {
        this.deps.onUpdate();
        if (dir === 'pull' && isCurrent() && info.docs.length) this.deps.onPulled?.(info.docs as unknown as PulledDoc[]);
        if (dir === 'push' && info.docs.some((doc) => this.refused.has(doc._id))) this.isRefusalTouched = true;
      })
      .on('denied', (err) => this.onDenied(dir, err))
      .on('error', (err) => {
        if (isCurrent()) this.onFatal(dir, err);
      });
    // Not in @types/pouchdb: PouchDB emits checkpoint progress and every failed attempt.
    const emitter = replication as unknown as {
      on(event: string, listener: (arg: unknown) => void): void;
    };
    emitter.on('checkpoint', (event) => {
      if (isCurrent()) this.onCheckpoint(dir, event as Record<string, unknown>);
    });
    emitter.on('requestError', (err) => {
      if (isCurrent()) this.onAttemptFailed(dir, err);
    });
    // The replication is also a promise; its rejection is reported through 'error'.
    replication.catch(() => undefined);
  }

  /**
   * Sends documents that another peer's live pull has just written here
   * straight on to this peer, as a relay between peers that never talk to
   * each other. The live push would send them too, but only after this
   * device's changes feed reports the write, a `revs_diff` and a read back
   * from IndexedDB: about 50 ms more on the way from one device to another
   * through this one (a relay trace). Nothing depends on this arriving: it
   * is `_bulk_docs` with `new_edits: false` and the full history, as the
   * live push would send, so arriving twice changes nothing, and anything
   * this skips or that fails (the peer away, a refused document) is left to
   * the live push, which delivers, checkpoints and reports as before.
   * @remarks Only while the live push runs; one request at a time; only
   * documents that carry their history and no attachments (file chunks go
   * through the live push's batches of one, which keep the page responsive).
   */
  forward(docs: readonly PulledDoc[]): void {
    const push = this.dirs.push;
    if (this.isCancelled || this.isForwarding || !push.replication) return;
    if (push.state !== PeerState.upToDate && push.state !== PeerState.active) return;
    // Without `_revisions`, new_edits:false would plant the revision as a branch of its own.
    const sendable = docs.filter((doc) => doc._revisions && !doc._attachments && !doc._id.startsWith('_local/'));
    if (sendable.length === 0) return;
    this.isForwarding = true;
    this.deps.remoteDb
      .bulkDocs(sendable as PouchDB.Core.PutDocument<object>[], { new_edits: false })
      .catch((err: unknown) => this.deps.logger.debug('forward failed; the live push sends it', describeError(err)))
      .finally(() => {
        this.isForwarding = false;
      });
  }

  private cancelDirection(dir: Direction): void {
    const d = this.dirs[dir];
    try {
      d.replication?.cancel();
    } catch (err) {
      this.deps.logger.warn(`${dir}: cancel failed`, describeError(err));
    }
    d.replication = undefined;
  }

  /**
   * A document the peer refused with 401/403: PouchDB's replicator steps over
   * it and moves its checkpoint past it, so it is remembered here and named.
   */
  private onDenied(dir: Direction, err: unknown): void {
    this.deps.logger.warn(`${dir}: peer refused a document`, describeError(err));
    this.refused.add(err);
    this.deps.onUpdate();
  }

  /** Sends what the peer refused again; those it now holds are no longer named. */
  private retryRefused(): void {
    this.isRefusalTouched = false;
    this.refused
      .retry(this.deps.localDb, this.deps.remoteDb)
      .then(() => this.deps.onUpdate())
      .catch((err: unknown) => this.deps.logger.debug('refused documents not retried', describeError(err)));
  }

  private set(dir: Direction, state: PeerState, error?: PeerStatus['error']): void {
    const d = this.dirs[dir];
    d.state = state;
    d.error = error;
    // Not on 'active': PouchDB turns active again at every retry of a stuck batch.
    if (state === PeerState.upToDate) {
      this.history.hasWorked = true;
      if (dir === 'pull') this.watchForRecreation();
      d.sameBatchFailures = 0;
      this.waiting = undefined;
      this.retryDelayMs = 0;
      if (dir === 'push' && this.isRefusalTouched) this.retryRefused();
    }
    if (this.dirs.push.state === PeerState.upToDate && this.dirs.pull.state === PeerState.upToDate) {
      this.lastSyncedAt = new Date().toISOString();
    }
    this.deps.onUpdate();
  }

  private onPaused(dir: Direction, err: unknown): void {
    if (this.isCancelled || this.isSealedStop) return;
    if (!err) return this.set(dir, PeerState.upToDate);
    // Before onAttemptFailed, which skips a failure 'requestError' already reported.
    if (this.onWholePeer(err) || this.onAttemptFailed(dir, err)) return;
    const reason = classifyError(err);
    const isAway = this.isAwayLike(reason);
    if (isTerminal(reason) && !isAway) return this.stopWith(dir, reason, describeError(err));
    const error = { reason, detail: describeError(err) };
    if (!isAway || this.deps.fastCatchUp === false) return this.set(dir, PeerState.backingOff, error);
    // The peer is away: rather than PouchDB's retry of small live batches, a
    // new cycle whose catch-up moves whatever piles up meanwhile in large ones.
    // Its database gone, having worked: being recreated, most likely (the
    // message still says it is gone); the new cycle reads its checkpoints afresh.
    for (const each of ['push', 'pull'] as const) this.set(each, PeerState.backingOff, error);
    this.retryLater();
  }

  private onFatal(dir: Direction, err: unknown): void {
    if (this.isCancelled || this.isSealedStop || this.onWholePeer(err)) return;
    this.stopWith(dir, classifyError(err), describeError(err));
  }

  private onCheckpoint(dir: Direction, event: Record<string, unknown>): void {
    const d = this.dirs[dir];
    if ('start_next_batch' in event) {
      const seq = event['start_next_batch'] as string | number;
      if (seq !== d.batchSeq) d.sameBatchFailures = 0;
      d.batchSeq = seq;
      d.batchIds = [];
    } else if ('revs_diff' in event) {
      const change = event['revs_diff'] as { id?: string };
      if (change.id) d.batchIds.push(change.id);
    } else if ('checkpoint' in event) {
      d.sameBatchFailures = 0;
      if (dir === 'push') this.deps.onPushed(event['checkpoint'] as string | number);
    }
  }

  /**
   * PouchDB retries a batch that fails on one document forever (a `too_large`
   * or a validation failure). Count failures on the same batch and, past a
   * few, stop and name the documents instead of looping.
   */
  private onAttemptFailed(dir: Direction, err: unknown): boolean {
    const d = this.dirs[dir];
    // PouchDB reports one failed attempt both as 'requestError' and as 'paused'.
    if (this.isCancelled || err === d.lastFailure) return this.isCancelled;
    d.lastFailure = err;
    // Not a document's fault: every batch would fail alike.
    if (this.onWholePeer(err)) return true;
    const reason = classifyError(err);
    if (this.isAwayLike(reason) || d.batchIds.length === 0) {
      d.sameBatchFailures = 0;
      return false;
    }
    d.sameBatchFailures += 1;
    if (d.sameBatchFailures < STUCK_AFTER) return false;
    const docId = (err as { id?: unknown }).id;
    const docIds = typeof docId === 'string' ? [docId] : [...d.batchIds];
    this.stopWith(dir, 'stuck', `${reason}: ${describeError(err)}`, docIds);
    return true;
  }

  /**
   * This device's storage is full. Nothing already stored is touched; the
   * peer is shown as waiting on this device, with how many of its changes
   * are not stored here yet, and the whole cycle runs again after a backoff,
   * so syncing resumes by itself once space is freed.
   */
  private onStorageFull(err: unknown): void {
    if (this.isCancelled) return;
    const error = { reason: 'quota' as const, detail: describeError(err) };
    for (const dir of ['push', 'pull'] as const) this.set(dir, PeerState.storageFull, error);
    this.retryLater();
    if (this.isCountingWaiting) return;
    this.isCountingWaiting = true;
    countWaiting(this.deps.localDb, this.deps.remoteDb)
      .then((waiting) => {
        this.waiting = waiting;
        this.deps.onUpdate();
      })
      .catch((countErr: unknown) => this.deps.logger.debug('waiting changes not counted', describeError(countErr)))
      .finally(() => {
        this.isCountingWaiting = false;
      });
  }

  /**
   * Failures of the whole peer or device rather than of a batch, handled
   * alike from the catch-up and from every live event: a full device
   * ({@link onStorageFull}), or a plain peer found holding sealed documents
   * ({@link onSealed}). True when `err` was one of them.
   */
  private onWholePeer(err: unknown): boolean {
    const reason = classifyError(err);
    if (reason === 'quota') this.onStorageFull(err);
    else if (reason === 'sealed') this.onSealed(err);
    else return false;
    return true;
  }

  /**
   * Whether a failure is the peer being away, retried with a new cycle: the
   * network, or its database gone after syncing with it worked (another device
   * deleting and creating it again: a request in between meets "no database").
   * A database never found is a wrong address, or one removed for good: terminal.
   */
  private isAwayLike(reason: SyncErrorReason): boolean {
    return reason === 'network' || (reason === 'no-database' && this.history.hasWorked);
  }

  /**
   * While the live pull is up to date, asks the peer now and then whether
   * its database is still the one this device synced with (see
   * {@link RECREATION_CHECK_MS}); if not, a new cycle, whose catch-up reads
   * the checkpoints afresh, finds none on the new database, sends it
   * everything (sealed, through an encrypted peer's handle) and pulls all of
   * it from its start.
   */
  private watchForRecreation(): void {
    if (this.isCancelled || this.isSealedStop || this.recreationTimer || this.retryTimer) return;
    this.recreationTimer = setTimeout(() => {
      checkpointsVanished(this.deps.remoteDb)
        .catch((err: unknown) => {
          // Away, say: the live replications say so themselves.
          this.deps.logger.debug('could not check the peer database', describeError(err));
          return false;
        })
        .then((isVanished) => {
          this.recreationTimer = undefined;
          if (this.isCancelled || this.isSealedStop || this.retryTimer) return;
          if (!isVanished) return this.watchForRecreation();
          this.deps.logger.info('the peer database is not the one synced with (recreated?): starting over');
          for (const dir of ['push', 'pull'] as const) this.set(dir, PeerState.connecting);
          this.retryLater();
        })
        .catch((err: unknown) => this.deps.logger.debug('recreation check failed', describeError(err)));
    }, this.deps.recreationCheckMs ?? RECREATION_CHECK_MS);
  }

  /**
   * The peer, synced here in plain, holds sealed documents: another device
   * marked it encrypted. Both directions stop: the pull would store ciphertext
   * as plain documents (the handle refuses it, remote/plainPeer.ts), and the
   * push would keep sending plaintext to a peer meant to hold none. The row
   * asks for the mesh passphrase, which marks the peer encrypted here too and
   * restarts it (a new PeerReplication). Nothing stored here is touched.
   */
  private onSealed(err: unknown): void {
    if (this.isCancelled || this.isSealedStop) return;
    this.isSealedStop = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.recreationTimer);
    this.recreationTimer = undefined;
    for (const dir of ['push', 'pull'] as const) this.cancelDirection(dir);
    const docIds = (err as { docIds?: unknown }).docIds;
    const error = { reason: 'sealed' as const, detail: describeError(err), ...(Array.isArray(docIds) ? { docIds: docIds.map(String) } : {}) };
    this.deps.logger.warn('the peer holds sealed documents; stopped until the mesh passphrase is entered', error.detail);
    for (const dir of ['push', 'pull'] as const) this.set(dir, PeerState.passphraseNeeded, error);
  }

  private stopWith(dir: Direction, reason: SyncErrorReason, detail: string, docIds?: string[]): void {
    this.deps.logger.warn(`${dir} stopped: ${reason}`, detail);
    this.cancelDirection(dir);
    const state = reason === 'unauthorized' ? PeerState.unauthorized : PeerState.failed;
    this.set(dir, state, { reason, detail, ...(docIds ? { docIds } : {}) });
  }
}

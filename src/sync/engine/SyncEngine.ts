// The engine: one PeerReplication per peer, relay between them, pending counts, refused and unreadable documents.
import { CHUNK_ID_PREFIX } from '../../domain/file';
import type { PeerId } from '../../domain/ids';
import type { PeerConfig, PeerCredentials } from '../../domain/peer';
import { MeshKeyring } from '../../domain/envelope';
import { createBackoff } from './backoff';
import { isTerminal } from '../common/errors';
import { ignoreDesignDocs, listDesignDocs } from '../remote/designDocs';
import { encryptPeer } from '../remote/encryptedPeer';
import { refuseSealed } from '../remote/plainPeer';
import { hardenRemote } from '../catchUp/hardenRemote';
import type { Logger } from '../common/logger';
import { PendingChanges } from './pendingChanges';
import { PeerReplication, type PulledDoc } from './PeerReplication';
import { PeerState, type PeerStatus } from './peerStatus';
import { RefusedDocs } from './refusedDocs';
import { sameIds } from '../common/sameIds';
import { UnreadableDocs } from '../remote/unreadableDocs';

/** A peer as the engine runs it: its settings plus the credentials kept on this device. */
export interface EnginePeer {
  config: PeerConfig;
  credentials?: PeerCredentials;
  /** The mesh passphrase, for a peer marked encrypted; kept on this device only, never logged. */
  passphrase?: string;
}

/** Everything the UI needs to show where changes have reached. */
export interface SyncSnapshot {
  peers: Readonly<Record<PeerId, PeerStatus>>;
  /** Ids of local documents whose latest change no peer has received yet. */
  onlyHere: readonly string[];
}

/** Remembers, per peer, the local seq up to which the peer has everything. */
export interface PushProgressStore {
  get(peerId: PeerId): Promise<string | number | undefined>;
  set(peerId: PeerId, seq: string | number): Promise<void>;
  /** The documents the peer refused (id to the peer's words), as last saved; see {@link RefusedDocs}. */
  getRefused?(peerId: PeerId): Promise<Record<string, string> | undefined>;
  /** Saves the documents the peer refused, replacing what was saved; `{}` when none is left. */
  setRefused?(peerId: PeerId, refused: Record<string, string>): Promise<void>;
  /** The revisions of an encrypted peer that did not open, as last saved; see {@link UnreadableDocs}. */
  getUnreadable?(peerId: PeerId): Promise<Record<string, string> | undefined>;
  /** Saves them, replacing what was saved; `{}` when none is left. */
  setUnreadable?(peerId: PeerId, unreadable: Record<string, string>): Promise<void>;
}

/** Collaborators of the {@link SyncEngine}, injected so it runs in Node and the browser. */
export interface SyncEngineDeps {
  localDb: PouchDB.Database;
  /** Opens a remote database handle without creating the database. */
  openRemote: (url: string, credentials?: PeerCredentials) => PouchDB.Database;
  progress: PushProgressStore;
  logger: Logger;
  backOff?: (previousMs: number) => number;
  batchSize?: number;
  /** How often a quiet peer is asked whether its database was recreated (PeerReplication's RECREATION_CHECK_MS by default). */
  recreationCheckMs?: number;
}

/** A peer syncs unless paused here, or it needs a login or a passphrase this device has not been given. */
function runnable(peer: EnginePeer): boolean {
  return !peer.config.isPaused && !(peer.config.needsLogin && !peer.credentials) && !(peer.config.encrypted && !peer.passphrase);
}

/** What a peer that does not run shows. */
function idleState(peer: EnginePeer): PeerState {
  if (peer.config.isPaused) return PeerState.paused;
  return peer.config.encrypted && !peer.passphrase ? PeerState.passphraseNeeded : PeerState.signInNeeded;
}

/**
 * Pending changes are recounted at most this often. A recount is a pass over
 * an in-memory map (pendingChanges.ts), but a pull fires a change event per
 * document and each recount publishes a snapshot every tab re-renders.
 */
const REFRESH_DELAY_MS = 100;

interface RunningPeer {
  peer: EnginePeer;
  fingerprint: string;
  replication?: PeerReplication;
  remote?: PouchDB.Database;
  pushedSeq?: string | number;
  /** Refused by the peer, so not on it whatever the push checkpoint says; kept across restarts. */
  refused: RefusedDocs;
  pending?: number;
  unsentChunks?: string[];
  /** The peer's design documents, left alone (designDocs.ts), to name on its row. */
  designDocs?: string[];
  /** For a peer marked encrypted: revisions read from it that did not open; kept across restarts. */
  unreadable?: UnreadableDocs;
  /** The keys of its passphrase, kept across restarts so that they are derived once. */
  keyring?: MeshKeyring;
  /** Whether syncing with it ever worked (PeerReplicationDeps.history); kept across restarts at the same address. */
  history: { hasWorked: boolean };
}

/**
 * Keeps this device live-syncing with every peer it knows, always.
 * @remarks The only code that starts, cancels or restarts replications. It
 * holds one {@link PeerReplication} per peer; the UI talks to it through
 * {@link SyncEngine.subscribe} and {@link SyncEngine.getSnapshot} only.
 */
export class SyncEngine {
  private readonly running = new Map<PeerId, RunningPeer>();
  private readonly listeners = new Set<() => void>();
  private snapshot: SyncSnapshot = { peers: {}, onlyHere: [] };
  private readonly changed: PendingChanges;
  /** Replications catching up, per direction; see {@link PendingChanges.setActivity}. */
  private readonly catchingUp = { pull: new Set<object>(), push: new Set<object>() };
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private isStopped = false;
  private isStarted = false;
  /** Set once {@link setPeers} has been called: from then on, which changes to track is known. */
  private hasPeerList = false;
  /** The keys of the mesh passphrase, one set for every encrypted peer, so each key is derived once. */
  private meshKeys?: { passphrase: string; keyring: MeshKeyring };

  constructor(private readonly deps: SyncEngineDeps) {
    this.changed = new PendingChanges(
      deps.localDb,
      () => this.refreshPending(),
      (err) => deps.logger.warn('local changes feed failed', String(err)),
    );
  }

  /**
   * Call once. Pending counts start with the first {@link setPeers}: only
   * then is it known from which local seq the peers need changes, so the
   * local changes feed is read once, from there, and not from the start.
   */
  start(): void {
    this.isStarted = true;
    if (this.hasPeerList) this.trackForPeers();
    this.refreshPending();
  }

  /**
   * Makes the running replications match `peers`: starts new ones, stops
   * removed or paused ones, restarts those whose address or credentials changed.
   */
  async setPeers(peers: readonly EnginePeer[]): Promise<void> {
    const wanted = new Map(peers.map((p) => [p.config.id, p]));
    for (const [id, run] of this.running) {
      if (!wanted.has(id)) this.stopPeer(id, run, true);
    }
    for (const peer of peers) {
      const fingerprint = JSON.stringify([peer.config.url, peer.config.isPaused, peer.credentials ?? null, peer.config.encrypted === true, peer.passphrase ?? null]);
      const current = this.running.get(peer.config.id);
      if (current && current.fingerprint === fingerprint) continue;
      if (current) this.stopPeer(peer.config.id, current, false);
      const run: RunningPeer = {
        peer,
        fingerprint,
        pushedSeq: await this.deps.progress.get(peer.config.id),
        refused: current?.peer.config.url === peer.config.url ? current.refused : await this.refusedFor(peer.config.id),
        history: current?.peer.config.url === peer.config.url ? current.history : { hasWorked: false },
        ...(peer.config.encrypted ? await this.encryptionFor(peer, current) : {}),
      };
      this.running.set(peer.config.id, run);
      if (runnable(peer)) this.startPeer(run);
    }
    this.publish();
    this.hasPeerList = true;
    if (this.isStarted) this.trackForPeers();
    this.refreshPending();
  }

  /** Restarts peers that are waiting out a backoff, e.g. when the network returns. */
  retryNow(): void {
    this.restartWhere((status) => status.state === PeerState.backingOff || status.state === PeerState.storageFull || status.state === PeerState.failed);
  }

  /**
   * The device woke up (page shown again, resumed, back online): every peer
   * that is not up to date is started over now, its backoff with it.
   * @remarks After a sleep a push or long-poll can hang on a connection that
   * died without a word, and a retry timer can be up to 30 s away. Peers up
   * to date, and those stopped for a reason retrying cannot fix
   * ({@link isTerminal}, a refused sign-in), are left alone.
   */
  wakeUp(): void {
    this.restartWhere(needsWaking);
  }

  /**
   * The local database was opened again under the app (storage/reopenableDb.ts):
   * every running peer starts over. A live replication keeps its place in
   * memory, but the browser may have emptied the database (site data
   * cleared): only a new catch-up reads the checkpoints afresh and pulls
   * back what the device lost.
   */
  restartAll(): void {
    this.restartWhere(() => true);
  }

  /** Starts over, backoff included, every running peer whose status `shouldRestart` picks. */
  private restartWhere(shouldRestart: (status: PeerStatus) => boolean): void {
    for (const [id, run] of this.running) {
      const status = run.replication?.status();
      if (!status || !runnable(run.peer) || !shouldRestart(status)) continue;
      this.deps.logger.debug(`${id} starts over`, status.state);
      this.stopPeer(id, run, false);
      this.startPeer(run);
    }
    this.publish();
  }

  /** Stops everything. Best-effort: each peer is cancelled on its own. */
  stop(): void {
    this.isStopped = true;
    clearTimeout(this.refreshTimer);
    this.changed.stop();
    for (const [id, run] of this.running) this.stopPeer(id, run, true);
  }

  /** The peer's refused documents as last saved; saved again, and recounted, whenever they change. */
  private async refusedFor(id: PeerId): Promise<RefusedDocs> {
    const { progress, logger } = this.deps;
    const saved = (await progress.getRefused?.(id)) ?? {};
    return new RefusedDocs((refused) => {
      progress.setRefused?.(id, refused).catch((err: unknown) => logger.warn('could not save refused documents', String(err)));
      this.refreshPending();
    }, saved);
  }

  /** A peer marked encrypted: its list of unreadable revisions and its keys, those of `current` when they still apply. */
  private async encryptionFor(peer: EnginePeer, current?: RunningPeer): Promise<Pick<RunningPeer, 'unreadable' | 'keyring'>> {
    const { progress, logger } = this.deps;
    const id = peer.config.id;
    const isSame = current?.peer.config.url === peer.config.url;
    const unreadable =
      (isSame ? current.unreadable : undefined) ??
      new UnreadableDocs((saved) => {
        progress.setUnreadable?.(id, saved).catch((err: unknown) => logger.warn('could not save unreadable documents', String(err)));
        this.publish();
      }, (await progress.getUnreadable?.(id)) ?? {});
    if (peer.passphrase && this.meshKeys?.passphrase !== peer.passphrase) {
      this.meshKeys = { passphrase: peer.passphrase, keyring: new MeshKeyring(peer.passphrase) };
    }
    return { unreadable, ...(peer.passphrase && this.meshKeys ? { keyring: this.meshKeys.keyring } : {}) };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SyncSnapshot => this.snapshot;

  private startPeer(run: RunningPeer): void {
    const { config, credentials } = run.peer;
    const opened = hardenRemote(this.deps.openRemote(config.url, credentials));
    // A peer marked encrypted seals and opens; a plain one refuses ciphertext, which another
    // device that marked it encrypted may have put there (remote/plainPeer.ts).
    const sealed = run.keyring && run.unreadable ? encryptPeer(opened, run.keyring, run.unreadable) : refuseSealed(opened);
    const remote = ignoreDesignDocs(sealed, (id, isDeleted) =>
      this.noteDesignDocs(run, isDeleted ? (run.designDocs ?? []).filter((d) => d !== id) : [...(run.designDocs ?? []), id]),
    );
    run.remote = remote;
    // Best effort: the live pull only sees design documents changed from its checkpoint on.
    listDesignDocs(remote)
      .then((ids) => run.remote === remote && this.noteDesignDocs(run, ids))
      .catch(() => undefined);
    const token = {};
    run.replication = new PeerReplication({
      localDb: this.deps.localDb,
      remoteDb: run.remote,
      backOff: this.deps.backOff ?? createBackoff(),
      batchSize: this.deps.batchSize,
      refused: run.refused,
      history: run.history,
      ...(this.deps.recreationCheckMs !== undefined ? { recreationCheckMs: this.deps.recreationCheckMs } : {}),
      ...(run.unreadable ? { unreadable: run.unreadable } : {}),
      logger: this.deps.logger.child(config.id),
      onUpdate: () => this.publish(),
      onPulled: (docs) => this.relay(config.id, docs),
      onPushed: (seq) => {
        run.pushedSeq = seq;
        // At once, not at the next recount: a feed started when a catch-up push
        // ends then reads from here, not the whole push over again.
        this.changed.forget(this.oldestPushed());
        this.deps.progress.set(config.id, seq).catch((err: unknown) => {
          this.deps.logger.warn('could not save push progress', String(err));
        });
        this.refreshPending();
      },
      onCatchUp: (dir, isRunning) => {
        if (isRunning) this.catchingUp[dir].add(token);
        else this.catchingUp[dir].delete(token);
        if (this.isStopped) return;
        this.changed.setActivity(this.catchingUp.pull.size > 0 ? 'pulling' : this.catchingUp.push.size > 0 ? 'pushing' : 'live');
      },
    });
    run.replication.start();
  }

  private noteDesignDocs(run: RunningPeer, ids: readonly string[]): void {
    const sorted = [...new Set(ids)].sort();
    if (sameIds(run.designDocs, sorted)) return;
    run.designDocs = sorted;
    this.publish();
  }

  /** Hands what the live pull from one peer brought straight to every other peer (PeerReplication.forward). */
  private relay(from: PeerId, docs: readonly PulledDoc[]): void {
    for (const [id, run] of this.running) if (id !== from) run.replication?.forward(docs);
  }

  private stopPeer(id: PeerId, run: RunningPeer, forget: boolean): void {
    try {
      run.replication?.cancel();
      run.remote?.close().catch(() => undefined);
    } catch (err) {
      this.deps.logger.warn(`stopping ${id} failed`, String(err));
    }
    run.replication = undefined;
    run.remote = undefined;
    if (forget) this.running.delete(id);
  }

  private publish(): void {
    if (this.isStopped) return;
    const peers: Record<PeerId, PeerStatus> = {};
    for (const [id, run] of this.running) {
      const base: PeerStatus = run.replication
        ? run.replication.status()
        : { state: idleState(run.peer) };
      peers[id] = {
        ...base,
        ...(run.pending !== undefined ? { pending: run.pending } : {}),
        ...(run.unsentChunks?.length ? { unsentChunks: run.unsentChunks } : {}),
        ...(run.designDocs?.length ? { designDocs: run.designDocs } : {}),
      };
    }
    this.snapshot = { ...this.snapshot, peers };
    for (const listener of this.listeners) listener();
  }

  /** The local seq up to which every known peer has everything; 0 with no peer. */
  /**
   * Follows the local changes some peer has not received. With no peer at
   * all there is nothing to follow: everything is on this device alone, the
   * header says so ("No peers yet"), and reading every document of a large
   * database to list them would compete with the app's first read.
   */
  private trackForPeers(): void {
    if (this.running.size > 0) this.changed.track(this.oldestPushed());
    else this.changed.untrack();
  }

  /**
   * Documents some peer refused that no peer holds (each refused or not sent
   * them), other than those changed after `furthest` (listed already).
   */
  private refusedByAll(furthest: number): string[] {
    const runs = [...this.running.values()];
    const candidates = new Set(runs.flatMap((run) => run.refused.ids()));
    return [...candidates].filter(
      (id) =>
        !this.changed.isAfter(id, furthest) &&
        runs.every((run) => run.refused.has(id) || this.changed.isAfter(id, seqNumber(run.pushedSeq))),
    );
  }

  private oldestPushed(): number {
    let oldest: number | undefined;
    for (const run of this.running.values()) {
      const seq = seqNumber(run.pushedSeq);
      oldest = oldest === undefined ? seq : Math.min(oldest, seq);
    }
    return oldest ?? 0;
  }

  /** Recounts soon; a burst of changes (a pull fires one per document) gives one recount. */
  private refreshPending(): void {
    if (this.refreshTimer || !this.isStarted || this.isStopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.countPending();
    }, REFRESH_DELAY_MS);
  }

  /**
   * Per peer, the local changes past its push checkpoint; and which documents
   * no peer has. Left as they were while the local feed is not read up to
   * date (see {@link PendingChanges.isKnown}): no count rather than a wrong one.
   */
  private countPending(): void {
    if (this.isStopped) return;
    if (this.running.size === 0) {
      if (this.snapshot.onlyHere.length) this.snapshot = { ...this.snapshot, onlyHere: [] };
      this.publish();
      return;
    }
    this.changed.forget(this.oldestPushed());
    if (!this.changed.isKnown) {
      for (const run of this.running.values()) run.pending = undefined;
      this.publish();
      return;
    }
    let furthest: number | undefined;
    for (const run of this.running.values()) {
      const seq = seqNumber(run.pushedSeq);
      const unsent = this.changed.after(seq);
      // A refused document is behind the checkpoint yet not on the peer.
      run.pending = unsent.length + run.refused.ids().filter((id) => !this.changed.isAfter(id, seq)).length;
      const chunks = unsent.filter((id) => id.startsWith(CHUNK_ID_PREFIX)).map((id) => id.slice(CHUNK_ID_PREFIX.length));
      run.unsentChunks = sameIds(run.unsentChunks, chunks) ? run.unsentChunks : chunks;
      furthest = furthest === undefined ? seq : Math.max(furthest, seq);
    }
    const onlyHere = [...this.changed.after(furthest ?? 0), ...this.refusedByAll(furthest ?? 0)];
    // The same array when nothing changed, so that the notes list and the
    // other tabs are not handed a new list of thousands of ids for nothing.
    if (!sameIds(this.snapshot.onlyHere, onlyHere)) this.snapshot = { ...this.snapshot, onlyHere };
    this.publish();
  }
}

/** Whether a peer's replication may be stuck or waiting for nothing after a sleep (see {@link SyncEngine.wakeUp}). */
function needsWaking(status: PeerStatus): boolean {
  // Waiting for the passphrase (a peer another device marked encrypted): starting over fixes nothing.
  if (status.state === PeerState.upToDate || status.state === PeerState.unauthorized || status.state === PeerState.passphraseNeeded) return false;
  return !(status.state === PeerState.failed && status.error && isTerminal(status.error.reason));
}

/** A local seq as a number (local databases number their changes; anything else counts from 0). */
function seqNumber(seq: string | number | undefined): number {
  const n = Number(seq ?? 0);
  return Number.isNaN(n) ? 0 : n;
}

import { CHUNK_ID_PREFIX } from '../domain/file';
import type { PeerId } from '../domain/ids';
import type { PeerConfig, PeerCredentials } from '../domain/peer';
import { createBackoff } from './backoff';
import { hardenRemote } from './hardenRemote';
import type { Logger } from './logger';
import { PeerReplication } from './PeerReplication';
import { PeerState, type PeerStatus } from './peerStatus';

/** A peer as the engine runs it: its settings plus the credentials kept on this device. */
export interface EnginePeer {
  config: PeerConfig;
  credentials?: PeerCredentials;
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
}

/** A peer syncs unless paused here, or it needs a login this device has not been given. */
function runnable(peer: EnginePeer): boolean {
  return !peer.config.isPaused && !(peer.config.needsLogin && !peer.credentials);
}

/** Quiet time before pending changes are recounted. */
const REFRESH_DELAY_MS = 150;

interface RunningPeer {
  peer: EnginePeer;
  fingerprint: string;
  replication?: PeerReplication;
  remote?: PouchDB.Database;
  pushedSeq?: string | number;
  pending?: number;
  unsentChunks?: string[];
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
  private localChanges?: PouchDB.Core.Changes<object>;
  private isRefreshing = false;
  private isRefreshQueued = false;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private isStopped = false;

  constructor(private readonly deps: SyncEngineDeps) {}

  /** Starts watching local changes (for pending counts). Call once. */
  start(): void {
    this.localChanges = this.deps.localDb
      .changes({ live: true, since: 'now', return_docs: false })
      .on('change', () => this.refreshPending())
      .on('error', (err) => this.deps.logger.warn('local changes feed failed', String(err)));
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
      const fingerprint = JSON.stringify([peer.config.url, peer.config.isPaused, peer.credentials ?? null]);
      const current = this.running.get(peer.config.id);
      if (current && current.fingerprint === fingerprint) continue;
      if (current) this.stopPeer(peer.config.id, current, false);
      const run: RunningPeer = { peer, fingerprint, pushedSeq: await this.deps.progress.get(peer.config.id) };
      this.running.set(peer.config.id, run);
      if (runnable(peer)) this.startPeer(run);
    }
    this.publish();
    this.refreshPending();
  }

  /** Restarts peers that are waiting out a backoff, e.g. when the network returns. */
  retryNow(): void {
    for (const run of this.running.values()) {
      const state = run.replication?.status().state;
      if ((state === PeerState.backingOff || state === PeerState.failed) && runnable(run.peer)) {
        this.stopPeer(run.peer.config.id, run, false);
        this.startPeer(run);
      }
    }
    this.publish();
  }

  /** Stops everything. Best-effort: each peer is cancelled on its own. */
  stop(): void {
    this.isStopped = true;
    clearTimeout(this.refreshTimer);
    this.localChanges?.cancel();
    for (const [id, run] of this.running) this.stopPeer(id, run, true);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SyncSnapshot => this.snapshot;

  private startPeer(run: RunningPeer): void {
    const { config, credentials } = run.peer;
    run.remote = hardenRemote(this.deps.openRemote(config.url, credentials), (err) =>
      this.deps.logger.debug('peer info failed during replication', String(err)),
    );
    run.replication = new PeerReplication({
      localDb: this.deps.localDb,
      remoteDb: run.remote,
      backOff: this.deps.backOff ?? createBackoff(),
      batchSize: this.deps.batchSize,
      logger: this.deps.logger.child(config.id),
      onUpdate: () => this.publish(),
      onPushed: (seq) => {
        run.pushedSeq = seq;
        this.deps.progress.set(config.id, seq).catch((err: unknown) => {
          this.deps.logger.warn('could not save push progress', String(err));
        });
        this.refreshPending();
      },
    });
    run.replication.start();
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
        : { state: run.peer.config.isPaused ? PeerState.paused : PeerState.signInNeeded };
      peers[id] = {
        ...base,
        ...(run.pending !== undefined ? { pending: run.pending } : {}),
        ...(run.unsentChunks?.length ? { unsentChunks: run.unsentChunks } : {}),
      };
    }
    this.snapshot = { ...this.snapshot, peers };
    for (const listener of this.listeners) listener();
  }

  /**
   * Recounts, per peer, the local changes past its push checkpoint, and which
   * documents no peer has. Coalesces bursts: at most one count runs at a
   * time, and it starts only after a short pause, because a pull of
   * thousands of documents fires a change event for each and every count
   * reads the changes feed (measured: recounting on every event made the
   * engine slower than plain PouchDB on a 10,000-document pull).
   */
  private refreshPending(): void {
    if (this.isRefreshing || this.refreshTimer) {
      this.isRefreshQueued = this.isRefreshing;
      return;
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.runRefresh();
    }, REFRESH_DELAY_MS);
  }

  private runRefresh(): void {
    if (this.isStopped) return;
    this.isRefreshing = true;
    this.countPending()
      .catch((err: unknown) => this.deps.logger.warn('counting pending changes failed', String(err)))
      .finally(() => {
        this.isRefreshing = false;
        if (this.isRefreshQueued && !this.isStopped) {
          this.isRefreshQueued = false;
          this.refreshPending();
        }
      });
  }

  private async countPending(): Promise<void> {
    const ids = async (since: string | number) => {
      const res = await this.deps.localDb.changes({ since, return_docs: true });
      return res.results.map((r) => r.id);
    };
    let furthest: number | undefined;
    for (const run of this.running.values()) {
      const seq = run.pushedSeq ?? 0;
      const unsent = await ids(seq);
      run.pending = unsent.length;
      run.unsentChunks = unsent.filter((id) => id.startsWith(CHUNK_ID_PREFIX)).map((id) => id.slice(CHUNK_ID_PREFIX.length));
      const n = Number(seq);
      if (!Number.isNaN(n)) furthest = furthest === undefined ? n : Math.max(furthest, n);
    }
    const onlyHere = await ids(furthest ?? 0);
    if (this.isStopped) return;
    this.snapshot = { ...this.snapshot, onlyHere };
    this.publish();
  }
}

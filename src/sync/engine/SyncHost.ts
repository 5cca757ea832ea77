// One syncing tab per device (a Web Lock); the other tabs mirror its status over a BroadcastChannel.
import type { PeerId } from '../../domain/ids';
import type { PeerConfig } from '../../domain/peer';
import type { PeerStore } from '../../storage/peerStore';
import type { SafetyReport } from '../safety/dataSafety';
import type { Logger } from '../common/logger';
import type { PeerStatus } from './peerStatus';
import type { SyncEngine, SyncSnapshot } from './SyncEngine';
import { sameIds } from '../common/sameIds';

/** What every tab shows: the peers, their status, and which changes are only here. */
export interface HostSnapshot {
  peers: readonly PeerConfig[];
  statuses: Readonly<Record<PeerId, PeerStatus>>;
  onlyHere: readonly string[];
  /** True in the one tab that runs the replications. */
  isLeader: boolean;
  /** Where this device's notes are safe, as the peers last reported it. */
  safety?: SafetyReport;
}

// 'peer-statuses' leaves `onlyHere` out: it can hold tens of thousands of ids
// and rarely changes, so it is posted (as 'status') only when it did.
type Message =
  | { type: 'peers-changed' }
  | { type: 'status'; sync: SyncSnapshot }
  | { type: 'peer-statuses'; peers: SyncSnapshot['peers'] }
  | { type: 'safety'; report: SafetyReport }
  | { type: 'status-request' }
  | { type: 'leader-started' }
  | { type: 'wake-up' };

/** Quiet time after the last change before the peers are asked again. */
const SAFETY_SETTLE_MS = 800;
/** How often every document is asked about again, since a peer can lose data behind our back. */
const SAFETY_FULL_CHECK_MS = 10 * 60_000;

/** The browser APIs the host needs, injected so tests and old browsers can differ. */
export interface SyncHostDeps {
  store: PeerStore;
  createEngine: () => SyncEngine;
  /** A channel shared by every tab of the app (BroadcastChannel). */
  channel?: Pick<BroadcastChannel, 'postMessage' | 'addEventListener'>;
  /** Web Locks; when absent this tab simply leads. */
  locks?: Pick<LockManager, 'request'>;
  /** Calls back when the replicated peer list changes (a peer added on another device). */
  watchPeers?: (onChange: () => void) => () => void;
  /**
   * Asks the peers which notes they hold; run by the leader only, so other tabs add no traffic.
   * @remarks Expected to be incremental unless `full` is set, and to return
   * the previous report object when nothing changed (see {@link SafetyTracker}).
   */
  checkSafety?: (options?: { full?: boolean }) => Promise<SafetyReport>;
  /** Period of the full safety check; {@link SAFETY_FULL_CHECK_MS} by default. */
  safetyFullCheckMs?: number;
  logger: Logger;
}

const LOCK_NAME = 'p2pcloud-sync-leader';

/**
 * Makes exactly one tab run the {@link SyncEngine}, and mirrors its status to the others.
 * @remarks The leader holds a Web Lock for as long as the tab lives; the
 * browser hands it to a waiting tab the moment the leader closes, so sync
 * never stops while any tab is open and never runs twice.
 */
export class SyncHost {
  private engine?: SyncEngine;
  /**
   * True once another tab asked for the state. Until then the safety report
   * (an entry per document: 100 ms or more to clone at 50,000) is not posted.
   */
  private hasMirrors = false;
  private snapshot: HostSnapshot = { peers: [], statuses: {}, onlyHere: [], isLeader: false };
  private readonly listeners = new Set<() => void>();
  private reloadQueue: Promise<void> = Promise.resolve();
  private safetyTimer?: ReturnType<typeof setTimeout>;
  private fullCheckTimer?: ReturnType<typeof setInterval>;

  constructor(private readonly deps: SyncHostDeps) {}

  start(): void {
    this.deps.channel?.addEventListener('message', (event: MessageEvent<Message>) => this.onMessage(event.data));
    this.deps.watchPeers?.(() => {
      this.reloadPeers().catch((err: unknown) => this.deps.logger.warn('reloading peers failed', String(err)));
    });
    this.reloadPeers().catch((err: unknown) => this.deps.logger.warn('loading peers failed', String(err)));
    if (!this.deps.locks) {
      this.lead().catch((err: unknown) => this.deps.logger.error('sync failed to start', String(err)));
      return;
    }
    this.deps.channel?.postMessage({ type: 'status-request' } satisfies Message);
    // The callback's promise never settles: the lock is held until the tab goes away.
    this.deps.locks
      .request(LOCK_NAME, () => this.lead().then(() => new Promise<never>(() => undefined)))
      .catch((err: unknown) => this.deps.logger.error('leader lock failed', String(err)));
  }

  /** Call after this tab changed the peer list; the leader (maybe this tab) restarts what changed. */
  peersChanged(): void {
    this.deps.channel?.postMessage({ type: 'peers-changed' } satisfies Message);
    this.reloadPeers().catch((err: unknown) => this.deps.logger.warn('reloading peers failed', String(err)));
  }

  /** Retries waiting peers at once, e.g. when the browser comes back online. */
  retryNow(): void {
    this.engine?.retryNow();
  }

  /**
   * The device woke up: the leader retries every peer not up to date
   * ({@link SyncEngine.wakeUp}). Another tab passes it on, since the tab
   * shown again need not be the one that runs sync.
   */
  wakeUp(): void {
    if (this.engine) this.engine.wakeUp();
    else this.deps.channel?.postMessage({ type: 'wake-up' } satisfies Message);
  }

  /** This tab's local database was opened again: if this tab runs sync, every peer starts over ({@link SyncEngine.restartAll}). */
  localDbReopened(): void {
    this.engine?.restartAll();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): HostSnapshot => this.snapshot;

  private async lead(): Promise<void> {
    this.deps.logger.info('this tab now runs sync');
    const engine = this.deps.createEngine();
    this.engine = engine;
    engine.subscribe(() => this.onEngineUpdate(engine.getSnapshot()));
    engine.start();
    this.update({ isLeader: true });
    // Tabs that asked the previous leader for the state ask again, so this tab knows they are there.
    this.deps.channel?.postMessage({ type: 'leader-started' } satisfies Message);
    if (this.deps.checkSafety) {
      this.fullCheckTimer = setInterval(
        () => this.checkSafety({ full: true }),
        this.deps.safetyFullCheckMs ?? SAFETY_FULL_CHECK_MS,
      );
    }
    await this.reloadPeers();
  }

  /** Stops the periodic safety check (the engine is left to its owner). */
  stop(): void {
    clearTimeout(this.safetyTimer);
    clearInterval(this.fullCheckTimer);
  }

  /** `isRequested`: another tab asked for everything, `onlyHere` included. */
  private onEngineUpdate(sync: SyncSnapshot, isRequested = false): void {
    const previous = this.snapshot.onlyHere;
    const onlyHere = sameIds(previous, sync.onlyHere) ? previous : sync.onlyHere;
    this.update({ statuses: sync.peers, onlyHere });
    const message: Message =
      onlyHere !== previous || isRequested
        ? { type: 'status', sync: { peers: sync.peers, onlyHere } }
        : { type: 'peer-statuses', peers: sync.peers };
    this.deps.channel?.postMessage(message);
    if (!isRequested) this.scheduleSafetyCheck();
  }

  /** Asks the peers again once sync has been quiet for a moment (leader only). */
  private scheduleSafetyCheck(): void {
    if (!this.deps.checkSafety || !this.engine) return;
    clearTimeout(this.safetyTimer);
    this.safetyTimer = setTimeout(() => this.checkSafety({}), SAFETY_SETTLE_MS);
  }

  private checkSafety(options: { full?: boolean }): void {
    // No peer, nobody to ask (and the answer is shown only beside peers):
    // a full check would read every document of the device for nothing.
    if (this.snapshot.peers.length === 0) return;
    this.deps
      .checkSafety?.(options)
      .then((report) => {
        // The same report back means nothing changed: no render, no message.
        if (report === this.snapshot.safety) return;
        this.update({ safety: report });
        if (this.hasMirrors) this.deps.channel?.postMessage({ type: 'safety', report } satisfies Message);
      })
      .catch((err: unknown) => this.deps.logger.warn('checking data safety failed', String(err)));
  }

  private onMessage(message: Message): void {
    if (message.type === 'peers-changed') {
      this.reloadPeers().catch((err: unknown) => this.deps.logger.warn('reloading peers failed', String(err)));
    } else if (message.type === 'wake-up' && this.engine) {
      this.engine.wakeUp();
    } else if (message.type === 'leader-started' && !this.engine) {
      this.deps.channel?.postMessage({ type: 'status-request' } satisfies Message);
    } else if (message.type === 'status-request' && this.engine) {
      this.hasMirrors = true;
      this.onEngineUpdate(this.engine.getSnapshot(), true);
      if (this.snapshot.safety) this.deps.channel?.postMessage({ type: 'safety', report: this.snapshot.safety } satisfies Message);
    } else if (message.type === 'safety' && !this.engine) {
      this.update({ safety: message.report });
    } else if (message.type === 'status' && !this.engine) {
      const previous = this.snapshot.onlyHere;
      const onlyHere = sameIds(previous, message.sync.onlyHere) ? previous : message.sync.onlyHere;
      this.update({ statuses: message.sync.peers, onlyHere });
    } else if (message.type === 'peer-statuses' && !this.engine) {
      this.update({ statuses: message.peers });
    }
  }

  /** Reloads are queued so that two quick changes never race inside the engine. */
  private reloadPeers(): Promise<void> {
    const next = this.reloadQueue.then(() => this.doReloadPeers());
    this.reloadQueue = next.catch(() => undefined);
    return next;
  }

  private async doReloadPeers(): Promise<void> {
    const peers = await this.deps.store.list();
    this.update({ peers });
    if (!this.engine) return;
    this.scheduleSafetyCheck();
    // Read only when some peer is encrypted: a plain mesh never touches the passphrase.
    const passphrase = peers.some((p) => p.encrypted) ? await this.deps.store.getPassphrase?.() : undefined;
    const withCredentials = await Promise.all(
      peers.map(async (config) => {
        const credentials = await this.deps.store.getCredentials(config.id);
        return {
          config,
          ...(credentials ? { credentials } : {}),
          ...(config.encrypted && passphrase ? { passphrase } : {}),
        };
      }),
    );
    await this.engine.setPeers(withCredentials);
  }

  private update(patch: Partial<HostSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

// Keeps, in memory only, the last answer to "where is my data safe?" and what
// is needed to bring it up to date cheaply: the local seq the last check
// started at, which documents each reachable peer lacked (with their leaves),
// and why the other peers could not be asked; and (lastAnswers.ts) what each
// peer said when it last answered. Nothing is persisted: a new leader starts
// with a full check, and with no peer's last answer.
import type { PeerId } from '../../domain/ids';
import type { PeerHolding, SafetyPeer, SafetyReport } from './safetyReport';
import { LastAnswers } from './lastAnswers';
import {
  askPeer,
  changedSince,
  currentSeq,
  forEachLeavesPage,
  idOrder,
  patchSorted,
  readLeaves,
  type Leaves,
  type PeerAnswer,
} from './safetyReads';
import { sameIds } from '../common/sameIds';

/** What the tracker remembers between checks. */
interface TrackerState {
  since: number | string;
  peerIds: readonly PeerId[];
  /** Reachable peers only: the ids each lacked. */
  missing: Map<PeerId, Set<string>>;
  /** Peers that could not be asked, and why. */
  errors: Map<PeerId, string>;
  /** Leaves of every id some reachable peer lacked, to ask again without reading them. */
  leaves: Leaves;
  report: SafetyReport;
}

/** What the last check did, for tests and diagnostics. */
export interface CheckRun {
  kind: 'full' | 'incremental';
  /** Documents read from the local database. */
  docsRead: number;
}

/** Collaborators of the {@link SafetyTracker}. */
export interface SafetyTrackerDeps {
  localDb: PouchDB.Database;
  /** Only documents whose ids start with one of these are counted. */
  prefixes: readonly string[];
  /** Runs `ask` with a handle on every peer (in a stable order), closed afterwards. */
  withPeers: <T>(ask: (peers: readonly SafetyPeer[]) => Promise<T>) => Promise<T>;
  now?: () => Date;
}

/**
 * Answers "where is my data safe?" incrementally, with the same report a full
 * check ({@link assessSafety}) would give while peers keep what they received.
 * @remarks A full check (every document, read in pages) runs first, when the
 * peer list changes, when a peer that could not be asked answers again, and
 * when asked for (the host does so every few minutes, since a peer can lose
 * data behind our back). Otherwise only documents changed here since the last
 * check started, plus those a reachable peer lacked, are read and asked.
 * Checks never overlap: requests made during one are coalesced into one more.
 */
export class SafetyTracker {
  private state?: TrackerState;
  private running?: Promise<SafetyReport>;
  private queued?: { isFull: boolean; promise: Promise<SafetyReport> };
  private readonly order: (a: string, b: string) => number;
  private readonly lastAnswers: LastAnswers;
  /** What the last finished check did. */
  lastRun?: CheckRun;

  constructor(private readonly deps: SafetyTrackerDeps) {
    this.order = idOrder(deps.prefixes);
    this.lastAnswers = new LastAnswers({ localDb: deps.localDb, prefixes: deps.prefixes, order: this.order });
  }

  /**
   * Brings the report up to date. Returns the previous report object itself
   * when nothing changed, so holders of it need not re-render.
   */
  check(options: { full?: boolean } = {}): Promise<SafetyReport> {
    const isFull = options.full === true;
    // Join a queued check even when the running one has just finished: the
    // queued one is about to start, and starting another would overlap it.
    if (this.queued) {
      this.queued.isFull ||= isFull;
      return this.queued.promise;
    }
    if (!this.running) return this.start(isFull);
    const queued: { isFull: boolean; promise: Promise<SafetyReport> } = {
      isFull,
      promise: this.running
        .catch(() => undefined)
        .then((): Promise<SafetyReport> => {
          this.queued = undefined;
          return this.start(queued.isFull);
        }),
    };
    this.queued = queued;
    return queued.promise;
  }

  private start(isFull: boolean): Promise<SafetyReport> {
    const run = this.deps.withPeers((peers) => this.run(peers, isFull));
    this.running = run.finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A check, then what the peers that could not be asked said last ({@link LastAnswers}). */
  private async run(peers: readonly SafetyPeer[], isFull: boolean): Promise<SafetyReport> {
    return this.lastAnswers.apply(await this.ask(peers, isFull));
  }

  private async ask(peers: readonly SafetyPeer[], isFull: boolean): Promise<SafetyReport> {
    const state = this.state;
    const peerIds = peers.map((p) => p.id);
    if (isFull || !state || !sameIds(state.peerIds, peerIds)) return this.full(peers);
    // A peer that could not be asked last time may lack anything now; if it answers, ask it everything.
    const errors = new Map<PeerId, string>();
    for (const peer of peers) {
      if (!state.errors.has(peer.id)) continue;
      const answer = await askPeer(peer, [], () => []);
      if (answer.isReachable) return this.full(peers);
      errors.set(peer.id, answer.error);
    }
    return this.incremental(peers, state, errors);
  }

  private async full(peers: readonly SafetyPeer[]): Promise<SafetyReport> {
    const since = await currentSeq(this.deps.localDb);
    const ids: string[] = [];
    const leaves: Leaves = new Map();
    const missing = new Map(peers.map((p) => [p.id, new Set<string>()]));
    const errors = new Map<PeerId, string>();
    const peerIds = peers.map((p) => p.id);
    // Filled page by page, so no single task builds 50,000 entries; stale if a
    // peer fails after earlier pages counted it as a holder.
    const holders: Record<string, PeerId[]> = {};
    let isStale = false;
    await forEachLeavesPage(this.deps.localDb, this.deps.prefixes, async (page) => {
      const pageIds = [...page.keys()];
      const failedBefore = errors.size;
      const answers = await Promise.all(
        peers.map((p) =>
          errors.has(p.id) ? Promise.resolve(undefined) : askPeer(p, pageIds, (id) => page.get(id) ?? []),
        ),
      );
      answers.forEach((answer, i) => {
        const id = peers[i]?.id;
        if (!answer || !id) return;
        if (!answer.isReachable) errors.set(id, answer.error);
        for (const lacking of answer.isReachable ? answer.missing : []) {
          missing.get(id)?.add(lacking);
          leaves.set(lacking, page.get(lacking) ?? []);
        }
      });
      isStale ||= errors.size > failedBefore && ids.length > 0;
      ids.push(...pageIds);
      for (const id of pageIds) holders[id] = peerIds.filter((p) => !errors.has(p) && !missing.get(p)?.has(id));
    });
    // A peer never asked (nothing here yet) is still pinged, so "unreachable" is reported as such.
    if (!ids.length) {
      const answers = await Promise.all(peers.map((p) => askPeer(p, [], () => [])));
      answers.forEach((a, i) => !a.isReachable && peers[i] && errors.set(peers[i].id, a.error));
    }
    for (const id of errors.keys()) missing.delete(id);
    // allDocs already lists ids in this order (for ordinary ids): sort only if not.
    if (ids.some((id, i) => i > 0 && this.order(ids[i - 1] as string, id) > 0)) ids.sort(this.order);
    const report = this.build(peerIds, ids, missing, errors, isStale ? undefined : holders);
    this.state = { since, peerIds, missing, errors, leaves: keepLeaves(missing, leaves, new Map()), report };
    this.lastAnswers.record(peerIds, missing, since, this.now().toISOString());
    this.lastRun = { kind: 'full', docsRead: ids.length };
    return report;
  }

  private async incremental(
    peers: readonly SafetyPeer[],
    state: TrackerState,
    errors: Map<PeerId, string>,
  ): Promise<SafetyReport> {
    const since = await currentSeq(this.deps.localDb);
    const changed = await changedSince(this.deps.localDb, state.since, this.deps.prefixes);
    const fresh = await readLeaves(this.deps.localDb, [...changed]);
    const prev = state.report;
    const removed = new Set([...changed].filter((id) => !fresh.has(id) && id in prev.holders));
    const leavesOf = (id: string) => fresh.get(id) ?? state.leaves.get(id) ?? [];
    const missing = new Map<PeerId, Set<string>>();
    const touched = new Set(fresh.keys());
    const answers = await Promise.all(
      peers.map((p): Promise<PeerAnswer | undefined> => {
        const lacked = state.missing.get(p.id);
        if (!lacked) return Promise.resolve(undefined);
        const ask = new Set(fresh.keys());
        for (const id of lacked) if (!removed.has(id) && !changed.has(id)) ask.add(id);
        for (const id of ask) touched.add(id);
        return askPeer(p, [...ask], leavesOf);
      }),
    );
    answers.forEach((answer, i) => {
      const id = peers[i]?.id;
      if (!answer || !id) return;
      if (answer.isReachable) missing.set(id, new Set(answer.missing));
      else errors.set(id, answer.error);
    });
    const peerIds = state.peerIds;
    const lostPeer = peerIds.some((id) => state.missing.has(id) && !missing.has(id));
    const report = lostPeer
      ? this.build(peerIds, this.allIds(prev, removed, fresh), missing, errors)
      : this.patch(prev, peerIds, touched, removed, missing, errors);
    this.state = { since, peerIds, missing, errors, leaves: keepLeaves(missing, fresh, state.leaves), report };
    this.lastAnswers.record(peerIds, missing, since, this.now().toISOString());
    this.lastRun = { kind: 'incremental', docsRead: fresh.size };
    return report;
  }

  private allIds(prev: SafetyReport, removed: ReadonlySet<string>, fresh: Leaves): string[] {
    const ids = new Set(Object.keys(prev.holders));
    for (const id of removed) ids.delete(id);
    for (const id of fresh.keys()) ids.add(id);
    return [...ids].sort(this.order);
  }

  /** The report from scratch (or from `built` holders); `ids` are in {@link idOrder}. */
  private build(
    peerIds: readonly PeerId[],
    ids: readonly string[],
    missing: ReadonlyMap<PeerId, ReadonlySet<string>>,
    errors: ReadonlyMap<PeerId, string>,
    built?: Record<string, PeerId[]>,
  ): SafetyReport {
    const holders = built ?? {};
    if (!built) for (const id of ids) holders[id] = holdersOf(id, peerIds, missing);
    return {
      checkedAt: this.now().toISOString(),
      total: ids.length,
      peers: peerIds.map((peerId) => holding(peerId, ids.length, missing, errors, ids)),
      onlyHere: ids.filter((id) => holders[id]?.length === 0),
      holders,
    };
  }

  /** The previous report with only `touched` and `removed` ids redone; the same object if nothing differs. */
  private patch(
    prev: SafetyReport,
    peerIds: readonly PeerId[],
    touched: ReadonlySet<string>,
    removed: ReadonlySet<string>,
    missing: ReadonlyMap<PeerId, ReadonlySet<string>>,
    errors: ReadonlyMap<PeerId, string>,
  ): SafetyReport {
    const redone = new Map([...touched].map((id) => [id, holdersOf(id, peerIds, missing)]));
    const isSame =
      !removed.size &&
      [...redone].every(([id, now]) => sameIds(prev.holders[id], now)) &&
      prev.peers.every((h) => h.error === errors.get(h.peerId));
    if (isSame) return prev;
    const added = [...redone.keys()].filter((id) => !(id in prev.holders)).length;
    // Updated in place: copying 50,000 entries costs about 100 ms on every change.
    const holders = prev.holders;
    for (const id of removed) delete holders[id];
    for (const [id, now] of redone) if (!sameIds(holders[id], now)) holders[id] = now;
    const total = prev.total - removed.size + added;
    const drop = new Set([...touched, ...removed]);
    const lacking = (peerId: PeerId) => [...touched].filter((id) => missing.get(peerId)?.has(id));
    return {
      checkedAt: this.now().toISOString(),
      total,
      peers: prev.peers.map((h) =>
        missing.has(h.peerId)
          ? { ...h, holds: total - (missing.get(h.peerId)?.size ?? 0), missing: patchSorted(h.missing, drop, lacking(h.peerId), this.order) }
          : { ...h, error: errors.get(h.peerId) ?? h.error },
      ),
      onlyHere: patchSorted(prev.onlyHere, drop, [...redone].filter(([, h]) => !h.length).map(([id]) => id), this.order),
      holders,
    };
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }
}

function holdersOf(id: string, peerIds: readonly PeerId[], missing: ReadonlyMap<PeerId, ReadonlySet<string>>): PeerId[] {
  return peerIds.filter((p) => missing.get(p)?.has(id) === false);
}

function holding(
  peerId: PeerId,
  total: number,
  missing: ReadonlyMap<PeerId, ReadonlySet<string>>,
  errors: ReadonlyMap<PeerId, string>,
  ids: readonly string[],
): PeerHolding {
  const lacked = missing.get(peerId);
  if (!lacked) return { peerId, isReachable: false, holds: 0, missing: [], error: errors.get(peerId) ?? 'unreachable' };
  return { peerId, isReachable: true, holds: total - lacked.size, missing: ids.filter((id) => lacked.has(id)) };
}

/** Leaves of the ids some reachable peer lacks, from `fresh` when just read. */
function keepLeaves(missing: ReadonlyMap<PeerId, ReadonlySet<string>>, fresh: Leaves, old: Leaves): Leaves {
  const kept: Leaves = new Map();
  for (const lacked of missing.values()) {
    for (const id of lacked) kept.set(id, fresh.get(id) ?? old.get(id) ?? []);
  }
  return kept;
}

import type { PeerId } from '../domain/ids';
import { SafetyTracker } from './SafetyTracker';

/** What one peer reported about this device's documents. */
export interface PeerHolding {
  peerId: PeerId;
  /** False when the peer could not be asked (away, refused); then nothing is claimed for it. */
  isReachable: boolean;
  /** Documents whose every current revision (winner and conflicts) the peer has. */
  holds: number;
  /** Ids of documents the peer lacks at their latest revision, in the order of `prefixes`, then by id. */
  missing: string[];
  error?: string;
}

/** Where this device's data is safe, as the peers report it. */
export interface SafetyReport {
  /** When this answer was worked out; a later check that finds nothing new keeps the same report. */
  checkedAt: string;
  /** Documents on this device that were checked (deleted ones are not counted). */
  total: number;
  peers: PeerHolding[];
  /** Documents whose latest revision no peer has: they exist only on this device. */
  onlyHere: string[];
  /**
   * For each document, the peers that hold its latest revision.
   * @remarks A later incremental check updates this object in place (copying
   * tens of thousands of entries on every change would block the page), so
   * read it from the latest report.
   */
  holders: Record<string, PeerId[]>;
}

/** A peer to ask, with an open (authenticated) database handle. */
export interface SafetyPeer {
  id: PeerId;
  db: Pick<PouchDB.Database, 'revsDiff'>;
}

/**
 * Asks every peer which of this device's current revisions it lacks (a full check).
 * @remarks Uses CouchDB's `_revs_diff`, the same question replication asks,
 * so the figures are what the peers report, not what this device guesses.
 * Only documents whose ids start with one of `prefixes` are counted. Reads
 * the documents in pages; the app keeps a {@link SafetyTracker} instead, which
 * gives the same report while asking only about what may have changed.
 */
export function assessSafety(
  localDb: PouchDB.Database,
  peers: readonly SafetyPeer[],
  prefixes: readonly string[],
  now: () => Date = () => new Date(),
): Promise<SafetyReport> {
  const tracker = new SafetyTracker({ localDb, prefixes, withPeers: (ask) => ask(peers), now });
  return tracker.check({ full: true });
}

/** The one-line answer to "is my data safe?". */
export function summarizeSafety(report: SafetyReport, noun = 'notes and files'): string {
  const nodes = report.peers.length + 1;
  if (report.total === 0) return `No ${noun} yet.`;
  if (report.onlyHere.length) {
    const n = report.onlyHere.length;
    return `${n.toLocaleString('en')} ${n === 1 ? 'change exists' : 'changes exist'} only on this device.`;
  }
  const least = 1 + Math.min(...Object.values(report.holders).map((h) => h.length));
  const all = report.total === 1 ? 'The one item' : `All ${report.total.toLocaleString('en')} ${noun}`;
  const verb = report.total === 1 ? 'is' : 'are';
  return least === nodes
    ? `${all} ${verb} on ${nodes} of ${nodes} nodes.`
    : `${all} ${verb} on at least ${least} of ${nodes} nodes.`;
}

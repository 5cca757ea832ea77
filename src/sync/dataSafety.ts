import type { PeerId } from '../domain/ids';

/** What one peer reported about this device's documents. */
export interface PeerHolding {
  peerId: PeerId;
  /** False when the peer could not be asked (away, refused); then nothing is claimed for it. */
  isReachable: boolean;
  /** Documents whose every current revision (winner and conflicts) the peer has. */
  holds: number;
  /** Ids of documents the peer lacks at their latest revision. */
  missing: string[];
  error?: string;
}

/** Where this device's data is safe, as the peers report it. */
export interface SafetyReport {
  checkedAt: string;
  /** Documents on this device that were checked. */
  total: number;
  peers: PeerHolding[];
  /** Documents whose latest revision no peer has: they exist only on this device. */
  onlyHere: string[];
  /** For each document, the peers that hold its latest revision. */
  holders: Record<string, PeerId[]>;
}

/** A peer to ask, with an open (authenticated) database handle. */
export interface SafetyPeer {
  id: PeerId;
  db: Pick<PouchDB.Database, 'revsDiff'>;
}

const BATCH = 500;

/**
 * Asks every peer which of this device's current revisions it lacks.
 * @remarks Uses CouchDB's `_revs_diff`, the same question replication asks,
 * so the figures are what the peers report, not what this device guesses.
 * Only documents whose ids start with one of `prefixes` are counted.
 */
export async function assessSafety(
  localDb: PouchDB.Database,
  peers: readonly SafetyPeer[],
  prefixes: readonly string[],
  now: () => Date = () => new Date(),
): Promise<SafetyReport> {
  const leaves = await currentRevisions(localDb, prefixes);
  const ids = Object.keys(leaves);
  const holdings = await Promise.all(peers.map((peer) => askPeer(peer, leaves, ids)));
  const holders: Record<string, PeerId[]> = {};
  for (const id of ids) holders[id] = [];
  for (const holding of holdings) {
    if (!holding.isReachable) continue;
    const missing = new Set(holding.missing);
    for (const id of ids) if (!missing.has(id)) holders[id]?.push(holding.peerId);
  }
  return {
    checkedAt: now().toISOString(),
    total: ids.length,
    peers: holdings,
    onlyHere: ids.filter((id) => (holders[id]?.length ?? 0) === 0),
    holders,
  };
}

/** Every current revision (winner and conflicts) of the matching documents. */
async function currentRevisions(db: PouchDB.Database, prefixes: readonly string[]): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const prefix of prefixes) {
    const res = await db.allDocs({ include_docs: true, conflicts: true, startkey: prefix, endkey: `${prefix}\uffff` });
    for (const row of res.rows) {
      const conflicts = (row.doc as { _conflicts?: string[] } | undefined)?._conflicts ?? [];
      result[row.id] = [row.value.rev, ...conflicts];
    }
  }
  return result;
}

async function askPeer(peer: SafetyPeer, leaves: Record<string, string[]>, ids: string[]): Promise<PeerHolding> {
  const missing: string[] = [];
  try {
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch: Record<string, string[]> = {};
      for (const id of ids.slice(i, i + BATCH)) batch[id] = leaves[id] ?? [];
      const diff = await peer.db.revsDiff(batch);
      for (const [id, entry] of Object.entries(diff)) {
        if ((entry as { missing?: string[] }).missing?.length) missing.push(id);
      }
    }
  } catch (err) {
    const e = err as { status?: number; message?: string };
    return { peerId: peer.id, isReachable: false, holds: 0, missing: [], error: e.status ? `HTTP ${e.status}` : 'unreachable' };
  }
  return { peerId: peer.id, isReachable: true, holds: ids.length - missing.length, missing };
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

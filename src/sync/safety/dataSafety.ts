// "Where is my data safe?": a full check of every peer, and the sentence that sums the answer up.
import type { PeerId } from '../../domain/ids';
import type { SafetyPeer, SafetyReport } from './safetyReport';
import { SafetyTracker } from './SafetyTracker';

export type { PeerHolding, SafetyPeer, SafetyReport } from './safetyReport';

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

/** How {@link summarizeSafety} names a peer and a time; the peer id and HH:MM by default. */
export interface SafetyWording {
  peerName?: (peerId: PeerId) => string;
  time?: (iso: string) => string;
}

/** The one-line answer to "is my data safe?". */
export function summarizeSafety(report: SafetyReport, noun = 'notes and files', wording: SafetyWording = {}): string {
  const nodes = report.peers.length + 1;
  if (report.total === 0) return `No ${noun} yet.`;
  const remembered = rememberedOnly(report, noun, wording);
  if (remembered) return remembered;
  if (report.onlyHere.length) return `${changesOnlyHere(report.onlyHere.length)}.`;
  const least = 1 + Math.min(...Object.values(report.holders).map((h) => h.length));
  const all = report.total === 1 ? 'The one item' : `All ${report.total.toLocaleString('en')} ${noun}`;
  const verb = report.total === 1 ? 'is' : 'are';
  return least === nodes
    ? `${all} ${verb} on ${nodes} of ${nodes} nodes.`
    : `${all} ${verb} on at least ${least} of ${nodes} nodes.`;
}

function changesOnlyHere(n: number): string {
  return `${n.toLocaleString('en')} ${n === 1 ? 'change exists' : 'changes exist'} only on this device`;
}

/**
 * The summary when some documents are known to be elsewhere only from a
 * peer's last answer (it could not be asked now), saying whose and how old;
 * undefined when every document is accounted for by this check alone.
 */
function rememberedOnly(report: SafetyReport, noun: string, wording: SafetyWording): string | undefined {
  const away = report.peers.filter((h) => !h.isReachable && h.lastAnswer);
  const nowhere = report.heldNowhere?.length ?? report.onlyHere.length;
  // Documents that only a last answer places elsewhere.
  const onlyBefore = report.onlyHere.length - nowhere;
  if (!away.length || onlyBefore === 0) return undefined;
  const name = wording.peerName ?? ((id: PeerId) => id);
  const time = wording.time ?? ((iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }));
  const where = away.map((h) => `${name(h.peerId)} when it last answered, ${time(h.lastAnswer?.at ?? '')}`).join(' or ');
  const rest = report.total - nowhere;
  const heldNow = rest - onlyBefore;
  const also = heldNow > 0 ? ` or are on a peer that answered now` : '';
  if (nowhere > 0) return `${changesOnlyHere(nowhere)}; the other ${rest.toLocaleString('en')} ${rest === 1 ? 'was' : 'were'} on ${where}${also}.`;
  const all = rest === 1 ? 'The one item' : `All ${rest.toLocaleString('en')} ${noun}`;
  return `${all} ${rest === 1 ? 'was' : 'were'} on ${where}${also}.`;
}

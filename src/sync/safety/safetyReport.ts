// The shape of an answer to "where is my data safe?": what each peer holds,
// and the peers it is asked of. Types only, shared by the tracker, its reads
// and the summary, so that none of them imports another in a circle.
import type { PeerId } from '../../domain/ids';

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
  /**
   * Only for a peer that could not be asked but answered an earlier check
   * since the app started: when, how many of the current documents it held
   * then at their current revision, and which not (lacked then, or changed
   * here since: nothing is assumed about those).
   */
  lastAnswer?: { at: string; holds: number; notHeld: string[] };
}

/** Where this device's data is safe, as the peers report it. */
export interface SafetyReport {
  /** When this answer was worked out; a later check that finds nothing new keeps the same report. */
  checkedAt: string;
  /** Documents on this device that were checked (deleted ones are not counted). */
  total: number;
  peers: PeerHolding[];
  /** Documents whose latest revision no peer that answered this check has. */
  onlyHere: string[];
  /**
   * When some peer could not be asked but answered before: the documents of
   * `onlyHere` that none of those peers held either, unchanged, at its last
   * answer. They exist only on this device as far as anyone knows.
   */
  heldNowhere?: string[];
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

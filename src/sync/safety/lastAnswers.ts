// Keeps, in memory only, what each peer said the last time it answered the
// safety check: which documents it lacked, when, and from which local seq
// the check started. Nothing is persisted: a peer never asked since the app
// (or this leader tab) started stays unknown.
import type { PeerId } from '../../domain/ids';
import type { PeerHolding, SafetyReport } from './safetyReport';
import { changedSince } from './safetyReads';
import { sameIds } from '../common/sameIds';

/** What a peer said the last time it answered. */
interface Answer {
  /** When the check that got the answer ended (ISO time). */
  at: string;
  /** The local seq that check started at: later changes were not asked about. */
  seq: number | string;
  /** The documents it lacked at their latest revision then. */
  lacked: ReadonlySet<string>;
}

/** Collaborators of {@link LastAnswers}. */
export interface LastAnswersDeps {
  localDb: PouchDB.Database;
  prefixes: readonly string[];
  /** The order reports list ids in (safetyReads.idOrder). */
  order: (a: string, b: string) => number;
}

/**
 * Adds to a safety report what the peers that could not be asked said when
 * they last answered, so that a peer gone for a moment does not make every
 * document look as if it existed only here.
 * @remarks Nothing is assumed for a document changed here after that answer
 * (its seq is past the answer's): such a document counts as not held.
 * Used by {@link SafetyTracker}, which records every answer.
 */
export class LastAnswers {
  private readonly answers = new Map<PeerId, Answer>();
  private last?: { report: SafetyReport; notHeld: Map<PeerId, string[]>; shown: SafetyReport };

  constructor(private readonly deps: LastAnswersDeps) {}

  /**
   * Remembers the answer of every peer that answered a check started at
   * local seq `seq`; forgets peers that are no longer listed.
   * @remarks `lacked` sets are kept as given: the tracker never changes a set once built.
   */
  record(peerIds: readonly PeerId[], lacked: ReadonlyMap<PeerId, ReadonlySet<string>>, seq: number | string, at: string): void {
    for (const id of this.answers.keys()) if (!peerIds.includes(id)) this.answers.delete(id);
    for (const [id, set] of lacked) this.answers.set(id, { at, seq, lacked: set });
  }

  /**
   * `report` with, for each peer that could not be asked but answered before,
   * its {@link PeerHolding.lastAnswer}, and {@link SafetyReport.heldNowhere}.
   * Returns the previous result itself when nothing differs.
   */
  async apply(report: SafetyReport): Promise<SafetyReport> {
    const notHeld = new Map<PeerId, string[]>();
    for (const holding of report.peers) {
      const answer = this.answers.get(holding.peerId);
      if (holding.isReachable || !answer) continue;
      const changed = await changedSince(this.deps.localDb, answer.seq, this.deps.prefixes);
      const ids = new Set<string>();
      for (const id of answer.lacked) if (id in report.holders) ids.add(id);
      for (const id of changed) if (id in report.holders) ids.add(id);
      notHeld.set(holding.peerId, [...ids].sort(this.deps.order));
    }
    const last = this.last;
    if (last && last.report === report && [...notHeld].every(([id, ids]) => sameIds(last.notHeld.get(id), ids))) {
      if (last.notHeld.size === notHeld.size) return last.shown;
    }
    const shown = notHeld.size ? this.withAnswers(report, notHeld) : report;
    this.last = { report, notHeld, shown };
    return shown;
  }

  private withAnswers(report: SafetyReport, notHeld: ReadonlyMap<PeerId, string[]>): SafetyReport {
    const sets = [...notHeld.values()].map((ids) => new Set(ids));
    const peers = report.peers.map((holding): PeerHolding => {
      const ids = notHeld.get(holding.peerId);
      const answer = this.answers.get(holding.peerId);
      if (!ids || !answer) return holding;
      return { ...holding, lastAnswer: { at: answer.at, holds: report.total - ids.length, notHeld: ids } };
    });
    // Only here as far as anyone knows: no peer holds it now, and none held it, unchanged, when it last answered.
    const heldNowhere = report.onlyHere.filter((id) => sets.every((set) => set.has(id)));
    return { ...report, peers, heldNowhere };
  }
}

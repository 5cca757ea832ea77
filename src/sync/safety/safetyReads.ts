// The reads behind the safety check: this device's leaves, page by page, and one peer's _revs_diff answer.
import type { SafetyPeer } from './safetyReport';

/** A document's current revisions: the winner first, then its live conflicts. */
export type Leaves = Map<string, readonly string[]>;

/**
 * Documents read per local query and revisions per `_revs_diff` body.
 * @remarks Paging keeps any one task short: at 50,000 notes a single
 * `allDocs` would hold about 25 MB of documents at once on the main thread.
 */
const PAGE = 500;

/** Orders ids as the full check lists them: by prefix, then by id. */
export function idOrder(prefixes: readonly string[]): (a: string, b: string) => number {
  const rank = (id: string) => prefixes.findIndex((p) => id.startsWith(p));
  return (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

type DocRow = { id: string; value?: { rev: string; deleted?: boolean }; doc?: unknown; error?: string };

function leavesOf(row: DocRow): readonly string[] | undefined {
  if (!row.value || row.value.deleted || row.error) return undefined;
  const conflicts = (row.doc as { _conflicts?: string[] } | null | undefined)?._conflicts ?? [];
  return [row.value.rev, ...conflicts];
}

/**
 * Reads the leaves of every document under `prefixes`, one page at a time.
 * @remarks Each id is counted under the first prefix it matches, so
 * overlapping prefixes never count a document twice.
 */
export async function forEachLeavesPage(
  db: PouchDB.Database,
  prefixes: readonly string[],
  onPage: (page: Leaves) => Promise<void>,
): Promise<void> {
  for (const [index, prefix] of prefixes.entries()) {
    const owned = (id: string) => prefixes.findIndex((p) => id.startsWith(p)) === index;
    let after: string | undefined;
    for (;;) {
      const res = await db.allDocs({
        include_docs: true,
        conflicts: true,
        startkey: after ?? prefix,
        endkey: `${prefix}\uffff`,
        limit: PAGE,
        ...(after === undefined ? {} : { skip: 1 }),
      });
      const page: Leaves = new Map();
      for (const row of res.rows as DocRow[]) {
        const leaves = leavesOf(row);
        if (leaves && owned(row.id)) page.set(row.id, leaves);
      }
      if (page.size) await onPage(page);
      const last = res.rows[res.rows.length - 1];
      if (res.rows.length < PAGE || !last) break;
      after = last.id;
    }
  }
}

/** The leaves of these documents; deleted or unknown ones are left out. */
export async function readLeaves(db: PouchDB.Database, ids: readonly string[]): Promise<Leaves> {
  const result: Leaves = new Map();
  for (let i = 0; i < ids.length; i += PAGE) {
    const res = await db.allDocs({ keys: ids.slice(i, i + PAGE), include_docs: true, conflicts: true });
    for (const row of res.rows as DocRow[]) {
      const leaves = leavesOf(row);
      if (leaves) result.set(row.id, leaves);
    }
  }
  return result;
}

/** Ids under `prefixes` changed locally after `since` (created, edited, deleted, or a revision arrived). */
export async function changedSince(
  db: PouchDB.Database,
  since: number | string,
  prefixes: readonly string[],
): Promise<Set<string>> {
  const ids = new Set<string>();
  let from = since;
  for (;;) {
    const res = await db.changes({ since: from, limit: PAGE });
    for (const change of res.results) if (prefixes.some((p) => change.id.startsWith(p))) ids.add(change.id);
    if (res.results.length < PAGE) return ids;
    from = res.last_seq;
  }
}

/** The local seq a check starts at: anything changed later is seen by the next check. */
export async function currentSeq(db: PouchDB.Database): Promise<number | string> {
  return (await db.info()).update_seq;
}

/** A peer's answer: the ids it lacks at their latest revision, or why it could not be asked. */
export type PeerAnswer = { isReachable: true; missing: string[] } | { isReachable: false; error: string };

/**
 * Asks a peer which of `ids` it lacks (any current revision missing).
 * @remarks With no ids it still sends one empty `_revs_diff`, so a peer that
 * went away is noticed even when nothing changed here.
 */
export async function askPeer(
  peer: SafetyPeer,
  ids: readonly string[],
  leaves: (id: string) => readonly string[],
  deadlineMs: number = ANSWER_DEADLINE_MS,
): Promise<PeerAnswer> {
  // Each peer is asked on its own clock: the report waits for no peer past the
  // deadline (a hung Pi accepts the connection and never answers), and a late
  // answer is simply not used. The request itself has its own deadline too
  // (peerDeadlines.ts), so nothing stays open for long.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<PeerAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ isReachable: false, error: `no answer within ${Math.round(deadlineMs / 1000)} s` }), deadlineMs);
  });
  try {
    return await Promise.race([askPeerNow(peer, ids, leaves), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long the safety check waits for one peer's whole answer. */
export const ANSWER_DEADLINE_MS = 10_000;

async function askPeerNow(peer: SafetyPeer, ids: readonly string[], leaves: (id: string) => readonly string[]): Promise<PeerAnswer> {
  const missing: string[] = [];
  try {
    if (!ids.length) await peer.db.revsDiff({});
    for (let i = 0; i < ids.length; i += PAGE) {
      const batch: Record<string, string[]> = {};
      for (const id of ids.slice(i, i + PAGE)) batch[id] = [...leaves(id)];
      const diff = await peer.db.revsDiff(batch);
      for (const [id, entry] of Object.entries(diff)) {
        if ((entry as { missing?: string[] }).missing?.length) missing.push(id);
      }
    }
  } catch (err) {
    const e = err as { status?: number };
    return { isReachable: false, error: e.status ? `HTTP ${e.status}` : 'unreachable' };
  }
  return { isReachable: true, missing };
}

/** `sorted` without `drop`, with `add` merged in, both in `order`. O(n) for a few changes. */
export function patchSorted(
  sorted: readonly string[],
  drop: ReadonlySet<string>,
  add: readonly string[],
  order: (a: string, b: string) => number,
): string[] {
  const kept = sorted.filter((id) => !drop.has(id));
  if (!add.length) return kept;
  const adds = [...add].sort(order);
  const out: string[] = [];
  let i = 0;
  for (const id of kept) {
    while (i < adds.length && order(adds[i] as string, id) < 0) out.push(adds[i++] as string);
    out.push(id);
  }
  while (i < adds.length) out.push(adds[i++] as string);
  return out;
}

// Checkpoints of the catch-up, written where and as PouchDB's replicator writes them, so either can continue the other.
import { md5Base64 } from './fastMd5';

/**
 * Replication checkpoints in PouchDB's own format, so that the fast catch-up
 * (fastReplicate.ts) and PouchDB's live replication resume from each other.
 * @remarks Mirrors pouchdb-generate-replication-id and pouchdb-checkpointer
 * (checkpoint version 1, itself a port of CouchDB's replication logs): the
 * same `_local/` document id, written on both sides with a session id and a
 * short history. Where anything does not match (an older format, one side
 * missing), this reads 0, which costs a full re-scan but never skips a change.
 * fastPull.test.ts checks that PouchDB's replication resumes from it.
 */

/** A changes-feed sequence: a number (PouchDB) or an opaque string (CouchDB 2+). */
export type Seq = string | number;

interface HistoryEntry {
  session_id: string;
  last_seq: Seq;
}

interface CheckpointDoc {
  _id: string;
  _rev?: string;
  session_id?: string;
  last_seq?: Seq;
  history?: HistoryEntry[];
  replicator?: string;
  version?: number;
}

/** How many sessions a checkpoint remembers, as pouchdb-checkpointer. */
const HISTORY_SIZE = 5;

/**
 * The `_local/` id PouchDB uses for a replication from `source` to `target`
 * without filters: md5 of both database ids, base64, made URL-safe.
 */
export async function replicationId(source: PouchDB.Database, target: PouchDB.Database): Promise<string> {
  const idOf = (db: PouchDB.Database) => (db as unknown as { id(): Promise<string> }).id();
  const [sourceId, targetId] = await Promise.all([idOf(source), idOf(target)]);
  return `_local/${md5Base64(sourceId + targetId).replace(/\//g, '.').replace(/\+/g, '_')}`;
}

async function getOrNull(db: PouchDB.Database, id: string): Promise<CheckpointDoc | null> {
  try {
    return await db.get(id);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}

/** The newest seq both sides' checkpoint histories agree on (CouchDB's rule). */
function agreedSeq(source: CheckpointDoc, target: CheckpointDoc): Seq {
  if (source.session_id && source.session_id === target.session_id) return source.last_seq ?? 0;
  let src = source.history ?? [];
  let tgt = target.history ?? [];
  const has = (session: string | undefined, list: HistoryEntry[]) =>
    !!session && list.some((h) => h.session_id === session);
  while (src[0] && tgt[0]) {
    const [s, t] = [src[0], tgt[0]];
    if (has(s.session_id, tgt)) return s.last_seq;
    if (has(t.session_id, src.slice(1))) return t.last_seq;
    [src, tgt] = [src.slice(1), tgt.slice(1)];
  }
  return 0;
}

/** The seq a replication from `source` to `target` may resume from; 0 when unknown. */
export async function readCheckpoint(source: PouchDB.Database, target: PouchDB.Database, id: string): Promise<Seq> {
  const targetDoc = await getOrNull(target, id);
  if (!targetDoc) return 0;
  const sourceDoc = await getOrNull(source, id);
  if (!sourceDoc || sourceDoc.version !== 1 || targetDoc.version !== 1) return 0;
  return agreedSeq(sourceDoc, targetDoc);
}

async function updateSide(db: PouchDB.Database, id: string, seq: Seq, session: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const doc = (await getOrNull(db, id)) ?? { _id: id };
    if (doc.last_seq === seq && doc.session_id === session) return;
    const history = [{ session_id: session, last_seq: seq }, ...(doc.history ?? []).filter((h) => h.session_id !== session)];
    const next: CheckpointDoc = {
      ...doc,
      session_id: session,
      last_seq: seq,
      history: history.slice(0, HISTORY_SIZE),
      replicator: 'pouchdb',
      version: 1,
    };
    try {
      await db.put(next);
      return;
    } catch (err) {
      // Someone else (a live replication being started) wrote it meanwhile: read again.
      if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
    }
  }
}

/**
 * Records that every change of `source` up to `seq` is on `target`: target
 * first, then source, as PouchDB does (a checkpoint only on the target is
 * ignored, so a crash in between loses progress, never changes).
 * @remarks A source that refuses the write (4xx, e.g. a read-only user) is
 * tolerated as PouchDB tolerates it; later runs then start from 0.
 */
export async function writeCheckpoint(
  source: PouchDB.Database,
  target: PouchDB.Database,
  id: string,
  seq: Seq,
  session: string,
): Promise<void> {
  await updateSide(target, id, seq, session);
  try {
    await updateSide(source, id, seq, session);
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (typeof status !== 'number' || Math.floor(status / 100) !== 4) throw err;
  }
}

/** A new replication session id; getRandomValues also works outside secure contexts. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

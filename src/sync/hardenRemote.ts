/**
 * Patches a remote database handle for the engine, in two ways.
 *
 * First, `info()` answers a placeholder without asking the peer. PouchDB
 * 9's replicator calls `src.info()` after every batch, only to update its
 * progress counters (activeTasks), and never handles the rejection: a pull
 * from a peer that dies mid-batch surfaced as an unhandled promise
 * rejection. The counters are cosmetic, and nothing in the engine reads a
 * remote's info (fastReplicate.ts asks a remote for its first change
 * instead). Not asking at all also takes one request per live batch off
 * the peer, where it competed with the next change's `_bulk_get`: on a
 * single-threaded peer, 10 to 20 ms on the path from one device to another.
 *
 * Second, asks the server for its id once. PouchDB's `id()` on a remote
 * fetches the server root every time, and every replication (each catch-up,
 * each live direction, each restart) starts by asking it for its
 * replication id: four or five round trips in a row before a new device
 * goes live. A server's uuid does not change while it runs, so the first
 * answer is kept for the life of the handle. (When the root does not answer
 * at all, PouchDB builds the id from the URL; keeping that one too means
 * every replication of the session agrees on one id, where before a root
 * that answered again midway gave the live replication another id than the
 * catch-up's, and a scan from the start.)
 *
 * Third, remembers the replication checkpoints (`_local/` documents) it
 * writes. Every checkpoint PouchDB's replicator writes on a peer is a GET
 * then a PUT, after every batch of every live replication, the echoes
 * included: about four of the dozen requests a single-threaded peer serves
 * for one note going from one device to another, each in the way of the
 * request that carries the note. A checkpoint this handle wrote is read
 * back from memory instead. Only this device writes these documents (their
 * ids hash this device's own database id), and only through this handle
 * while the engine runs; should the peer's copy differ anyway (the database
 * recreated), the PUT fails with a conflict, the entry is dropped, and
 * PouchDB reads the peer again, as it always does after a conflict.
 * @returns the same database handle, patched.
 */
export function hardenRemote(remote: PouchDB.Database): PouchDB.Database {
  remote.info = () => Promise.resolve({ db_name: remote.name, doc_count: 0, update_seq: 0 });
  const remoteWithId = remote as unknown as { id(): Promise<string> };
  const id = remoteWithId.id.bind(remote);
  let known: string | undefined;
  // Kept once answered, not while pending: PouchDB queues a call made before the handle
  // is ready and then calls `id` again, which must not be handed the pending call itself.
  // PouchDB's id() never rejects: when the root does not answer, it builds the id from the URL.
  remoteWithId.id = async () => (known ??= await id());
  rememberCheckpoints(remote);
  return remote;
}

type Get = (id: string, ...rest: unknown[]) => Promise<unknown>;
type Put = (doc: { _id: string }, ...rest: unknown[]) => Promise<PouchDB.Core.Response>;

/** See {@link hardenRemote}: `_local/` documents as last written through `remote`. */
function rememberCheckpoints(remote: PouchDB.Database): void {
  const written = new Map<string, object>();
  const handle = remote as unknown as { get: Get; put: Put };
  const [get, put] = [handle.get.bind(remote), handle.put.bind(remote)];
  // Only a plain get(id) / put(doc) is served or remembered; anything with
  // options or a callback goes through untouched. Callers (PouchDB's
  // checkpointer, fastCheckpoint.ts) change what they read before writing it
  // back: copies only.
  handle.get = (id, ...rest) => {
    const doc = rest.length === 0 ? written.get(id) : undefined;
    return doc ? Promise.resolve(structuredClone(doc)) : get(id, ...rest);
  };
  handle.put = async (doc, ...rest) => {
    const id = doc._id;
    if (rest.length > 0 || typeof id !== 'string' || !id.startsWith('_local/')) return put(doc, ...rest);
    written.delete(id);
    const result = await put(doc);
    written.set(id, { ...structuredClone(doc), _rev: result.rev });
    return result;
  };
}

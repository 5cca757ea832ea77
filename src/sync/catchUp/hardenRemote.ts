// Patches to a peer's PouchDB handle: no leaked rejection when a peer dies mid-pull, remembered checkpoints.
import { rememberCheckpoints } from './checkpointMemory';

/**
 * Patches a remote database handle for the engine, in three ways.
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
 * Third, remembers the replication checkpoints it reads and writes there
 * until the next sync cycle (checkpointMemory.ts).
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

/**
 * Works around a PouchDB 9 replicator leak: after each batch it calls
 * `src.info()` to update its progress counters and never handles the
 * rejection, so a pull from a peer that dies mid-batch surfaces as an
 * unhandled promise rejection. The counters are cosmetic, and any real
 * outage fails the next request the replicator makes (which it does handle),
 * so `info()` on a remote answers a placeholder instead of rejecting.
 * @returns the same database handle, patched.
 */
export function hardenRemote(remote: PouchDB.Database, onSwallowed: (err: unknown) => void): PouchDB.Database {
  const info = remote.info.bind(remote);
  const safeInfo = async (): Promise<PouchDB.Core.DatabaseInfo> => {
    try {
      return await info();
    } catch (err) {
      onSwallowed(err);
      return { db_name: remote.name, doc_count: 0, update_seq: 0 };
    }
  };
  remote.info = safeInfo;
  return remote;
}

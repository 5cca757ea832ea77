type Get = (id: string, ...rest: unknown[]) => Promise<unknown>;
type Put = (doc: { _id: string }, ...rest: unknown[]) => Promise<PouchDB.Core.Response>;

const forgetters = new WeakMap<PouchDB.Database, () => void>();

/** Drops what {@link rememberCheckpoints} remembers for `remote`: the next reads ask the peer. */
export function forgetCheckpoints(remote: PouchDB.Database): void {
  forgetters.get(remote)?.();
}

/**
 * Patches `remote` to read back the `_local/` documents (replication
 * checkpoints) it last wrote, from memory.
 * @remarks Every checkpoint PouchDB's replicator writes on a peer is a GET
 * then a PUT, after every batch of every live replication, the echoes
 * included: about four of the dozen requests a single-threaded peer serves
 * for one note going from one device to another, each in the way of the
 * request that carries the note. Only this device writes these documents
 * (their ids hash this device's own database id), and only through this
 * handle while the engine runs; should the peer's copy differ anyway (the
 * database recreated), the PUT fails with a conflict, the entry is dropped,
 * and PouchDB reads the peer again, as it always does after a conflict.
 * A replication that starts must read the peer's own copy, though: a peer
 * that came back empty has none, and a remembered one would skip sending
 * it everything it had before. So each start calls {@link forgetCheckpoints}.
 */
export function rememberCheckpoints(remote: PouchDB.Database): void {
  const written = new Map<string, object>();
  forgetters.set(remote, () => written.clear());
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

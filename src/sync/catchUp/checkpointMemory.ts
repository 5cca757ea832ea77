// The peer handle remembers the checkpoints it read and wrote in a sync cycle, so the catch-up asks for each once.
type Get = (id: string, ...rest: unknown[]) => Promise<unknown>;
type Put = (doc: { _id: string }, ...rest: unknown[]) => Promise<PouchDB.Core.Response>;

/** Remembered: the peer has no such document. */
const ABSENT = Symbol('absent');

/** What PouchDB's http adapter rejects with for a missing document; callers look at `status`. */
const notFound = () => Object.assign(new Error('missing'), { status: 404, name: 'not_found', reason: 'missing', error: true });

const forgetters = new WeakMap<PouchDB.Database, () => void>();
const verifiers = new WeakMap<PouchDB.Database, () => Promise<boolean>>();

/**
 * Whether the peer's database is no longer the one this handle has been
 * syncing with: a checkpoint seen on it through this handle (read or
 * written) is gone, as when its database was deleted and created again
 * (sync/peers/recreateDatabase.ts) or is being. One request, for one
 * checkpoint; false when none was seen yet.
 * @throws what the peer threw other than a 404 (away, say).
 */
export function checkpointsVanished(remote: PouchDB.Database): Promise<boolean> {
  return verifiers.get(remote)?.() ?? Promise.resolve(false);
}

/** Drops what {@link rememberCheckpoints} remembers for `remote`: the next reads ask the peer. */
export function forgetCheckpoints(remote: PouchDB.Database): void {
  forgetters.get(remote)?.();
}

/**
 * Patches `remote` to read back the `_local/` documents (replication
 * checkpoints) it last read or wrote, from memory.
 * @remarks Every checkpoint PouchDB's replicator writes on a peer is a GET
 * then a PUT, after every batch of every live replication, the echoes
 * included, and a catch-up reads each checkpoint once to start and once
 * more to write it: about four of the dozen requests a single-threaded peer serves
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
  const known = new Map<string, object | typeof ABSENT>();
  forgetters.set(remote, () => known.clear());
  const handle = remote as unknown as { get: Get; put: Put };
  const [get, put] = [handle.get.bind(remote), handle.put.bind(remote)];
  // Checkpoints seen on the peer through this handle, whatever the call's form (a call with
  // options skips the memory): what checkpointsVanished asks about.
  const seen = new Set<string>();
  const see = <T>(id: unknown, result: T): T => {
    if (typeof id === 'string' && id.startsWith('_local/') && result instanceof Promise) result.then(() => seen.add(id), () => undefined);
    return result;
  };
  verifiers.set(remote, async () => {
    const [id] = seen;
    if (id === undefined) return false;
    try {
      // The peer's own copy, never the remembered one.
      await get(id, {});
      return false;
    } catch (err) {
      // A 404: the checkpoint is gone (a new database), or the database is (deleted, not created again yet).
      if ((err as { status?: number }).status === 404) return true;
      throw err;
    }
  });
  // Only a plain get(id) / put(doc) of a `_local/` id is served or remembered;
  // anything with options or a callback goes through untouched, and gets
  // PouchDB's own return (a call with a callback, as PouchDB's fallback for
  // servers without _bulk_get makes, must not get a promise nobody handles).
  // Callers (PouchDB's checkpointer, fastCheckpoint.ts) change what they read
  // before writing it back: copies only.
  handle.get = (id, ...rest) =>
    see(id, rest.length > 0 || typeof id !== 'string' || !id.startsWith('_local/') ? get(id, ...rest) : readCheckpoint(id));
  const readCheckpoint = async (id: string) => {
    const remembered = known.get(id);
    if (remembered === ABSENT) throw notFound();
    if (remembered) return structuredClone(remembered);
    // Read from the peer once per cycle: a checkpoint is read, then written back at once.
    try {
      const doc = (await get(id)) as { _id: string; _rev?: string };
      // Unless written meanwhile: what this handle wrote is newer than what it read.
      if (!known.has(id)) known.set(id, structuredClone(doc));
      return doc;
    } catch (err) {
      // None yet (a first sync): remembered too, as the next step writes one.
      if ((err as { status?: number }).status === 404 && !known.has(id)) known.set(id, ABSENT);
      throw err;
    }
  };
  handle.put = async (doc, ...rest) => {
    const id = doc._id;
    if (rest.length > 0 || typeof id !== 'string' || !id.startsWith('_local/')) return see(id, put(doc, ...rest));
    known.delete(id);
    const result = await put(doc);
    seen.add(id);
    known.set(id, { ...structuredClone(doc), _rev: result.rev });
    return result;
  };
}

/**
 * Design documents (`_design/…`: validate functions, views, filters) belong
 * to the server they were written on. The browser never pulls one from a
 * peer nor sends one to a peer: relayed through the browser, a validate
 * function or a view written on one server would spread through the whole
 * mesh, and where the app holds an admin login it would be written with
 * it. Server links (serverLinks.ts) are the owner's explicit choice and may
 * still copy them, server to server.
 * @remarks The filtering is done on the engine's handle of the peer, not
 * with a replication `filter`: a filter changes PouchDB's replication id,
 * and with it every checkpoint (a new build's minified function would start
 * every replication over from the beginning).
 */

/** The id prefix of a design document. */
export const DESIGN_PREFIX = '_design/';

/** True for a design document's id. */
export const isDesignDoc = (id: unknown): boolean => typeof id === 'string' && id.startsWith(DESIGN_PREFIX);

type Listener = (...args: unknown[]) => void;
interface Feed {
  on(event: string, listener: Listener): Feed;
}
interface Change {
  id?: unknown;
  deleted?: boolean;
}

/** What {@link ignoreDesignDocs} reports: a design document the peer has (or no longer has). */
export type DesignDocSeen = (id: string, isDeleted: boolean) => void;

/**
 * Patches the engine's handle on a peer so that no design document passes through it:
 * - its changes feed reports none to PouchDB's replicator (the live pull); the
 *   feed's own results and seqs are left as they are, so checkpoints still
 *   move past them;
 * - `revsDiff` says the peer lacks none (the live push and catch-up never send one);
 * - `bulkDocs` drops any (the relay, and a catch-up into an empty peer, which skips revsDiff).
 * The catch-up's own reads of a feed skip them too (fastReplicate.ts).
 * @param onSeen called for each design document the changes feed passes over.
 * @returns the same handle, patched.
 */
export function ignoreDesignDocs(remote: PouchDB.Database, onSeen: DesignDocSeen): PouchDB.Database {
  const handle = remote as unknown as {
    changes: (options: object) => Feed;
    revsDiff: (diff: Record<string, unknown>) => Promise<Record<string, unknown>>;
    bulkDocs: (docs: unknown, options?: object) => Promise<unknown[]>;
  };
  const [changes, revsDiff, bulkDocs] = [handle.changes.bind(remote), handle.revsDiff.bind(remote), handle.bulkDocs.bind(remote)];
  handle.changes = (options) => {
    const feed = changes(options);
    const on = feed.on.bind(feed);
    feed.on = (event, listener) => {
      if (event !== 'change') return on(event, listener);
      return on(event, (change, ...rest) => {
        const { id, deleted } = (change ?? {}) as Change;
        if (!isDesignDoc(id)) return listener(change, ...rest);
        onSeen(id as string, deleted === true);
      });
    };
    return feed;
  };
  handle.revsDiff = async (diff) => {
    const answer = await revsDiff(diff);
    return Object.fromEntries(Object.entries(answer).filter(([id]) => !isDesignDoc(id)));
  };
  // Only ever called with new_edits: false, whose answer lists refusals alone,
  // so dropping documents leaves nothing in the answer out of step.
  handle.bulkDocs = (docs, options) => {
    const wrapped = Array.isArray(docs) ? undefined : (docs as { docs: Array<{ _id?: unknown }> });
    const list = wrapped ? wrapped.docs : (docs as Array<{ _id?: unknown }>);
    const kept = list.filter((doc) => !isDesignDoc(doc._id));
    if (kept.length === list.length) return bulkDocs(docs, options);
    if (kept.length === 0) return Promise.resolve([]);
    return bulkDocs(wrapped ? { ...wrapped, docs: kept } : kept, options);
  };
  return remote;
}

/**
 * The design documents a peer holds now, by id.
 * @throws what the peer throws (away, refused).
 */
export async function listDesignDocs(remote: PouchDB.Database): Promise<string[]> {
  // '_design0' is the first key past every '_design/…' id in CouchDB's collation.
  const res = await remote.allDocs({ startkey: DESIGN_PREFIX, endkey: '_design0' });
  return res.rows.map((row) => row.id).filter(isDesignDoc);
}

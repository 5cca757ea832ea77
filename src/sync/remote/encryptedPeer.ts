// The handle on a peer marked encrypted: sealed on the way out, opened on the way in, the unopenable named.
import { EnvelopeError, type MeshKeyring } from '../../domain/envelope';
import { offerPrepare } from './prepareWrites';
import { isLeftPlain, openAttachment, openDoc, sealDoc } from './sealedDocs';
import type { UnreadableDocs } from './unreadableDocs';

/**
 * Patches the engine's handle on a peer marked encrypted (issue #16), in
 * the style of designDocs.ts, so that everything written through it is
 * sealed (sealedDocs.ts) and everything read through it is opened before
 * PouchDB stores it here. The local database always holds plain documents.
 * - `bulkDocs` and `put` seal (the live push, the catch-up push, the relay,
 *   refused documents sent again); the catch-up seals ahead of its writes
 *   (prepareWrites.ts), and what was sealed here is not sealed again;
 * - `bulkGet` (the live and catch-up pulls), `get` (attachments, `open_revs`)
 *   and `allDocs` with `include_docs` open; `getAttachment` decrypts;
 * - a revision that fails to open (plain, tampered, another passphrase) is
 *   left out of a `bulkGet` or `open_revs` answer, so it is never stored, and
 *   recorded in `unreadable` for the peer row; a lone `get` of one throws;
 * - once revisions failed authentication and none opened, writes throw: a
 *   device with another passphrase must not fill the peer with documents
 *   no other device can open (a peer with nothing to read cannot tell).
 * Checkpoints (`_local/`) pass as they are, so replication ids and
 * checkpoints are the same as through a plain handle.
 * @remarks `changes` with `include_docs` is refused: nothing in the engine
 * asks for it, and a feed's events cannot wait for a decryption.
 * @returns the same handle, patched.
 */
export function encryptPeer(remote: PouchDB.Database, keyring: MeshKeyring, unreadable: UnreadableDocs): PouchDB.Database {
  type AnyDoc = Record<string, unknown>;
  const handle = remote as unknown as {
    bulkDocs: (docs: unknown, options?: object) => Promise<unknown[]>;
    put: (doc: AnyDoc, options?: object) => Promise<unknown>;
    bulkGet: (options: object) => Promise<{ results: Array<{ id: string; docs: Array<{ ok?: AnyDoc }> }> }>;
    get: (id: string, options?: object) => Promise<AnyDoc | Array<{ ok?: AnyDoc; unreadable?: unknown }>>;
    allDocs: (options?: { include_docs?: boolean }) => Promise<{ rows: Array<{ id: string; doc?: AnyDoc }> }>;
    getAttachment: (id: string, name: string, options?: object) => Promise<unknown>;
    changes: (options?: { include_docs?: boolean; since?: unknown; live?: boolean }) => unknown;
  };
  const original = {
    bulkDocs: handle.bulkDocs.bind(remote),
    put: handle.put.bind(remote),
    bulkGet: handle.bulkGet.bind(remote),
    get: handle.get.bind(remote),
    allDocs: handle.allDocs.bind(remote),
    getAttachment: handle.getAttachment.bind(remote),
    changes: handle.changes.bind(remote),
  };
  let [opened, failedAuthentication] = [0, 0];
  /** Why nothing may be sent now, if so. */
  const refusal = (docs: AnyDoc[]): EnvelopeError | undefined => {
    // Checkpoints (`_local/`) still pass: the pull records how far it read.
    if (!(failedAuthentication > 0 && opened === 0 && docs.some((doc) => !isLeftPlain(doc['_id'])))) return undefined;
    const count = unreadable.ids().length;
    const what = `${count} document${count === 1 ? '' : 's'}`;
    return new EnvelopeError('authentication', `the mesh passphrase on this device opens none of the ${what} read from this peer: nothing is sent to it until one opens`);
  };
  /** What this handle sealed: passed on as it is when it comes back to be written. */
  const sealedHere = new WeakSet<object>();
  const sealEach = (docs: AnyDoc[]) =>
    Promise.all(
      docs.map(async (doc) => {
        if (sealedHere.has(doc)) return doc;
        const sealed = await sealDoc(keyring, doc);
        sealedHere.add(sealed);
        return sealed;
      }),
    );
  // Checked at the write even for documents sealed ahead: a pull may have found unreadable ones since.
  const seal = (docs: AnyDoc[]) => {
    const refused = refusal(docs);
    return refused ? Promise.reject(refused) : sealEach(docs);
  };
  // The catch-up seals a batch while the one before is on its way (prepareWrites.ts). Never
  // fails: anything wrong is left to the write, which raises it where it always has.
  offerPrepare(remote, (docs) => (refusal(docs) ? Promise.resolve(docs) : sealEach(docs).catch(() => docs)));
  /** The opened revision, or undefined (recorded as unreadable) when it does not open. */
  const tryOpen = async (doc: AnyDoc): Promise<AnyDoc | undefined> => {
    const [id, rev] = [String(doc['_id']), String(doc['_rev'])];
    try {
      const plain = await openDoc(keyring, doc);
      unreadable.opened(id, rev);
      if (!isLeftPlain(id)) opened += 1;
      return plain;
    } catch (err) {
      if (!(err instanceof EnvelopeError)) throw err;
      if (err.reason === 'authentication') failedAuthentication += 1;
      unreadable.add(id, rev, err);
      return undefined;
    }
  };

  // Options are always passed: PouchDB's methods read them without a default when given `undefined`.
  handle.bulkDocs = async (docs, options) => {
    if (Array.isArray(docs)) return original.bulkDocs(await seal(docs as AnyDoc[]), options ?? {});
    const wrapped = docs as { docs: AnyDoc[] };
    return original.bulkDocs({ ...wrapped, docs: await seal(wrapped.docs) }, options ?? {});
  };
  // A plain get(id) / put(doc) stays one: a `_local/` checkpoint is then served from memory
  // (checkpointMemory.ts) rather than asked of the peer again; options are passed only when given.
  handle.put = async (doc, options) => {
    const [sealed] = await seal([doc]);
    return options === undefined ? original.put(sealed!) : original.put(sealed!, options);
  };
  handle.bulkGet = async (options) => {
    const res = await original.bulkGet(options);
    // All at once, not document by document: each decryption is a trip to WebCrypto's
    // thread, and awaited one after another a batch of 1,000 waited on each in turn.
    await Promise.all(
      res.results.map(async (result) => {
        const docs = await Promise.all(result.docs.map(async (item) => (item.ok ? { ok: await tryOpen(item.ok) } : item)));
        // Left out rather than turned into an error: PouchDB's replicator (and the catch-up)
        // would retry an error forever; the list of unreadable revisions remembers it.
        result.docs = docs.filter((item) => !('ok' in item) || item.ok !== undefined);
      }),
    );
    return res;
  };
  handle.get = async (id, options) => {
    const res = await (options === undefined ? original.get(id) : original.get(id, options));
    if (!Array.isArray(res)) {
      const opened = await tryOpen(res);
      if (!opened) throw new EnvelopeError('authentication', `${id} could not be opened (${unreadableOf(unreadable)})`);
      return opened;
    }
    return Promise.all(
      res.map(async (row) => {
        if (!row.ok) return row;
        const opened = await tryOpen(row.ok);
        return opened ? { ok: opened } : { unreadable: row.ok['_rev'] };
      }),
    );
  };
  handle.allDocs = async (options) => {
    const res = await original.allDocs(options ?? {});
    if (!options?.include_docs) return res;
    await Promise.all(
      res.rows.map(async (row) => {
        if (!row.doc) return;
        const opened = await tryOpen(row.doc);
        if (opened) row.doc = opened;
        else delete row.doc;
      }),
    );
    return res;
  };
  handle.getAttachment = async (id, name, options) => openAttachment(keyring, id, name, await original.getAttachment(id, name, options ?? {}));
  handle.changes = (options) => {
    if (options?.include_docs) throw new EnvelopeError('unsupported', 'changes with include_docs from an encrypted peer: read the documents with bulkGet');
    const feed = original.changes(options ?? {});
    // A peer with no changes at all has no envelope to adopt a salt from: the first write
    // here will derive a fresh key, so start on it now (MeshKeyring.warmUp).
    if (isFromStart(options?.since) && !options?.live && isThenable(feed)) {
      feed.then((res) => res.results?.length === 0 && keyring.warmUp(), () => undefined);
    }
    return feed;
  };
  return remote;
}

const unreadableOf = (list: UnreadableDocs) => list.detail();
const isFromStart = (since: unknown) => since === undefined || since === 0 || since === '0';
const isThenable = (feed: unknown): feed is PromiseLike<{ results?: unknown[] }> => typeof (feed as { then?: unknown } | null)?.then === 'function';

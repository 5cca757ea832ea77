// Lets a patched peer handle (encryptedPeer.ts) turn documents into what it writes ahead of the write itself.

/** Where a handle keeps its preparation: a symbol, so no PouchDB method or option can collide with it. */
const PREPARE = Symbol('p2pcloud.prepareWrites');

type Prepare = (docs: Array<Record<string, unknown>>) => Promise<Array<Record<string, unknown>>>;

/**
 * Offers `prepare` on `handle`: what its `bulkDocs` would do to documents
 * before sending them (sealing, for an encrypted peer), done early.
 * @remarks The catch-up (fastReplicate.ts) prepares a batch while the one
 * before it is still being written, so that work no longer waits for the
 * network and the network no longer waits for it. The handle's `bulkDocs`
 * must recognise what it prepared and pass it on as it is.
 */
export function offerPrepare(handle: PouchDB.Database, prepare: Prepare): void {
  (handle as unknown as Record<symbol, Prepare>)[PREPARE] = prepare;
}

/** `docs` as `handle` would write them (see {@link offerPrepare}); the same docs for a handle that offers nothing. */
export function prepareWrites<T extends object>(handle: PouchDB.Database, docs: T[]): Promise<T[]> {
  const prepare = (handle as unknown as Record<symbol, Prepare | undefined>)[PREPARE];
  if (!prepare || docs.length === 0) return Promise.resolve(docs);
  return prepare(docs as unknown as Array<Record<string, unknown>>) as unknown as Promise<T[]>;
}

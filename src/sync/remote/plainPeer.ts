// The handle on a peer this device syncs in plain: a sealed document read from it is never stored here.
import { peerIdFor } from '../../domain/ids';
import { isSealedDoc } from './sealedDocs';

/**
 * Thrown when a peer this device syncs in plain holds sealed documents:
 * another device has marked it encrypted, and this one has not learnt it yet
 * (the peer config saying so is itself sealed on that peer). Names the
 * documents, never their content.
 */
export class SealedOnPlainPeerError extends Error {
  // An own property, so that PouchDB's copy of the error keeps it (classifyError reads it).
  override readonly name = 'SealedOnPlainPeer';
  constructor(readonly docIds: string[]) {
    super(`the peer holds ${docIds.length} sealed document${docIds.length === 1 ? '' : 's'}: another device marked it encrypted`);
  }
}

/**
 * Thrown when this plain handle is asked to send the peer's own settings
 * marking it encrypted: the switch was just made here, and the engine is
 * about to replace this handle with a sealing one. Transient (no status:
 * classified as the peer being away), so the batch is sent again, sealed.
 */
export class PeerBeingSealedError extends Error {
  override readonly name = 'PeerBeingSealed';
  constructor() {
    super('this peer was just marked encrypted: its documents wait for the sealing handle');
  }
}

type AnyDoc = Record<string, unknown>;

/**
 * Patches the engine's handle on a peer NOT marked encrypted on this device
 * (in the style of encryptedPeer.ts) so that reading a sealed revision
 * (sealedDocs.ts) throws {@link SealedOnPlainPeerError} instead of handing
 * ciphertext to PouchDB, which would store it here as if it were a plain
 * document (the local database only ever holds plain ones) and overwrite,
 * say, the plain `peer:` config that lists the peer.
 * - `bulkGet` (the live and catch-up pulls), `get` (one document or
 *   `open_revs`) and `allDocs` with `include_docs` throw when any revision in
 *   the answer is sealed.
 * @remarks It throws, rather than leaving them out as an encrypted peer's
 * handle does: the batch then fails whole, so the pull's checkpoint never
 * moves past those revisions, and once this device is given the passphrase
 * (which marks the peer encrypted here too) its pull reads them again and
 * opens them. PeerReplication stops both directions on this error, so that
 * nothing plain is pushed to a peer meant to hold only ciphertext.
 * @returns the same handle, patched.
 */
export function refuseSealed(remote: PouchDB.Database): PouchDB.Database {
  const handle = remote as unknown as {
    bulkGet: (options: object) => Promise<{ results: Array<{ id: string; docs: Array<{ ok?: AnyDoc }> }> }>;
    get: (id: string, ...rest: unknown[]) => Promise<AnyDoc | Array<{ ok?: AnyDoc }>> | undefined;
    allDocs: (options?: { include_docs?: boolean }) => Promise<{ rows: Array<{ id: string; doc?: AnyDoc }> }>;
    bulkDocs: (docs: AnyDoc[] | { docs: AnyDoc[] }, ...rest: unknown[]) => Promise<unknown>;
  };
  const original = {
    bulkGet: handle.bulkGet.bind(remote),
    get: handle.get.bind(remote),
    allDocs: handle.allDocs.bind(remote),
    bulkDocs: handle.bulkDocs.bind(remote),
  };
  const ownSettingsId = peerIdFor(remote.name);
  const check = (docs: Array<AnyDoc | undefined>) => {
    const sealed = [...new Set(docs.filter(isSealedDoc).map((doc) => String(doc!['_id'])))].sort();
    if (sealed.length) throw new SealedOnPlainPeerError(sealed);
  };
  // Options are always passed: PouchDB's methods read them without a default when given `undefined`.
  handle.bulkGet = async (options) => {
    const res = await original.bulkGet(options);
    check(res.results.flatMap((result) => result.docs.map((item) => item.ok)));
    return res;
  };
  // Arguments passed on as they came: a plain get(id) of a checkpoint is served from memory
  // (checkpointMemory.ts), and PouchDB's fallback for servers without _bulk_get passes a callback.
  handle.get = (id, ...rest) => {
    const callback = typeof rest[rest.length - 1] === 'function' ? (rest.pop() as (err: unknown, res?: unknown) => void) : undefined;
    const checked = (original.get(id, ...rest) as Promise<AnyDoc | Array<{ ok?: AnyDoc }>>).then((res) => {
      check(Array.isArray(res) ? res.map((row) => row.ok) : [res]);
      return res;
    });
    if (!callback) return checked;
    checked.then(
      (res) => callback(null, res),
      (err: unknown) => callback(err),
    );
    return undefined;
  };
  // The revision of this peer's settings that marks it encrypted is written
  // here while this plain handle still runs: its live push would send it in
  // plain (seen in 2 runs of 8), and with it the news of the switch. The
  // batch waits instead, and goes out sealed once the engine has swapped
  // handles (it restarts the peer on that very change).
  handle.bulkDocs = (docs, ...rest) => {
    const list = Array.isArray(docs) ? docs : docs.docs;
    if (list.some((doc) => doc['_id'] === ownSettingsId && doc['encrypted'] === true)) {
      return Promise.reject(new PeerBeingSealedError());
    }
    return original.bulkDocs(docs, ...rest);
  };
  handle.allDocs = async (options) => {
    const res = await original.allDocs(options ?? {});
    if (options?.include_docs) check(res.rows.map((row) => row.doc));
    return res;
  };
  return remote;
}

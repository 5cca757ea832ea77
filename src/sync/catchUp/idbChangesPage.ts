// A push's local changes read straight from PouchDB's IndexedDB stores, read-only, with PouchDB as the fallback.
import { asRevision, readRevisions, type AdapterResult, type ReadResult, type WantedRev } from './localRevisions';

/**
 * Pages of a local database's changes, with the revisions they name, read
 * straight from the IndexedDB stores of PouchDB's `idb` adapter, for a push.
 * @remarks A catch-up push read each page twice: `changes` walks the
 * by-sequence store and reads each document's metadata, then every wanted
 * revision was read again, metadata and body (localRevisions.ts). About four
 * IndexedDB requests per document, 4.2 s of a 10,000-note push against 2.1 s
 * for the peer to take the documents. Here one `getAll` brings a whole page
 * of bodies and one `get` per document its metadata, in one read-only
 * transaction; the page's revisions are then built from what is in hand.
 * Only reads: writes stay PouchDB's. Anything unexpected (another schema
 * version, a store missing, a stored record of another shape) makes
 * {@link openIdbChanges} answer undefined or a page throw
 * {@link IdbShapeUnknown}, and the caller reads through PouchDB instead.
 */

/** The adapter's schema version and stores this reader knows (pouchdb-adapter-idb, ADAPTER_VERSION 5). */
const SCHEMA_VERSION = 5;
const DOC_STORE = 'document-store';
const BY_SEQ_STORE = 'by-sequence';

/** A stored record not in the shape this reader knows. */
export class IdbShapeUnknown extends Error {
  override readonly name = 'IdbShapeUnknown';
}

type Change = PouchDB.Core.ChangesResponseChange<object>;
type Metadata = AdapterResult['metadata'] & { id: string; winningRev: string; deleted: boolean; seq: number };
type RevNode = AdapterResult['metadata']['rev_tree'][number]['ids'];

/** One page of changes, as `changes({ style: 'all_docs' })` lists them. */
export interface IdbChangesPage {
  results: Change[];
  /** The last seq the page looked at (later entries of the same documents are skipped, as `changes` does). */
  endSeq: number;
  /** True when the page holds as many entries as asked: there may be more. */
  full: boolean;
  /** The wanted revisions with their histories, as {@link readRevisions} answers. */
  read(wanted: readonly WantedRev[]): Promise<ReadResult[]>;
}

/** Reads pages of changes from one database; close it when done. */
export interface IdbChanges {
  page(since: number, limit: number): Promise<IdbChangesPage>;
  close(): void;
}

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });

/** Opens the existing database without ever creating or upgrading it. */
function openExisting(name: string): Promise<IDBDatabase | undefined> {
  return new Promise((resolve) => {
    const req = indexedDB.open(name);
    // Fires only for a database that does not exist: creating it at version 1 would
    // make PouchDB's own open skip its schema. Aborting leaves nothing behind.
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(undefined);
    req.onblocked = () => resolve(undefined);
  });
}

/**
 * A reader for `db`, or undefined when it is not an `idb` database of the
 * known schema (then read through PouchDB); `onUnknown` is told when it is
 * an `idb` database this reader does not know.
 * @remarks Holds its own connection, which it closes the moment anyone asks
 * to upgrade or delete the database (`versionchange`), so `db.destroy()`
 * is never blocked by it; pages after that throw {@link IdbShapeUnknown}.
 */
export async function openIdbChanges(db: PouchDB.Database, onUnknown?: (reason: Error) => void): Promise<IdbChanges | undefined> {
  if ((db as { adapter?: string }).adapter !== 'idb' || typeof indexedDB === 'undefined') return undefined;
  // PouchDB has opened (and if need be created) the database before anything is pushed.
  await db.info();
  const prefix = (db as { prefix?: string }).prefix ?? '_pouch_';
  const conn = await openExisting(`${prefix}${db.name}`);
  if (!conn) return undefined;
  const stores = conn.objectStoreNames;
  if (conn.version !== SCHEMA_VERSION || !stores.contains(DOC_STORE) || !stores.contains(BY_SEQ_STORE)) {
    conn.close();
    onUnknown?.(new IdbShapeUnknown(`stores at version ${conn.version}, this reader knows ${SCHEMA_VERSION}`));
    return undefined;
  }
  let open = true;
  conn.onversionchange = () => {
    open = false;
    conn.close();
  };
  return {
    page: (since, limit) => {
      if (!open) return Promise.reject(new IdbShapeUnknown('the database was closed for an upgrade or deletion'));
      return readPage(db, conn, since, limit);
    },
    close: () => {
      open = false;
      conn.close();
    },
  };
}

/** The id and rev of a by-sequence record, whose `_doc_id_rev` is `${id}::${rev}`. */
function splitDocIdRev(value: unknown): { id: string; rev: string } {
  const key = (value as { _doc_id_rev?: unknown } | undefined)?._doc_id_rev;
  if (typeof key !== 'string') throw new IdbShapeUnknown('a by-sequence record without _doc_id_rev');
  const colon = key.lastIndexOf(':');
  if (colon < 2 || key[colon - 1] !== ':') throw new IdbShapeUnknown(`a by-sequence key of unknown shape`);
  return { id: key.slice(0, colon - 1), rev: key.slice(colon + 1) };
}

/** The metadata record as the adapter keeps it: the tree as JSON text beside a few indexed fields. */
function decodeMetadata(stored: unknown): Metadata {
  const record = stored as { data?: unknown; winningRev?: unknown; deletedOrLocal?: unknown; seq?: unknown; id?: unknown } | undefined;
  if (!record || typeof record.data !== 'string' || typeof record.winningRev !== 'string' || typeof record.seq !== 'number') {
    throw new IdbShapeUnknown('a document-store record of unknown shape');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.data);
  } catch {
    // The adapter falls back to its own encoder for trees too deep for JSON: leave those to PouchDB.
    throw new IdbShapeUnknown('a revision tree that is not JSON');
  }
  const meta = parsed as Partial<Metadata>;
  if (!Array.isArray(meta.rev_tree)) throw new IdbShapeUnknown('metadata without a revision tree');
  return { ...(meta as Metadata), winningRev: record.winningRev, deleted: record.deletedOrLocal === '1', seq: record.seq };
}

/** Every leaf of the tree, as `style: 'all_docs'` lists them. */
function leavesOf(tree: Metadata['rev_tree']): string[] {
  const leaves: string[] = [];
  for (const root of tree) {
    const stack: Array<{ node: RevNode; pos: number }> = [{ node: root.ids, pos: root.pos }];
    while (stack.length) {
      const { node, pos } = stack.pop()!;
      if (node[2].length === 0) leaves.push(`${pos}-${node[0]}`);
      for (const child of node[2]) stack.push({ node: child, pos: pos + 1 });
    }
  }
  // Highest generation first, as PouchDB lists them (the order within a generation carries no meaning).
  return leaves.sort((a, b) => generation(b) - generation(a));
}

const generation = (rev: string) => Number(rev.slice(0, rev.indexOf('-')));

async function readPage(db: PouchDB.Database, conn: IDBDatabase, since: number, limit: number): Promise<IdbChangesPage> {
  const txn = conn.transaction([DOC_STORE, BY_SEQ_STORE], 'readonly');
  const bySeq = txn.objectStore(BY_SEQ_STORE);
  const range = IDBKeyRange.lowerBound(since, true);
  const [keys, values] = await Promise.all([request(bySeq.getAllKeys(range, limit)), request(bySeq.getAll(range, limit))]);
  const entries = values.map((value, i) => ({ seq: keys[i] as number, value: value as Record<string, unknown>, ...splitDocIdRev(value) }));
  const docStore = txn.objectStore(DOC_STORE);
  const ids = [...new Set(entries.map((e) => e.id))];
  const metas = await Promise.all(ids.map(async (id) => [id, decodeMetadata(await request(docStore.get(id)))] as const));
  const metadata = new Map(metas);
  const results: Change[] = [];
  /** The bodies in hand, by `${id}::${rev}`: each entry holds the revision written at its seq. */
  const bodies = new Map<string, AdapterResult>();
  for (const entry of entries) {
    const meta = metadata.get(entry.id)!;
    // A later seq of the same document exists: `changes` reports a document at its latest seq only.
    if (meta.seq !== entry.seq) continue;
    const doc: Record<string, unknown> = { ...entry.value, _id: entry.id, _rev: entry.rev };
    delete doc['_doc_id_rev'];
    bodies.set(`${entry.id}::${entry.rev}`, { doc: doc as AdapterResult['doc'], metadata: meta });
    const change: Change = { id: entry.id, seq: entry.seq, changes: leavesOf(meta.rev_tree).map((rev) => ({ rev })) };
    if (meta.deleted) change.deleted = true;
    results.push(change);
  }
  const endSeq = (keys[keys.length - 1] as number | undefined) ?? since;
  return { results, endSeq, full: keys.length === limit, read: (wanted) => readInHand(db, bodies, wanted) };
}

/**
 * Builds the wanted revisions from the bodies in hand; any other (a
 * conflicting leaf written earlier) is read through the adapter.
 */
async function readInHand(db: PouchDB.Database, bodies: ReadonlyMap<string, AdapterResult>, wanted: readonly WantedRev[]): Promise<ReadResult[]> {
  const results = new Map<string, ReadResult>();
  const elsewhere: WantedRev[] = [];
  for (const { id, rev } of wanted) {
    const inHand = bodies.get(`${id}::${rev}`);
    const doc = inHand && asRevision(inHand);
    if (!doc) {
      elsewhere.push({ id, rev });
      continue;
    }
    const result = results.get(id) ?? { id, docs: [] };
    result.docs.push({ ok: doc });
    results.set(id, result);
  }
  for (const other of await readRevisions(db, elsewhere)) {
    const result = results.get(other.id) ?? { id: other.id, docs: [] };
    result.docs.push(...other.docs);
    results.set(other.id, result);
  }
  return [...results.values()];
}

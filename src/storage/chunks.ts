// Content-addressed chunk documents: `chunk:<sha256 hex>`, each holding one
// piece of a file (≤ 1 MiB) as the attachment `data`. The id is the content's
// hash, so a piece shared by several files, or added twice, is stored and
// replicated once. The only module that reads or writes chunk documents.
import { CHUNK_ID_PREFIX, chunkIdFor, toHex, type Sha256 } from '../domain/file';

/** Schema version of chunk documents. */
export const CHUNK_SCHEMA_VERSION = 1;
const CHUNK_MIME = 'application/octet-stream';
const KEYS_PER_QUERY = 500;

/**
 * Turns bytes into what the PouchDB adapter stores as an attachment: a Blob
 * in the browser (IndexedDB keeps it on disk), a Buffer under Node's adapters.
 */
export type AttachmentBody = (bytes: Uint8Array) => PouchDB.Core.AttachmentData;

/** The browser's attachment body: a Blob, which IndexedDB keeps on disk rather than in the page's memory. */
export const blobBody: AttachmentBody = (bytes) => new Blob([bytes as Uint8Array<ArrayBuffer>]);


/** A chunk document as stored and replicated. Its content is deterministic, so two devices writing it make the same revision. */
interface ChunkDoc {
  _id: string;
  _rev?: string;
  type: 'chunk';
  schemaVersion: number;
  size: number;
  /** Set on a revision written by {@link restoreChunks}: not a reuse by another file. */
  restored?: true;
  _attachments?: Record<string, { content_type?: string; data?: unknown; stub?: boolean }>;
}

/** The SHA-256 of `bytes` as lowercase hex, with WebCrypto (native, does not block the page). */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

/** Lets the event loop run (rendering, input) between two chunks of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Bytes fed to the whole-file hash between two yields: ~10 ms of work on a phone. */
const HASH_SLICE = 256 * 1024;

/** Feeds a chunk to the pure-JS whole-file hash in slices, letting the page breathe between them. */
export async function hashInSlices(hasher: Sha256, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < bytes.length; i += HASH_SLICE) {
    hasher.update(bytes.subarray(i, i + HASH_SLICE));
    if (i + HASH_SLICE < bytes.length) await yieldToEventLoop();
  }
}

/** True for the errors IndexedDB (and PouchDB wrapping it) raises when the origin's storage is full. */
export function isQuotaError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; message?: unknown; reason?: unknown; error?: unknown };
  const text = [e.name, e.message, e.reason, e.error].filter((v) => typeof v === 'string').join(' ');
  return /quota/i.test(text) || (e.error !== undefined && e.error !== true && isQuotaError(e.error));
}

const hasData = (doc: { _attachments?: Record<string, unknown> } | undefined): boolean =>
  !!doc?._attachments?.['data'];

/**
 * Stores one chunk, and returns the revision that holds it now.
 * @remarks When the chunk is already here (another file has the same
 * content), it gets a new revision with the same content instead of being
 * left as it is: a device that deletes the other file frees the chunk only
 * if it is still at the revision that file recorded (see
 * {@link releaseChunks}), and a deletion racing with this revision makes a
 * conflict in which the live revision wins, on every device.
 */
export async function writeChunk(
  db: PouchDB.Database,
  hash: string,
  bytes: Uint8Array,
  toBody: AttachmentBody,
): Promise<string> {
  const id = chunkIdFor(hash);
  for (let attempt = 0; ; attempt += 1) {
    let existing: ChunkDoc | undefined;
    try {
      existing = (await db.get(id)) as unknown as ChunkDoc;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    // Kept as a stub: the content is already stored under its digest.
    const data = hasData(existing) ? existing?._attachments?.['data'] : { content_type: CHUNK_MIME, data: toBody(bytes) };
    const doc: ChunkDoc = {
      _id: id,
      ...(existing?._rev ? { _rev: existing._rev } : {}),
      type: 'chunk',
      schemaVersion: CHUNK_SCHEMA_VERSION,
      size: bytes.byteLength,
      _attachments: { data: data as NonNullable<ChunkDoc['_attachments']>[string] },
    };
    try {
      return (await db.put(doc as unknown as PouchDB.Core.PutDocument<object>)).rev;
    } catch (err) {
      // Another tab (or a peer) wrote it meanwhile: write on top of that.
      if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
    }
  }
}

/**
 * Frees the chunks of a deleted file that no file here uses any more: each
 * is deleted (on every device, once synced) only if it is still at the
 * revision the file recorded, so a chunk another file reused meanwhile stays.
 * Then its old revision is compacted, which is what gives the space back.
 * @returns how many chunks were freed.
 */
export async function releaseChunks(
  db: PouchDB.Database,
  recorded: Readonly<Record<string, string>>,
  stillUsed: ReadonlySet<string>,
): Promise<number> {
  let freed = 0;
  for (const [hash, rev] of Object.entries(recorded)) {
    if (stillUsed.has(hash)) continue;
    const id = chunkIdFor(hash);
    try {
      await db.put({ _id: id, _rev: rev, _deleted: true });
      freed += 1;
    } catch (err) {
      // 409: the chunk changed since (reused by another file): keep it. 404: already gone.
      const status = (err as { status?: number }).status;
      if (status !== 409 && status !== 404) throw err;
      // A 409 that was only its return after a deletion elsewhere (restoreChunks):
      // still this file's, at its new revision.
      if (status === 404 || !(await releaseRestored(db, id))) continue;
      freed += 1;
    }
    // Not in PouchDB's typings, but part of its API since the start: compacts one document.
    const compactable = db as unknown as { compactDocument?: (id: string, maxHeight: number) => Promise<unknown> };
    await compactable.compactDocument?.(id, 0).catch(() => undefined);
  }
  return freed;
}

/** Deletes a chunk whose current revision is one {@link restoreChunks} wrote; false when it is not. */
async function releaseRestored(db: PouchDB.Database, id: string): Promise<boolean> {
  try {
    const current = (await db.get(id)) as unknown as ChunkDoc;
    if (current.restored !== true || !current._rev) return false;
    await db.put({ _id: id, _rev: current._rev, _deleted: true });
    return true;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 409) return false;
    throw err;
  }
}

/** Which of `hashes` have a chunk document with its content on this device. */
export async function presentChunks(db: PouchDB.Database, hashes: Iterable<string>): Promise<Set<string>> {
  return (await chunkStates(db, hashes)).present;
}

/**
 * Which of `hashes` are here with their content, and which were deleted
 * (freed by a file deleted somewhere), with the deletion's revision.
 * Neither: not arrived yet.
 */
export async function chunkStates(
  db: PouchDB.Database,
  hashes: Iterable<string>,
): Promise<{ present: Set<string>; deleted: Map<string, string> }> {
  const unique = [...new Set(hashes)];
  const present = new Set<string>();
  const deleted = new Map<string, string>();
  for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
    const keys = unique.slice(i, i + KEYS_PER_QUERY).map(chunkIdFor);
    // Without `attachments: true` the docs carry only attachment stubs: cheap to read.
    const res = await db.allDocs({ keys, include_docs: true });
    for (const row of res.rows) {
      const value = 'value' in row ? row.value : undefined;
      if (value?.deleted) deleted.set(row.key.slice(CHUNK_ID_PREFIX.length), value.rev);
      if (!('doc' in row) || !row.doc) continue;
      if (hasData(row.doc)) present.add(row.id.slice(CHUNK_ID_PREFIX.length));
    }
  }
  return { present, deleted };
}

/**
 * Brings back chunks that a file deleted on one device freed while another
 * device kept the file (renamed or moved it at the same time): the file
 * survives the conflict, so its pieces must too. The deletion is replicated
 * to every device, but only the deleting one compacts it away; a device
 * that still holds an earlier revision's content checks it against the
 * hash and writes it again on top of the deletion, which syncs everywhere.
 * @param deleted hash to the revision of its deletion (see {@link chunkStates}).
 * @returns the hashes brought back.
 */
export async function restoreChunks(
  db: PouchDB.Database,
  deleted: ReadonlyMap<string, string>,
  toBody: AttachmentBody,
): Promise<string[]> {
  const restored: string[] = [];
  for (const [hash, deletedRev] of deleted) {
    const id = chunkIdFor(hash);
    const bytes = await earlierContent(db, id, deletedRev, hash);
    if (!bytes) continue;
    const doc: ChunkDoc = {
      _id: id,
      _rev: deletedRev,
      type: 'chunk',
      schemaVersion: CHUNK_SCHEMA_VERSION,
      size: bytes.byteLength,
      restored: true,
      _attachments: { data: { content_type: CHUNK_MIME, data: toBody(bytes) } },
    };
    try {
      await db.put(doc as unknown as PouchDB.Core.PutDocument<object>);
      restored.push(hash);
    } catch (err) {
      // Changed meanwhile (brought back by another tab or device): nothing to do.
      if ((err as { status?: number }).status !== 409) throw err;
    }
  }
  return restored;
}

/** The newest content stored here from before the deletion `deletedRev`, if it matches `hash`. */
async function earlierContent(db: PouchDB.Database, id: string, deletedRev: string, hash: string): Promise<Uint8Array | undefined> {
  let history: { start: number; ids: string[] } | undefined;
  try {
    history = ((await db.get(id, { rev: deletedRev, revs: true })) as { _revisions?: { start: number; ids: string[] } })._revisions;
  } catch {
    return undefined;
  }
  if (!history) return undefined;
  for (let i = 1; i < history.ids.length; i += 1) {
    const rev = `${history.start - i}-${history.ids[i]}`;
    try {
      const old = (await db.get(id, { rev, attachments: true, binary: true })) as unknown as ChunkDoc;
      const data = old._attachments?.['data']?.data;
      if (data === undefined) continue;
      const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : new Uint8Array(data as Uint8Array);
      // Only content that is what the id says it is comes back.
      if ((await sha256Hex(bytes)) === hash) return bytes;
    } catch {
      // Compacted away here: maybe an older one, or another device, still has it.
    }
  }
  return undefined;
}

/**
 * One chunk's content as a Blob.
 * @returns undefined when this device does not have it (yet).
 */
export async function readChunk(db: PouchDB.Database, hash: string): Promise<Blob | undefined> {
  try {
    const data = (await db.getAttachment(chunkIdFor(hash), 'data')) as Blob | Uint8Array;
    return data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]);
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

// File documents (`file:<id>`): a file's name, type, size, whole-file SHA-256
// and the ordered list of its chunk hashes; the content lives in chunk
// documents (storage/chunks.ts). The only module that reads or writes file docs.
import {
  CHUNK_ID_PREFIX,
  CHUNK_SIZE,
  FILE_ID_PREFIX,
  FILE_SCHEMA_VERSION,
  Sha256,
  compareFilesNewestFirst,
  formatSize,
  newFileId,
  normaliseFolder,
  type AddProgress,
  type FileEntry,
  type FileId,
  type StoredFile,
} from '../domain/file';
import { randomId } from '../domain/ids';
import {
  blobBody,
  chunkStates,
  hashInSlices,
  isQuotaError,
  readChunk,
  releaseChunks,
  restoreChunks,
  sha256Hex,
  writeChunk,
  yieldToEventLoop,
  type AttachmentBody,
} from './chunks';
import { conflictMarks, deletedFileLeaves, type ConflictMarks } from './fileLeaves';
import { deletedLeafRevs } from './notes';

/** A file document as stored and replicated. */
interface FileDoc {
  _id: FileId;
  _rev?: string;
  type: 'file';
  schemaVersion: number;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  chunks: string[];
  /**
   * The revision of each chunk when this file was added: deleting the file
   * frees a chunk only while it is still at that revision (chunks.ts).
   */
  chunkRevs?: Record<string, string>;
  addedAt: string;
  addedBy: string;
  updatedAt: string;
  updatedBy: string;
  folder: string;
  /** Deleted leaves from other devices that a person overruled by keeping the file (see storage/fileConflicts.ts). */
  keptDespiteDeletion?: string[];
  _attachments?: Record<string, unknown>;
}

/** Why a file could not be added or read. */
export type FileErrorCode = 'no-space' | 'storage-full' | 'incomplete' | 'corrupt' | 'not-found';

/** A file operation that failed for a reason a person should be told. */
export class FileError extends Error {
  override readonly name = 'FileError';
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the store needs from its surroundings; injected so it runs in Node tests too. */
export interface FilesStoreOptions {
  deviceName?: () => string;
  now?: () => Date;
  /** `navigator.storage.estimate`, when the browser has it. */
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  attachmentBody?: AttachmentBody;
}

/** What to add: a browser File (or any Blob with a name). */
export interface AddInput {
  file: Blob & { name: string };
  folder?: string;
  /** A small JPEG made by the UI, stored as attachment `thumb` on the file doc so it syncs with it. */
  thumbnail?: Blob;
  onProgress?: (progress: AddProgress) => void;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Reads a stored document defensively: a peer may send anything. */
export function toStoredFile(doc: Record<string, unknown>): StoredFile {
  const chunks = Array.isArray(doc['chunks']) ? doc['chunks'].filter((c): c is string => typeof c === 'string') : [];
  const attachments = doc['_attachments'] as Record<string, unknown> | undefined;
  return {
    id: doc['_id'] as FileId,
    rev: text(doc['_rev']),
    name: text(doc['name']) || 'unnamed',
    mimeType: text(doc['mimeType']) || 'application/octet-stream',
    size: typeof doc['size'] === 'number' ? doc['size'] : 0,
    sha256: text(doc['sha256']),
    chunks,
    addedAt: text(doc['addedAt']),
    addedBy: text(doc['addedBy']),
    updatedAt: text(doc['updatedAt']) || text(doc['addedAt']),
    updatedBy: text(doc['updatedBy']),
    folder: normaliseFolder(text(doc['folder'])),
    hasThumbnail: !!attachments?.['thumb'],
  };
}

/** Files on top of one local PouchDB. Adding works offline; content syncs like any document. */
export class FilesStore {
  private readonly deviceName: () => string;
  private readonly now: () => Date;
  private readonly toBody: AttachmentBody;
  /** `hash@deletionRev` of pieces {@link partsHere} found it cannot bring back. */
  private readonly unrestorable = new Set<string>();

  constructor(
    private readonly db: PouchDB.Database,
    private readonly options: FilesStoreOptions = {},
  ) {
    this.deviceName = options.deviceName ?? (() => 'this device');
    this.now = options.now ?? (() => new Date());
    this.toBody = options.attachmentBody ?? blobBody;
  }

  /**
   * Adds a file: chunks first, the file document last, so a file document
   * never points at chunks its own device lacks.
   * @throws {FileError} `no-space` before writing anything when the file does
   * not fit; `storage-full` when storage ran out midway (the file is then not
   * listed; chunks already written stay and are reused by a retry).
   */
  async add(input: AddInput): Promise<StoredFile> {
    const { file, onProgress } = input;
    await this.checkSpace(file);
    const whole = new Sha256();
    const chunks: string[] = [];
    const chunkRevs: Record<string, string> = {};
    const progress: AddProgress = { bytesHashed: 0, bytesWritten: 0, total: file.size };
    try {
      for (let start = 0; start < file.size; start += CHUNK_SIZE) {
        // One chunk in memory at a time, and the event loop runs between chunks.
        const bytes = new Uint8Array(await file.slice(start, start + CHUNK_SIZE).arrayBuffer());
        const hash = await sha256Hex(bytes);
        await hashInSlices(whole, bytes);
        progress.bytesHashed += bytes.byteLength;
        onProgress?.({ ...progress });
        // A part repeated within the file (a run of zeros) is written once.
        chunkRevs[hash] ??= await writeChunk(this.db, hash, bytes, this.toBody);
        chunks.push(hash);
        progress.bytesWritten += bytes.byteLength;
        onProgress?.({ ...progress });
        await yieldToEventLoop();
      }
      return await this.writeFileDoc(input, whole.hex(), chunks, chunkRevs);
    } catch (err) {
      if (isQuotaError(err)) {
        throw new FileError('storage-full', `This device ran out of storage while adding “${file.name}”; it was not added.`);
      }
      throw err;
    }
  }

  private async checkSpace(file: Blob & { name: string }): Promise<void> {
    const estimate = await this.options.estimate?.().catch(() => undefined);
    if (estimate?.quota === undefined || estimate.usage === undefined) return;
    const free = estimate.quota - estimate.usage;
    if (file.size > free) {
      throw new FileError(
        'no-space',
        `“${file.name}” needs ${formatSize(file.size)}, but this device has only ${formatSize(Math.max(0, free))} free for the app.`,
      );
    }
  }

  private async writeFileDoc(
    input: AddInput,
    sha256: string,
    chunks: string[],
    chunkRevs: Record<string, string>,
  ): Promise<StoredFile> {
    const at = this.now().toISOString();
    const by = this.deviceName();
    const thumb = input.thumbnail;
    const doc: FileDoc = {
      _id: newFileId(randomId),
      type: 'file',
      schemaVersion: FILE_SCHEMA_VERSION,
      name: input.file.name || 'unnamed',
      mimeType: input.file.type || 'application/octet-stream',
      size: input.file.size,
      sha256,
      chunks,
      chunkRevs,
      addedAt: at,
      addedBy: by,
      updatedAt: at,
      updatedBy: by,
      folder: normaliseFolder(input.folder ?? ''),
      ...(thumb
        ? {
            _attachments: {
              thumb: { content_type: thumb.type || 'image/jpeg', data: this.toBody(new Uint8Array(await thumb.arrayBuffer())) },
            },
          }
        : {}),
    };
    const res = await this.db.put(doc as unknown as PouchDB.Core.PutDocument<object>);
    return toStoredFile({ ...doc, _rev: res.rev });
  }

  /**
   * Every file, newest first, each with how many of its parts are on this
   * device and whether it has competing versions or was deleted elsewhere.
   */
  async list(): Promise<FileEntry[]> {
    const res = await this.db.allDocs({
      include_docs: true,
      conflicts: true,
      startkey: FILE_ID_PREFIX,
      endkey: `${FILE_ID_PREFIX}\uffff`,
    });
    const deletedLeaves = await deletedFileLeaves(this.db);
    const files = res.rows.flatMap((row) => {
      if (!row.doc) return [];
      const doc = row.doc as unknown as Record<string, unknown>;
      return [{ file: toStoredFile(doc), marks: conflictMarks(doc, deletedLeaves.get(row.id)) }];
    });
    const restorable = new Set(files.flatMap((f) => (deletedLeaves.get(f.file.id)?.length ? f.file.chunks : [])));
    const present = await this.partsHere(files.flatMap((f) => f.file.chunks), restorable);
    return files.map(({ file, marks }) => withPresence(file, present, marks)).sort(compareFilesNewestFirst);
  }

  async get(id: FileId): Promise<FileEntry | undefined> {
    let doc: Record<string, unknown>;
    try {
      doc = (await this.db.get(id, { conflicts: true })) as unknown as Record<string, unknown>;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
    const file = toStoredFile(doc);
    const deletedLeaves = await deletedLeafRevs(this.db, id);
    const marks = conflictMarks(doc, deletedLeaves);
    return withPresence(file, await this.partsHere(file.chunks, new Set(deletedLeaves.length ? file.chunks : [])), marks);
  }

  /**
   * Brings back, as soon as it can, the parts of a file that another device
   * deleted while this one kept it (renamed or moved it at the same time);
   * see {@link partsHere}. Without this, they came back only when someone
   * opened the file list on a device that still held them, and every other
   * device showed the file incomplete until then.
   * @remarks Looks again whenever a part is deleted or a file changes: the
   * file's deleted revision and its parts' deletions may arrive in either
   * order (a peer's changes feed promises no order between documents).
   * @param onError told of a pass that failed; the next change, or the next listing, tries again.
   * @returns a handler to call with every change of the database (watchChanges in changes.ts);
   *   the caller's own feed, as each live feed reads the database again after every write.
   */
  freedPartsWatcher(onError: (err: unknown) => void): (docId: string, isDeleted: boolean) => void {
    let isWanted = false;
    let pass: Promise<void> | undefined;
    const drain = async () => {
      // Changes that arrive during a pass (a file's hundred parts) make one more pass.
      while (isWanted) {
        isWanted = false;
        await this.restoreKeptFilesParts().catch(onError);
      }
      pass = undefined;
    };
    return (id, isDeleted) => {
      if (!(isDeleted && id.startsWith(CHUNK_ID_PREFIX)) && !id.startsWith(FILE_ID_PREFIX)) return;
      isWanted = true;
      // After this turn of the event loop: a batch of changes is one pass.
      pass ??= Promise.resolve().then(drain);
    };
  }

  /** Restores the deleted parts of every file that exists here and has a deleted revision (kept against a deletion). */
  private async restoreKeptFilesParts(): Promise<void> {
    const deletedLeaves = await deletedFileLeaves(this.db);
    const ids = [...deletedLeaves].filter(([, revs]) => revs.length > 0).map(([id]) => id);
    if (ids.length === 0) return;
    const res = await this.db.allDocs({ keys: ids, include_docs: true });
    const chunks = res.rows.flatMap((row) => ('doc' in row && row.doc ? toStoredFile(row.doc as unknown as Record<string, unknown>).chunks : []));
    if (chunks.length > 0) await this.partsHere(chunks, new Set(chunks));
  }

  /**
   * Which of these parts (of files that exist) are on this device. A part
   * freed by the file's deletion on another device, while this file was kept
   * (renamed or moved there or here at the same time), is brought back first
   * where this device still holds its content (restoreChunks in chunks.ts).
   * @param restorable the parts of files that have a deleted revision: only
   *   those are brought back. A part freed with a file not (yet) seen here as
   *   deleted is left alone: its file's deletion may still be on its way, and
   *   a part brought back then would be stored everywhere, used by nothing.
   */
  private async partsHere(hashes: readonly string[], restorable: ReadonlySet<string>): Promise<ReadonlySet<string>> {
    const { present, deleted } = await chunkStates(this.db, hashes);
    // A deletion this device cannot undo (it compacted the content) is not tried again at
    // every listing: during a transfer the list is read many times a second.
    const worthTrying = new Map(
      [...deleted].filter(([hash, rev]) => restorable.has(hash) && !this.unrestorable.has(`${hash}@${rev}`)),
    );
    if (worthTrying.size === 0) return present;
    const restored = new Set(await restoreChunks(this.db, worthTrying, this.toBody));
    for (const [hash, rev] of worthTrying) {
      if (restored.has(hash)) present.add(hash);
      else this.unrestorable.add(`${hash}@${rev}`);
    }
    return present;
  }

  /**
   * The file's content, assembled from its chunks in order and checked
   * against its SHA-256, so a corrupt or partial file is never handed out.
   * @throws {FileError} `incomplete` when a part is not here yet, `corrupt` on a hash mismatch.
   */
  async read(id: FileId, onProgress?: (bytesRead: number) => void): Promise<Blob> {
    const file = await this.get(id);
    if (!file) throw new FileError('not-found', 'That file no longer exists.');
    if (!file.isComplete) throw new FileError('incomplete', incompleteMessage(file));
    const whole = new Sha256();
    const parts: Blob[] = [];
    let read = 0;
    for (const hash of file.chunks) {
      const part = await readChunk(this.db, hash);
      if (!part) throw new FileError('incomplete', incompleteMessage(file));
      const bytes = new Uint8Array(await part.arrayBuffer());
      if ((await sha256Hex(bytes)) !== hash) throw corrupt(file);
      await hashInSlices(whole, bytes);
      // Keep the stored Blob, not the bytes: the browser keeps it on disk.
      parts.push(part);
      read += bytes.byteLength;
      onProgress?.(read);
      await yieldToEventLoop();
    }
    if (read !== file.size || whole.hex() !== file.sha256) throw corrupt(file);
    return new Blob(parts, { type: file.mimeType });
  }

  /** The stored thumbnail, if the file has one. */
  async thumbnail(id: FileId): Promise<Blob | undefined> {
    try {
      const data = (await this.db.getAttachment(id, 'thumb')) as Blob | Uint8Array;
      return data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }

  async rename(id: FileId, name: string): Promise<StoredFile> {
    const trimmed = name.trim();
    return this.update(id, (doc) => ({ ...doc, name: trimmed || doc.name }));
  }

  async move(id: FileId, folder: string): Promise<StoredFile> {
    return this.update(id, (doc) => ({ ...doc, folder: normaliseFolder(folder) }));
  }

  /**
   * Deletes the file document (on every device, once synced), and frees the
   * parts no other file here uses (releaseChunks in chunks.ts says when a
   * part is safe to free even while other devices add files).
   */
  async remove(id: FileId): Promise<void> {
    const current = await this.getDoc(id);
    if (!current?._rev) return;
    await this.db.put({
      _id: id,
      _rev: current._rev,
      _deleted: true,
      type: 'file',
      updatedAt: this.now().toISOString(),
      updatedBy: this.deviceName(),
    });
    await releaseFileChunks(this.db, current as unknown as Record<string, unknown>);
  }

  /** Writes a change on top of the newest local revision, retrying when another tab wrote in between. */
  private async update(id: FileId, change: (doc: FileDoc) => FileDoc): Promise<StoredFile> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.getDoc(id);
      if (!current) throw new FileError('not-found', 'That file no longer exists.');
      const doc = { ...change(current), updatedAt: this.now().toISOString(), updatedBy: this.deviceName() };
      try {
        const res = await this.db.put(doc as unknown as PouchDB.Core.PutDocument<object>);
        return toStoredFile({ ...doc, _rev: res.rev });
      } catch (err) {
        if ((err as { status?: number }).status !== 409 || attempt >= 3) throw err;
      }
    }
  }

  private async getDoc(id: FileId): Promise<FileDoc | undefined> {
    try {
      return (await this.db.get(id)) as unknown as FileDoc;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
  }
}

/**
 * Frees the parts of a file just deleted here (`doc`: its last live
 * revision) that no file here uses any more, at the revisions the file
 * recorded (releaseChunks in chunks.ts). A file kept elsewhere at the same
 * time gets them back (restoreChunks).
 */
export async function releaseFileChunks(db: PouchDB.Database, doc: Record<string, unknown>): Promise<void> {
  // Read defensively, like every stored field: a peer may send anything.
  const recorded = doc['chunkRevs'];
  if (!recorded || typeof recorded !== 'object') return;
  const chunkRevs = Object.fromEntries(Object.entries(recorded).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  const res = await db.allDocs({ include_docs: true, startkey: FILE_ID_PREFIX, endkey: `${FILE_ID_PREFIX}\uffff` });
  const stillUsed = new Set(res.rows.flatMap((row) => (row.doc ? toStoredFile(row.doc as unknown as Record<string, unknown>).chunks : [])));
  await releaseChunks(db, chunkRevs, stillUsed);
}

function withPresence(file: StoredFile, present: ReadonlySet<string>, marks: ConflictMarks): FileEntry {
  const distinct = new Set(file.chunks);
  const here = [...distinct].filter((hash) => present.has(hash)).length;
  return { ...file, presence: { present: here, total: distinct.size }, isComplete: here === distinct.size, ...marks };
}

function incompleteMessage(file: FileEntry): string {
  return `“${file.name}” is not complete on this device yet: ${file.presence.present} of ${file.presence.total} parts here.`;
}

function corrupt(file: StoredFile): FileError {
  return new FileError('corrupt', `“${file.name}” does not match its fingerprint (SHA-256); it was not opened.`);
}

// Export of everything on this device as one zip of plain files (the layout
// of domain/exportManifest.ts), built as a stream: one note page or one file
// part (1 MiB) is in the page's memory at a time, and the zip itself
// collects in a Blob, which the browser keeps outside the JavaScript heap
// (on disk when large). Reads notes, files and chunks; writes nothing.
//
// Written with fflate's streaming Zip: synchronous and about 0.1 ms per
// note, where zip.js (used to read zips, importSources.ts) took 3-5 ms per
// entry in its stream plumbing, 40 s for 10,000 notes. fflate writes no
// zip64, hence the limits below, refused up front rather than written broken.
import { Zip, ZipPassThrough } from 'fflate';
import { FILE_ID_PREFIX, FILE_SCHEMA_VERSION } from '../domain/file';
import { NOTE_ID_PREFIX } from '../domain/ids';
import {
  EXPORT_FORMAT,
  MANIFEST_PATH,
  NameAllocator,
  filePath,
  historyOf,
  noteFile,
  noteVersionOf,
  type Manifest,
  type ManifestFile,
} from '../domain/exportManifest';
import { breather } from './breather';
import { presentChunks, readChunk } from './chunks';
import { toStoredFile } from './files';

/** Documents read per request: keeps each read short on a phone (see NotesStore.readAll). */
const PAGE = 500;
/** Zip without zip64: at most 65,535 entries and offsets below 4 GiB (with room for the notes and manifest). */
export const EXPORT_LIMITS = { entries: 65_535, bytes: 4 * 1024 ** 3 - 256 * 1024 ** 2 } as const;
/** Zip output gathered before it is handed to a Blob (out of the page's heap). */
const FLUSH_BYTES = 4 * 1024 * 1024;

/** How far an export has got. */
export interface ExportProgress {
  notesDone: number;
  notesTotal: number;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** A finished export. */
export interface ExportResult {
  zip: Blob;
  notes: number;
  files: number;
  /** What was left out, and why (a file whose parts have not all arrived here). */
  skipped: { id: string; reason: string }[];
}

/** Options of {@link exportArchive}. */
export interface ExportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  now?: () => Date;
}

type Doc = Record<string, unknown>;

/**
 * Builds the export zip of everything on this device.
 * @throws the signal's reason (an AbortError) when cancelled; nothing is kept.
 */
export async function exportArchive(db: PouchDB.Database, options: ExportOptions = {}): Promise<ExportResult> {
  const { signal } = options;
  const breathe = breather();
  const zip = new ZipStream();
  const names = new NameAllocator();
  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    source: 'this device',
    notes: [],
    files: [],
    skipped: [],
  };
  const noteIds = await idsWithPrefix(db, NOTE_ID_PREFIX);
  const fileDocs = await docsWithPrefix(db, FILE_ID_PREFIX);
  const progress: ExportProgress = {
    notesDone: 0,
    notesTotal: noteIds.length,
    filesDone: 0,
    filesTotal: fileDocs.length,
    bytesDone: 0,
    bytesTotal: fileDocs.reduce((sum, doc) => sum + toStoredFile(doc).size, 0),
  };
  if (progress.bytesTotal > EXPORT_LIMITS.bytes || noteIds.length + fileDocs.length >= EXPORT_LIMITS.entries) {
    throw new Error('this device holds more than an export can take yet (4 GB, or 65,535 notes and files); nothing was exported');
  }
  const report = () => options.onProgress?.({ ...progress });
  report();
  try {
    for (let i = 0; i < noteIds.length; i += PAGE) {
      signal?.throwIfAborted();
      for (const version of await noteVersions(db, noteIds.slice(i, i + PAGE))) {
        const { path, text, entry } = noteFile(version, names);
        zip.add(path, validDate(version.updatedAt), [new TextEncoder().encode(text)]);
        manifest.notes.push(entry);
        if (!version.isConflict) progress.notesDone += 1;
        if (breathe.isDue()) {
          report();
          await breathe.pause();
          signal?.throwIfAborted();
        }
      }
      report();
    }
    for (const doc of fileDocs) {
      signal?.throwIfAborted();
      const entry = await addFile(db, zip, doc, names, (bytes) => {
        progress.bytesDone += bytes;
        report();
      }, signal);
      if ('reason' in entry) manifest.skipped.push(entry);
      else manifest.files.push(entry);
      progress.filesDone += 1;
      report();
    }
    zip.add(MANIFEST_PATH, undefined, [new TextEncoder().encode(JSON.stringify(manifest, null, 1))]);
    return { zip: zip.close(), notes: progress.notesDone, files: manifest.files.length, skipped: manifest.skipped };
  } catch (err) {
    zip.terminate();
    throw err;
  }
}

/**
 * fflate's Zip with its output gathered into Blobs a few MB at a time, so
 * what is written leaves the page's heap as it goes.
 */
class ZipStream {
  private readonly parts: Blob[] = [];
  private pending: Uint8Array<ArrayBuffer>[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private readonly zip = new Zip((err, chunk) => {
    if (err) this.failure = err;
    else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.byteLength;
      if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    }
  });

  /** Starts an entry (stored: notes are small and files mostly compressed already) and returns the function that feeds it. */
  open(path: string, modified: Date | undefined): (bytes: Uint8Array, isLast: boolean) => void {
    const entry = new ZipPassThrough(path);
    if (modified) entry.mtime = modified;
    this.zip.add(entry);
    return (bytes, isLast) => {
      entry.push(bytes, isLast);
      if (this.failure) throw this.failure;
    };
  }

  add(path: string, modified: Date | undefined, content: Uint8Array[]): void {
    const feed = this.open(path, modified);
    if (content.length === 0) feed(new Uint8Array(0), true);
    content.forEach((bytes, i) => feed(bytes, i === content.length - 1));
  }

  close(): Blob {
    this.zip.end();
    if (this.failure) throw this.failure;
    this.flush();
    return new Blob(this.parts, { type: 'application/zip' });
  }

  terminate(): void {
    this.zip.terminate();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(new Blob(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Writes one file's content, part by part, and returns its manifest entry, or why it was left out. */
async function addFile(
  db: PouchDB.Database,
  zip: ZipStream,
  doc: Doc,
  names: NameAllocator,
  onBytes: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<ManifestFile | { id: string; reason: string }> {
  const file = toStoredFile(doc);
  const distinct = new Set(file.chunks);
  const here = await presentChunks(db, distinct);
  if (here.size < distinct.size) {
    return { id: file.id, reason: `“${file.name}” is not complete on this device (${here.size} of ${distinct.size} parts here)` };
  }
  const path = filePath(file, names);
  const feed = zip.open(path, validDate(file.updatedAt));
  if (file.chunks.length === 0) feed(new Uint8Array(0), true);
  // One part in memory at a time: read, handed to the zip, gone into its Blob.
  for (const [i, hash] of file.chunks.entries()) {
    signal?.throwIfAborted();
    const part = await readChunk(db, hash);
    if (!part) throw new Error(`a part of “${file.name}” disappeared during the export`);
    const bytes = new Uint8Array(await part.arrayBuffer());
    feed(bytes, i === file.chunks.length - 1);
    onBytes(bytes.byteLength);
  }
  return {
    id: file.id,
    rev: file.rev,
    path,
    sha256: file.sha256,
    size: file.size,
    name: file.name,
    folder: file.folder,
    mimeType: file.mimeType,
    chunks: file.chunks,
    addedAt: file.addedAt,
    addedBy: file.addedBy,
    updatedAt: file.updatedAt,
    updatedBy: file.updatedBy,
    schemaVersion: typeof doc['schemaVersion'] === 'number' ? doc['schemaVersion'] : FILE_SCHEMA_VERSION,
    revisions: historyOf(doc),
  };
}

/** The current version of each note, and each competing version of one with conflicts, with their histories. */
async function noteVersions(db: PouchDB.Database, ids: string[]) {
  const res = await db.allDocs({ keys: ids, include_docs: true, conflicts: true });
  const wanted: { id: string; rev: string }[] = [];
  for (const row of res.rows) {
    if (!('doc' in row) || !row.doc) continue;
    const doc = row.doc as unknown as Doc;
    wanted.push({ id: row.id, rev: String(doc['_rev']) });
    const conflicts = doc['_conflicts'];
    if (Array.isArray(conflicts)) for (const rev of conflicts) wanted.push({ id: row.id, rev: String(rev) });
  }
  if (wanted.length === 0) return [];
  const winners = new Set(wanted.filter((_, i) => i === 0 || wanted[i - 1]?.id !== wanted[i]?.id).map((w) => `${w.id}@${w.rev}`));
  const got = await db.bulkGet({ docs: wanted, revs: true });
  return got.results.flatMap((result) =>
    result.docs.flatMap((d) => ('ok' in d ? [noteVersionOf(d.ok as unknown as Doc, !winners.has(`${result.id}@${String(d.ok._rev)}`))] : [])),
  );
}

async function idsWithPrefix(db: PouchDB.Database, prefix: string): Promise<string[]> {
  const res = await db.allDocs({ startkey: prefix, endkey: `${prefix}\uffff` });
  return res.rows.map((row) => row.id);
}

/** Every document of a kind (file documents are small: names and part lists), with its history. */
async function docsWithPrefix(db: PouchDB.Database, prefix: string): Promise<Doc[]> {
  const ids = await idsWithPrefix(db, prefix);
  const docs: Doc[] = [];
  for (let i = 0; i < ids.length; i += PAGE) {
    const res = await db.allDocs({ keys: ids.slice(i, i + PAGE), include_docs: true });
    const wanted = res.rows.flatMap((row) => ('doc' in row && row.doc ? [{ id: row.id, rev: row.doc._rev }] : []));
    if (wanted.length === 0) continue;
    const got = await db.bulkGet({ docs: wanted, revs: true });
    for (const result of got.results) for (const d of result.docs) if ('ok' in d) docs.push(d.ok as unknown as Doc);
  }
  return docs;
}

function validDate(value: string): Date | undefined {
  const time = Date.parse(value);
  // Zip dates run from 1980 to 2099.
  return Number.isNaN(time) || time < Date.UTC(1980, 0, 2) || time >= Date.UTC(2099, 11, 31) ? undefined : new Date(time);
}

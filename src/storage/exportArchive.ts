// Export of everything on this device as one zip of plain files (the layout
// of domain/exportManifest.ts), built as a stream: one note page or one file
// part (1 MiB) is in the page's memory at a time, and the zip itself
// collects in a Blob, which the browser keeps outside the JavaScript heap
// (on disk when large). Reads notes, files and chunks; writes nothing.
import { BlobWriter, TextReader, ZipWriter, configure } from '@zip.js/zip.js/lib/zip-core-native.js';
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
import { presentChunks, readChunk } from './chunks';
import { toStoredFile } from './files';

// No Web Workers: the app's Content-Security-Policy allows none from blob:
// URLs, and a zip of stored parts needs no compression worker anyway.
configure({ useWebWorkers: false });

/** Documents read per request: keeps each read short on a phone (see NotesStore.readAll). */
const PAGE = 500;
/** Longest stretch of work before the page gets to render and take input. */
const SLICE_MS = 12;

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
  const zip = new ZipWriter(new BlobWriter('application/zip'), { useWebWorkers: false, signal });
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
  const report = () => options.onProgress?.({ ...progress });
  report();

  for (let i = 0; i < noteIds.length; i += PAGE) {
    signal?.throwIfAborted();
    for (const version of await noteVersions(db, noteIds.slice(i, i + PAGE))) {
      const { path, text, entry } = noteFile(version, names);
      const lastModDate = validDate(version.updatedAt);
      await zip.add(path, new TextReader(text), { level: 0, ...(lastModDate ? { lastModDate } : {}) });
      manifest.notes.push(entry);
      if (!version.isConflict) progress.notesDone += 1;
      if (breathe.isDue()) {
        report();
        await breathe.pause();
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

  await zip.add(MANIFEST_PATH, new TextReader(JSON.stringify(manifest, null, 1)), { level: 0 });
  const blob = await zip.close();
  return { zip: blob, notes: progress.notesDone, files: manifest.files.length, skipped: manifest.skipped };
}

/** Writes one file's content, part by part, and returns its manifest entry, or why it was left out. */
async function addFile(
  db: PouchDB.Database,
  zip: ZipWriter<Blob>,
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
  let next = 0;
  // One part in memory at a time: the zip asks for the next when it has written the last.
  const content = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const hash = file.chunks[next];
      next += 1;
      if (hash === undefined) return controller.close();
      const part = await readChunk(db, hash);
      if (!part) return controller.error(new Error(`a part of “${file.name}” disappeared during the export`));
      const bytes = new Uint8Array(await part.arrayBuffer());
      onBytes(bytes.byteLength);
      controller.enqueue(bytes);
    },
  });
  const lastModDate = validDate(file.updatedAt);
  await zip.add(path, content, { level: 0, uncompressedSize: file.size, signal, ...(lastModDate ? { lastModDate } : {}) });
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
  // Zip dates start in 1980.
  return Number.isNaN(time) || time < Date.UTC(1980, 0, 2) ? undefined : new Date(time);
}

/**
 * Tells a loop when it has run long enough to let the page render and take
 * input: the zip's promises are microtasks, which alone never give the page a turn.
 */
export function breather(sliceMs = SLICE_MS): { isDue: () => boolean; pause: () => Promise<void> } {
  let since = performance.now();
  return {
    isDue: () => performance.now() - since > sliceMs,
    pause: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    },
  };
}

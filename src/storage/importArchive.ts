// Import of a p2pcloud export, or of any zip or folder of .md/.txt files,
// into this device's PouchDB. Every note is written as a revision with its
// history (new_edits: false), exactly as replication writes one: a version
// this device already has changes nothing, and a version made apart from
// this device's newer one becomes a conflict to settle, never an overwrite.
import { isNoteId } from '../domain/ids';
import {
  FILES_FOLDER,
  MANIFEST_PATH,
  editRevision,
  firstRevision,
  historyOfRev,
  parseManifest,
  sha256OfText,
  type Manifest,
  type ManifestNote,
  type RevisionHistory,
} from '../domain/exportManifest';
import { frontText, parseNoteFile } from '../domain/frontMatter';
import { splitExtension } from '../domain/exportNames';
import { NOTE_SCHEMA_VERSION } from '../domain/note';
import { breather } from './breather';
import { importFile } from './importFiles';
import { ImportError, readAll, type ImportEntry } from './importSources';
import type { AttachmentBody } from './chunks';

/** What an import did. */
export interface ImportSummary {
  notes: { added: number; updated: number; conflicts: number; unchanged: number };
  files: { added: number; unchanged: number };
  /** Each entry left out, with the reason. */
  skipped: { path: string; reason: string }[];
  /** Set when something stopped the import midway: what is counted above is in, the rest is not. */
  stoppedBy?: string;
}

/** What an import needs from its surroundings. */
export interface ImportOptions {
  deviceName: () => string;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** How chunk content is stored (a Blob in the browser, a Buffer in Node tests). */
  attachmentBody: AttachmentBody;
}

/** Largest note file read: far beyond any note, small enough to hold. */
const MAX_NOTE_BYTES = 16 * 1024 * 1024;
const NOTE_BATCH = 200;

type NoteDoc = Record<string, unknown> & { _id: string; _rev: string; _revisions: RevisionHistory };

/**
 * Imports entries from a zip or folder (importSources.ts).
 * @throws {ImportError} when p2pcloud.json is damaged: nothing is imported.
 */
export async function importEntries(db: PouchDB.Database, all: ImportEntry[], options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { notes: { added: 0, updated: 0, conflicts: 0, unchanged: 0 }, files: { added: 0, unchanged: 0 }, skipped: [] };
  const entries = withoutCommonFolder(all);
  const usable = usableEntries(entries, summary);
  const manifestEntry = usable.get(MANIFEST_PATH);
  let manifest: Manifest | undefined;
  if (manifestEntry) {
    const parsed = parseManifest(new TextDecoder().decode(await readAll(manifestEntry, options.signal)));
    if ('problem' in parsed) throw new ImportError(`${parsed.problem}. Nothing was imported.`);
    manifest = parsed.manifest;
    usable.delete(MANIFEST_PATH);
  }
  const notesByPath = new Map((manifest?.notes ?? []).map((n) => [n.path, n]));
  const filesByPath = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  const notes: ImportEntry[] = [];
  for (const [path, entry] of usable) {
    if (filesByPath.has(path)) continue;
    if (/\.(md|markdown|txt)$/i.test(path) && !(manifest && path.startsWith(`${FILES_FOLDER}/`))) notes.push(entry);
    else summary.skipped.push({ path, reason: manifest ? 'not listed in p2pcloud.json' : 'not a note (.md or .txt)' });
  }
  const total = notes.length + filesByPath.size;
  let done = 0;
  try {
    for (let i = 0; i < notes.length; i += NOTE_BATCH) {
      options.signal?.throwIfAborted();
      const batch = notes.slice(i, i + NOTE_BATCH);
      await importNotes(db, batch, notesByPath, options, summary);
      done += batch.length;
      options.onProgress?.(done, total);
    }
    for (const [path, listed] of filesByPath) {
      options.signal?.throwIfAborted();
      const entry = usable.get(path);
      if (!entry) summary.skipped.push({ path, reason: 'listed in p2pcloud.json but not in the archive' });
      else await importFile(db, entry, listed, options, summary);
      done += 1;
      options.onProgress?.(done, total);
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    summary.stoppedBy = err instanceof Error ? `${err.name === 'AbortError' ? 'Cancelled' : err.message}` : String(err);
  }
  for (const listed of manifest?.notes ?? []) {
    if (!usable.has(listed.path)) summary.skipped.push({ path: listed.path, reason: 'listed in p2pcloud.json but not in the archive' });
  }
  return summary;
}

/** A picked folder's entries all start with the folder's name; an extracted export re-zipped may too. */
function withoutCommonFolder(entries: ImportEntry[]): ImportEntry[] {
  const first = entries.find((e) => !e.problem)?.path.split('/')[0];
  if (!first || !entries.every((e) => e.problem || e.path.startsWith(`${first}/`))) return entries;
  return entries.map((e) => (e.problem ? e : { ...e, path: e.path.slice(first.length + 1) }));
}

/** Entries by path, leaving out (with the reason) those with a problem and every entry of a name used twice. */
function usableEntries(entries: ImportEntry[], summary: ImportSummary): Map<string, ImportEntry> {
  const byPath = new Map<string, ImportEntry[]>();
  for (const entry of entries) {
    if (entry.problem) summary.skipped.push({ path: entry.path, reason: entry.problem });
    else byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), entry]);
  }
  const usable = new Map<string, ImportEntry>();
  for (const [path, same] of byPath) {
    if (same.length > 1) summary.skipped.push({ path, reason: `${same.length} entries have this name; none was imported` });
    else if (same[0]) usable.set(path, same[0]);
  }
  return usable;
}

/** Imports a batch of note files: the revisions this device lacks are written, with their histories. */
async function importNotes(
  db: PouchDB.Database,
  entries: ImportEntry[],
  listed: ReadonlyMap<string, ManifestNote>,
  options: ImportOptions,
  summary: ImportSummary,
): Promise<void> {
  const docs: NoteDoc[] = [];
  const breathe = breather();
  for (const entry of entries) {
    await breathe.maybePause();
    if (entry.size > MAX_NOTE_BYTES) {
      summary.skipped.push({ path: entry.path, reason: 'too large for a note (over 16 MB)' });
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readAll(entry, options.signal));
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      summary.skipped.push({ path: entry.path, reason: err instanceof TypeError ? 'not UTF-8 text' : `damaged (${(err as Error).message})` });
      continue;
    }
    docs.push(noteDocFor(entry.path, text, listed.get(entry.path), options));
  }
  // Two files that are one version (copies of a note file) are one write.
  const unique = [...new Map(docs.map((d) => [`${d._id}@${d._rev}`, d])).values()];
  if (unique.length === 0) return;
  const missing = await db.revsDiff(Object.fromEntries(groupRevs(unique)));
  const before = await db.allDocs({ keys: [...new Set(unique.map((d) => d._id))] });
  const current = new Map(before.rows.map((row) => [row.key, 'value' in row && row.value ? row.value : undefined]));
  const toWrite: NoteDoc[] = [];
  for (const doc of unique) {
    const isMissing = missing[doc._id]?.missing?.includes(doc._rev) ?? false;
    const here = current.get(doc._id);
    if (!isMissing) {
      if (here?.deleted) summary.skipped.push({ path: String(doc['path']), reason: 'deleted on this device after this export' });
      else summary.notes.unchanged += 1;
      continue;
    }
    const parent = doc._revisions.ids[1] ? `${doc._revisions.start - 1}-${doc._revisions.ids[1]}` : undefined;
    if (!here || here.deleted) summary.notes.added += 1;
    else if (here.rev === parent) summary.notes.updated += 1;
    else summary.notes.conflicts += 1;
    // A second version of the same note in this batch competes with the first.
    current.set(doc._id, { rev: doc._rev });
    toWrite.push(doc);
  }
  // `path` is only for the summary, never stored.
  const written = await db.bulkDocs(
    toWrite.map((doc) => Object.fromEntries(Object.entries(doc).filter(([key]) => key !== 'path'))),
    { new_edits: false },
  );
  const failed = written.find((r) => 'error' in r && r.error);
  if (failed) throw new Error(`a note could not be written (${String((failed as { message?: string }).message ?? 'error')})`);
}

function groupRevs(docs: NoteDoc[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const doc of docs) out.set(doc._id, [...(out.get(doc._id) ?? []), doc._rev]);
  return out;
}

/**
 * The revision a note file stands for: the exported one itself when the file
 * is as exported; an edit of it when the file was changed since (an edit of
 * the revision its front matter names); or, for a note from elsewhere, a
 * first revision whose id comes from its path, so importing it again finds it.
 */
function noteDocFor(path: string, text: string, listed: ManifestNote | undefined, options: ImportOptions): NoteDoc & { path: string } {
  const { data, body } = parseNoteFile(text);
  const stem = splitExtension(path.split('/').pop() ?? path).stem;
  const frontId = frontText(data, 'id');
  const id = frontId && isNoteId(frontId) && /^note:[\w.-]{1,100}$/.test(frontId) ? frontId : (listed?.id ?? `note:import-${sha256OfText(`import\n${path}`).slice(0, 24)}`);
  const title = frontText(data, 'title') ?? stem;
  const at = (options.now ?? (() => new Date()))().toISOString();
  const fields = {
    _id: id,
    type: 'note',
    schemaVersion: listed?.schemaVersion ?? NOTE_SCHEMA_VERSION,
    title,
    body,
    createdAt: frontText(data, 'created') ?? at,
    updatedAt: frontText(data, 'updated') ?? at,
    updatedBy: frontText(data, 'device') ?? options.deviceName(),
    path,
  };
  if (listed && listed.id === id && sha256OfText(text) === listed.sha256) {
    return { ...fields, _rev: listed.rev, _revisions: listed.revisions };
  }
  const base = listed && listed.id === id ? listed.revisions : historyOfRev(frontText(data, 'revision') ?? '');
  const content = `${title}\n${body}`;
  const { rev, revisions } = base ? editRevision(base, content) : firstRevision(content);
  // An edit made outside the app: made now, on this device.
  const stamp = base ? { updatedAt: at, updatedBy: options.deviceName(), schemaVersion: NOTE_SCHEMA_VERSION } : {};
  return { ...fields, ...stamp, _rev: rev, _revisions: revisions };
}

// Import of one file of a p2pcloud export: its content is cut into the same
// 1 MiB parts the app makes, each checked against the part hash the
// manifest lists before it is stored, and the file document is written at
// its exported revision, with its history, only once the whole file's
// SHA-256 matched. A file that does not match stores nothing.
import { CHUNK_SIZE, FILE_ID_PREFIX, Sha256, normaliseFolder } from '../domain/file';
import type { ManifestFile } from '../domain/exportManifest';
import { hashInSlices, releaseChunks, sha256Hex, writeChunk } from './chunks';
import type { ImportOptions, ImportSummary } from './importArchive';
import type { ImportEntry } from './importSources';

/** Thrown inside the reader to stop at the first part that is not what the manifest says. */
class Mismatch extends Error {}

/** Imports one file listed in the manifest; counts it in `summary`. */
export async function importFile(
  db: PouchDB.Database,
  entry: ImportEntry,
  listed: ManifestFile,
  options: ImportOptions,
  summary: ImportSummary,
): Promise<void> {
  if (!listed.id.startsWith(FILE_ID_PREFIX)) {
    summary.skipped.push({ path: entry.path, reason: 'p2pcloud.json gives it an id that is not a file id' });
    return;
  }
  const missing = await db.revsDiff({ [listed.id]: [listed.rev] });
  if (!missing[listed.id]?.missing?.includes(listed.rev)) {
    summary.files.unchanged += 1;
    return;
  }
  const chunkRevs: Record<string, string> = {};
  const whole = new Sha256();
  let pending = new Uint8Array(CHUNK_SIZE);
  let filled = 0;
  let index = 0;
  const storePart = async (bytes: Uint8Array<ArrayBuffer>) => {
    const hash = await sha256Hex(bytes);
    if (hash !== listed.chunks[index]) throw new Mismatch();
    index += 1;
    await hashInSlices(whole, bytes);
    chunkRevs[hash] ??= await writeChunk(db, hash, bytes, options.attachmentBody);
  };
  try {
    await entry.read(async (bytes) => {
      for (let at = 0; at < bytes.byteLength; ) {
        const take = Math.min(CHUNK_SIZE - filled, bytes.byteLength - at);
        pending.set(bytes.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === CHUNK_SIZE) {
          await storePart(pending);
          pending = new Uint8Array(CHUNK_SIZE);
          filled = 0;
        }
      }
    }, options.signal);
    if (filled > 0) await storePart(pending.slice(0, filled));
    if (index !== listed.chunks.length || whole.hex() !== listed.sha256) throw new Mismatch();
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    await forget(db, chunkRevs);
    const reason = err instanceof Mismatch ? 'its content does not match its SHA-256 in p2pcloud.json' : `damaged (${(err as Error).message})`;
    summary.skipped.push({ path: entry.path, reason });
    return;
  }
  const doc = {
    _id: listed.id,
    _rev: listed.rev,
    _revisions: listed.revisions,
    type: 'file',
    schemaVersion: listed.schemaVersion,
    name: listed.name,
    mimeType: listed.mimeType,
    size: listed.size,
    sha256: listed.sha256,
    chunks: listed.chunks,
    chunkRevs,
    addedAt: listed.addedAt,
    addedBy: listed.addedBy,
    updatedAt: listed.updatedAt,
    updatedBy: listed.updatedBy,
    folder: normaliseFolder(listed.folder),
  };
  const [result] = await db.bulkDocs([doc], { new_edits: false });
  if (result && 'error' in result && result.error) throw new Error(`“${listed.name}” could not be written`);
  summary.files.added += 1;
}

/** Frees the parts stored for a file that turned out not to match, unless another file uses them. */
async function forget(db: PouchDB.Database, chunkRevs: Record<string, string>): Promise<void> {
  if (Object.keys(chunkRevs).length === 0) return;
  const res = await db.allDocs({ include_docs: true, startkey: FILE_ID_PREFIX, endkey: `${FILE_ID_PREFIX}\uffff` });
  const used = new Set(res.rows.flatMap((row) => (row.doc ? ((row.doc as { chunks?: string[] }).chunks ?? []) : [])));
  await releaseChunks(db, chunkRevs, used);
}

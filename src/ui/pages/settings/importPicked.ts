// Loaded only when an import starts (with the zip library): turns what a
// person picked into import entries and imports them.
import { blobBody } from '../../../storage/chunks';
import { importEntries, type ImportSummary } from '../../../storage/importArchive';
import { fileEntries, zipEntries, type ImportEntry } from '../../../storage/importSources';

/**
 * Imports picked files: each `.zip` (by name, or by its first bytes) is read as an archive, any other file (a
 * note, or a file of a picked folder) as itself.
 * @throws {ImportError} when a zip or its p2pcloud.json is refused as a whole.
 */
export async function importPicked(
  db: PouchDB.Database,
  picked: File[],
  options: { deviceName: () => string; signal: AbortSignal; onProgress: (done: number, total: number) => void },
): Promise<ImportSummary> {
  const entries: ImportEntry[] = [];
  const loose: File[] = [];
  for (const file of picked) {
    if (/\.zip$/i.test(file.name) || (await looksLikeZip(file))) entries.push(...(await zipEntries(file)));
    else loose.push(file);
  }
  entries.push(...fileEntries(loose));
  return importEntries(db, entries, { ...options, attachmentBody: blobBody });
}

/** True when a file starts as a zip does (`PK\x03\x04`, or `PK\x05\x06` when empty), whatever its name. */
async function looksLikeZip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

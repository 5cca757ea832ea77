// What an import reads from: the entries of a zip (read from its central
// directory, so any entry can be read without the others), or the files of
// a picked folder. Each entry streams its content in pieces; nothing here
// holds a whole archive or a whole file in memory.
import { BlobReader, ZipReader, configure, type Entry, type FileEntry } from '@zip.js/zip.js/lib/zip-core-native.js';
import { inflateSync } from 'fflate';
import { checkEntryPath, decodeUtf8Name } from '../domain/exportNames';
import { breather } from './breather';

configure({ useWebWorkers: false });

/**
 * Expansion limits: an archive that would expand past these is refused
 * before anything is read from it (a zip bomb), and an entry that turns out
 * larger than it declared is stopped at the declared size.
 */
export const IMPORT_LIMITS = {
  /** Largest total size of the entries once expanded. */
  totalBytes: 16 * 1024 ** 3,
  /** Largest expansion of one entry over its compressed size, for entries over {@link IMPORT_LIMITS.ratioFloor}. */
  ratio: 100,
  ratioFloor: 1024 * 1024,
} as const;

/** One file to import. */
export interface ImportEntry {
  /** Its path inside the archive or folder, checked and normalised (domain/exportNames.ts). */
  path: string;
  /** Why it cannot be imported (unsafe path, name not UTF-8): it is then skipped with this reason. */
  problem?: string;
  /** Size once expanded, as declared. */
  size: number;
  /** Streams the content to `write`, piece by piece; rejects when the content is damaged. */
  read(write: (bytes: Uint8Array) => Promise<void> | void, signal?: AbortSignal): Promise<void>;
}

/** Why an import refused its input as a whole; nothing was imported. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

const PATH_PROBLEMS = {
  absolute: 'an absolute path (never written outside the import)',
  parent: 'a path climbing out with ../ (never written outside the import)',
  empty: 'an empty name',
} as const;

/**
 * The entries of a zip.
 * @throws {ImportError} when it is not a zip, its directory is damaged, or it
 * would expand past {@link IMPORT_LIMITS}.
 */
export async function zipEntries(zip: Blob): Promise<ImportEntry[]> {
  let entries: Entry[];
  try {
    // Names are checked here, per entry: one bad name skips that entry, with its reason.
    const breathe = breather();
    entries = await new ZipReader(new BlobReader(zip), { useWebWorkers: false, filenameValidation: 'tolerant' }).getEntries({
      // A directory of 10,000 entries is read in one long task otherwise.
      onprogress: () => breathe.maybePause(),
    });
  } catch (err) {
    throw new ImportError(`This is not a zip file, or it is damaged (${err instanceof Error ? err.message : String(err)}). Nothing was imported.`);
  }
  const files = entries.filter((e): e is FileEntry => !e.directory);
  const total = files.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > IMPORT_LIMITS.totalBytes) {
    throw new ImportError(`This zip would expand to ${gb(total)}, over the ${gb(IMPORT_LIMITS.totalBytes)} an import accepts. Nothing was imported.`);
  }
  const bomb = files.find((e) => e.uncompressedSize > IMPORT_LIMITS.ratioFloor && e.uncompressedSize > IMPORT_LIMITS.ratio * Math.max(1, e.compressedSize));
  if (bomb) {
    throw new ImportError(
      `This zip looks like a zip bomb: an entry expands more than ${IMPORT_LIMITS.ratio} times its compressed size. Nothing was imported.`,
    );
  }
  const window = new WindowReader(zip);
  return files.map((entry) => {
    // UTF-8 whether flagged or not (many tools write UTF-8 names without the flag); anything else is refused, not guessed.
    const name = decodeUtf8Name(entry.rawFilename);
    const checked = name === undefined ? undefined : checkEntryPath(name);
    const problem =
      name === undefined ? 'its name is not valid UTF-8' : checked && 'problem' in checked ? PATH_PROBLEMS[checked.problem] : undefined;
    return {
      path: checked && 'path' in checked ? checked.path : (name ?? entry.filename),
      ...(problem ? { problem } : {}),
      size: entry.uncompressedSize,
      read: isSmall(entry) ? (write) => readSmall(window, entry, write) : (write, signal) => readStreamed(entry, write, signal),
    };
  });
}

/** zip.js streams an entry's content, with its CRC checked, stopped at its declared size. */
async function readStreamed(entry: FileEntry, write: (bytes: Uint8Array) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
  let seen = 0;
  const sink = new WritableStream<Uint8Array>({
    async write(bytes) {
      seen += bytes.byteLength;
      // The directory may lie about sizes; a bomb is stopped at what it declared.
      if (seen > entry.uncompressedSize) throw new ImportError('it expands beyond its declared size');
      await write(bytes);
    },
  });
  await entry.getData(sink, { checkSignature: true, useWebWorkers: false, ...(signal ? { signal } : {}) });
}

/**
 * Largest entry read in one go, from a window of the zip: notes. zip.js
 * costs 1-5 ms per entry in stream plumbing (10,000 notes: 10-50 s); this
 * costs a slice of the window, an inflate and a CRC.
 */
const SMALL = 4 * 1024 * 1024;
const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER = 0x04034b50;

function isSmall(entry: FileEntry): boolean {
  const method = (entry as { compressionMethod?: number }).compressionMethod;
  return !entry.encrypted && entry.compressedSize <= SMALL && entry.uncompressedSize <= SMALL && (method === STORED || method === DEFLATED);
}

/** Reads a small entry whole: its local header, its data, inflated into at most its declared size, checked against its CRC. */
async function readSmall(window: WindowReader, entry: FileEntry, write: (bytes: Uint8Array) => Promise<void> | void): Promise<void> {
  const header = await window.read(entry.offset, 30);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.byteLength < 30 || view.getUint32(0, true) !== LOCAL_HEADER) throw new Error('its local header is missing');
  const start = entry.offset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  const raw = await window.read(start, entry.compressedSize);
  if (raw.byteLength < entry.compressedSize) throw new Error('it is cut off');
  const method = (entry as { compressionMethod?: number }).compressionMethod;
  // Inflated into a buffer of the declared size: a lying entry cannot grow past it, and fails its CRC.
  const bytes = method === STORED ? raw : inflateSync(raw, { out: new Uint8Array(entry.uncompressedSize) });
  if (bytes.byteLength !== entry.uncompressedSize || crc32(bytes) !== entry.signature) throw new Error('its content fails its CRC check');
  await write(bytes);
}

/** Reads a zip in windows of a few MB: consecutive small entries cost one read of the file between them. */
class WindowReader {
  private start = 0;
  private bytes = new Uint8Array(0);

  constructor(
    private readonly zip: Blob,
    private readonly size = 8 * 1024 * 1024,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.start || offset + length > this.start + this.bytes.byteLength) {
      this.start = offset;
      this.bytes = new Uint8Array(await this.zip.slice(offset, offset + Math.max(length, this.size)).arrayBuffer());
    }
    return this.bytes.subarray(offset - this.start, offset - this.start + length);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as zip stores it (fflate and zip.js keep theirs private). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Bytes read per piece from a picked file. */
const PIECE = 1024 * 1024;

/** The entries of picked files or a picked folder (paths relative to the folder picked). */
export function fileEntries(files: readonly (Blob & { name: string; webkitRelativePath?: string })[]): ImportEntry[] {
  return files.map((file) => {
    const checked = checkEntryPath(file.webkitRelativePath || file.name);
    return {
      path: 'path' in checked ? checked.path : file.name,
      ...('problem' in checked ? { problem: PATH_PROBLEMS[checked.problem] } : {}),
      size: file.size,
      read: async (write, signal) => {
        for (let at = 0; at < file.size; at += PIECE) {
          signal?.throwIfAborted();
          await write(new Uint8Array(await file.slice(at, at + PIECE).arrayBuffer()));
        }
      },
    };
  });
}

/** Reads a whole (small) entry as bytes. */
export async function readAll(entry: ImportEntry, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  await entry.read((bytes) => {
    parts.push(bytes.slice());
    length += bytes.byteLength;
  }, signal);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

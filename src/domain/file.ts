// Files: what a stored file is, independent of where it is kept, and the
// streaming SHA-256 that fingerprints a whole file one chunk at a time.

/** Prefix of every file document's `_id`. */
export const FILE_ID_PREFIX = 'file:';
/** Prefix of every content-addressed chunk document's `_id` (`chunk:<sha256 hex>`). */
export const CHUNK_ID_PREFIX = 'chunk:';
/** Schema version of file documents written by this code. */
export const FILE_SCHEMA_VERSION = 1;
/**
 * Size of one chunk: 1 MiB. Small enough that hashing or writing one never
 * blocks a phone's UI for long, large enough that a 100 MB file is only ~100 documents.
 */
export const CHUNK_SIZE = 1024 * 1024;

export type FileId = string & { readonly __fileId: true };

/** A stored file as the UI sees it (content not included). */
export interface StoredFile {
  id: FileId;
  rev: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** SHA-256 hex of each chunk, in order. */
  chunks: string[];
  addedAt: string;
  addedBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Folder path such as "photos/2026"; '' is the root. */
  folder: string;
  hasThumbnail: boolean;
}

/** How many of a file's distinct parts (chunks) are on this device. */
export interface Presence {
  present: number;
  total: number;
}

/** A file together with whether all its content is on this device. */
export interface FileEntry extends StoredFile {
  presence: Presence;
  /** True only when every chunk is here, so the content can be assembled and verified. */
  isComplete: boolean;
  /** Another device changed the name or folder at the same time: competing versions wait for a person (storage/fileConflicts.ts). */
  hasConflicts: boolean;
  /** Another device deleted the file while it was renamed or moved here, and nobody has decided yet. */
  isDeletedElsewhere: boolean;
}

/** Progress of adding one file. */
export interface AddProgress {
  bytesHashed: number;
  bytesWritten: number;
  total: number;
}

/** A fresh file id (`file:<random>`). */
export function newFileId(random: () => string): FileId {
  return `${FILE_ID_PREFIX}${random()}` as FileId;
}

export function isFileId(id: string): id is FileId {
  return id.startsWith(FILE_ID_PREFIX);
}

/** The chunk document id for a chunk hash. */
export function chunkIdFor(sha256: string): string {
  return `${CHUNK_ID_PREFIX}${sha256}`;
}

/**
 * Normalises a folder path typed by a person: slashes trimmed and collapsed,
 * empty segments dropped, so "/photos//2026/" and "photos/2026" are one folder.
 */
export function normaliseFolder(path: string): string {
  return path
    .split('/')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part !== '.' && part !== '..')
    .join('/');
}

/** True when `file` is in `folder` or one of its subfolders ('' matches everything). */
export function isInFolder(file: Pick<StoredFile, 'folder'>, folder: string): boolean {
  return folder === '' || file.folder === folder || file.folder.startsWith(`${folder}/`);
}

/** Every folder that holds a file, with its parents, sorted. */
export function foldersOf(files: readonly Pick<StoredFile, 'folder'>[]): string[] {
  const all = new Set<string>();
  for (const { folder } of files) {
    const parts = folder.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i += 1) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort();
}

/** Newest added first; ties by name so the order is stable. */
export function compareFilesNewestFirst(a: StoredFile, b: StoredFile): number {
  return b.addedAt.localeCompare(a.addedAt) || a.name.localeCompare(b.name);
}

/** "1.5 MB"-style size, decimal units as file managers show them. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** True for types the browser can show inline as an image. */
export function isImageType(mimeType: string): boolean {
  return /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml)$/.test(mimeType);
}

export function isPdfType(mimeType: string): boolean {
  return mimeType === 'application/pdf';
}

/** Lowercase hex of bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const b of view) out += b.toString(16).padStart(2, '0');
  return out;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/**
 * SHA-256 fed piece by piece.
 * @remarks WebCrypto's digest() needs the whole input at once, which for a
 * large file means holding all of it in memory; this keeps 64 bytes of state
 * instead. Chunk hashes still use WebCrypto (native and off the main thread).
 */
export class Sha256 {
  private readonly h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private readonly w = new Uint32Array(64);
  private readonly block = new Uint8Array(64);
  private blockLength = 0;
  private length = 0;

  update(data: Uint8Array): this {
    this.length += data.length;
    let offset = 0;
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, data.length);
      this.block.set(data.subarray(0, take), this.blockLength);
      this.blockLength += take;
      offset = take;
      if (this.blockLength < 64) return this;
      this.compress(this.block, 0);
      this.blockLength = 0;
    }
    for (; offset + 64 <= data.length; offset += 64) this.compress(data, offset);
    this.block.set(data.subarray(offset), 0);
    this.blockLength = data.length - offset;
    return this;
  }

  /** The digest as lowercase hex; the hasher must not be used afterwards. */
  hex(): string {
    const bits = this.length * 8;
    const tail = new Uint8Array(this.blockLength < 56 ? 64 : 128);
    tail.set(this.block.subarray(0, this.blockLength));
    tail[this.blockLength] = 0x80;
    const view = new DataView(tail.buffer);
    view.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tail.length - 4, bits >>> 0);
    for (let i = 0; i < tail.length; i += 64) this.compress(tail, i);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    this.h.forEach((word, i) => outView.setUint32(i * 4, word));
    return toHex(out);
  }

  private compress(data: Uint8Array, at: number): void {
    const { w, h } = this;
    for (let i = 0; i < 16; i += 1) {
      const j = at + i * 4;
      w[i] = ((data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!) >>> 0;
    }
    for (let i = 16; i < 64; i += 1) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let i = 0; i < 64; i += 1) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
    h[5] = (h[5]! + f) >>> 0;
    h[6] = (h[6]! + g) >>> 0;
    h[7] = (h[7]! + hh) >>> 0;
  }
}

/** The metadata of a file that two devices can change at once: what a conflict resolution chooses. */
export interface FileMetadata {
  name: string;
  folder: string;
}

/**
 * Combines competing changes to a file's name and folder against the version
 * they all started from: a field changed on one side only takes that change.
 * @returns the combination, or undefined when two sides changed the same field
 * differently, or when it would equal one of the versions (nothing to combine).
 * @remarks Pure and symmetric: the order of `versions` never matters, so every
 * device proposes the same combination.
 */
export function combineFileChanges(base: FileMetadata, versions: readonly FileMetadata[]): FileMetadata | undefined {
  const pick = (field: keyof FileMetadata): string | undefined => {
    const changed = new Set(versions.map((v) => v[field]).filter((value) => value !== base[field]));
    if (changed.size > 1) return undefined;
    return changed.size === 1 ? [...changed][0] : base[field];
  };
  const name = pick('name');
  const folder = pick('folder');
  if (name === undefined || folder === undefined) return undefined;
  if (versions.some((v) => v.name === name && v.folder === folder)) return undefined;
  return { name, folder };
}

/**
 * MD5 (RFC 1321), only to name replication checkpoints exactly as PouchDB
 * does (see fastCheckpoint.ts). Not for anything security related.
 * @remarks PouchDB hashes strings as "binary" (one byte per UTF-16 code unit,
 * low 8 bits) and reports base64, in Node and in the browser alike, so this
 * does the same. pouchdb-browser does not export its hasher, and the app
 * must not depend on a package it does not declare.
 */

/** Per-round left-rotation amounts, four per group of sixteen steps. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** The sine table: floor(|sin(i + 1)| * 2^32). */
const SINES = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** The message as bytes, padded to whole 64-byte blocks with its bit length at the end. */
function padded(text: string): Uint8Array {
  const length = text.length;
  const total = Math.ceil((length + 9) / 64) * 64;
  const bytes = new Uint8Array(total);
  for (let i = 0; i < length; i += 1) bytes[i] = text.charCodeAt(i) & 0xff;
  bytes[length] = 0x80;
  const view = new DataView(bytes.buffer);
  // Bit length as a 64-bit little-endian number (texts here are far below 2^29 bytes).
  view.setUint32(total - 8, (length * 8) >>> 0, true);
  view.setUint32(total - 4, Math.floor((length * 8) / 2 ** 32), true);
  return bytes;
}

function mixBlock(state: Uint32Array, view: DataView, offset: number): void {
  let [a, b, c, d] = [state[0] ?? 0, state[1] ?? 0, state[2] ?? 0, state[3] ?? 0];
  for (let i = 0; i < 64; i += 1) {
    const round = i >> 4;
    let f: number;
    let g: number;
    if (round === 0) [f, g] = [(b & c) | (~b & d), i];
    else if (round === 1) [f, g] = [(d & b) | (~d & c), (5 * i + 1) % 16];
    else if (round === 2) [f, g] = [b ^ c ^ d, (3 * i + 5) % 16];
    else [f, g] = [c ^ (b | ~d), (7 * i) % 16];
    const sum = (f + a + (SINES[i] ?? 0) + view.getUint32(offset + g * 4, true)) | 0;
    const shift = SHIFTS[round * 4 + (i % 4)] ?? 0;
    [a, d, c] = [d, c, b];
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  state[0] = (state[0] ?? 0) + a;
  state[1] = (state[1] ?? 0) + b;
  state[2] = (state[2] ?? 0) + c;
  state[3] = (state[3] ?? 0) + d;
}

/** The MD5 digest of `text` (as binary, like PouchDB), in base64. */
export function md5Base64(text: string): string {
  const bytes = padded(text);
  const view = new DataView(bytes.buffer);
  const state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  for (let offset = 0; offset < bytes.length; offset += 64) mixBlock(state, view, offset);
  // The digest is the four state words, each little-endian, whatever the host's byte order.
  const digest = new DataView(new ArrayBuffer(16));
  state.forEach((word, i) => digest.setUint32(i * 4, word, true));
  let binary = '';
  for (const byte of new Uint8Array(digest.buffer)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

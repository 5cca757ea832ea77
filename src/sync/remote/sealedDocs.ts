// Sealing and opening one document and its attachments for an encrypted peer (domain/envelope.ts does the crypto).
import { EnvelopeError, fromBase64, openBinary, sealBinary, toBase64, type MeshKeyring } from '../../domain/envelope';
import { isDesignDoc } from './designDocs';

/**
 * One revision as an encrypted peer holds it (issue #16), and back.
 * @remarks What stays in the clear is what the replication protocol needs:
 * `_id`, `_rev`, `_revisions` (so checkpoints, `_revs_diff` and conflicts
 * work unchanged), `_deleted` (so a deletion wins or loses as it does in
 * plain) and each attachment's name. Everything else, the deletion flag
 * again and each attachment's type, digest and length included, is sealed
 * in the `e2e` field, bound to the revision's id and rev; each attachment
 * is sealed on its own, bound to its id and name, and typed
 * `application/octet-stream`. `_local/` (checkpoints) and `_design/`
 * documents (never carried, designDocs.ts) are left as they are.
 */

/** The field of a sealed revision that holds its envelope. */
export const SEALED_FIELD = 'e2e';
/** The type every sealed attachment is stored as. */
const SEALED_TYPE = 'application/octet-stream';

type Doc = Record<string, unknown> & { _id?: unknown; _rev?: unknown; _deleted?: unknown; _attachments?: unknown };
interface Attachment {
  content_type?: string;
  digest?: string;
  length?: number;
  revpos?: number;
  stub?: boolean;
  data?: unknown;
}
/** What is sealed in a revision's envelope. */
interface Inner {
  body: Record<string, unknown>;
  deleted: boolean;
  atts: Record<string, { content_type?: string; digest?: string; length?: number }>;
}

/** The authenticated data of a revision's body. */
export const docAad = (id: string, rev: string): string => `p2pcloud/doc\n${id}\n${rev}`;
/** The authenticated data of an attachment. */
export const attachmentAad = (id: string, name: string): string => `p2pcloud/att\n${id}\n${name}`;

/** True for documents that are never sealed. */
export const isLeftPlain = (id: unknown): boolean => typeof id !== 'string' || id.startsWith('_local/') || isDesignDoc(id);

interface BlobLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  type?: string;
}
const isBlob = (data: unknown): data is BlobLike => typeof (data as BlobLike | null)?.arrayBuffer === 'function';
const nodeBuffer = (globalThis as { Buffer?: { isBuffer(x: unknown): boolean; from(b: Uint8Array): unknown } }).Buffer;

/** The bytes of attachment data in any form PouchDB hands it over: base64, Blob, Buffer. */
export async function bytesOf(data: unknown): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof data === 'string') return fromBase64(data);
  if (isBlob(data)) return new Uint8Array(await data.arrayBuffer());
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) as Uint8Array<ArrayBuffer>;
  throw new EnvelopeError('malformed', 'attachment data of an unknown kind');
}

/** Bytes in the form `like` came in, so that PouchDB gets back what it would have had. */
export function likeThat(bytes: Uint8Array<ArrayBuffer>, like: unknown, type = SEALED_TYPE): unknown {
  if (typeof like === 'string') return toBase64(bytes);
  if (isBlob(like)) return new Blob([bytes], { type });
  if (nodeBuffer?.isBuffer(like)) return nodeBuffer.from(bytes);
  return bytes;
}

function splitBody(doc: Doc): Record<string, unknown> {
  // Underscore fields are CouchDB's own (`_conflicts`, `_revs_info`…): never part of a body.
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
}

/**
 * The revision as the encrypted peer is to hold it.
 * @throws {@link EnvelopeError} `unsupported` for a revision without `_rev`
 * (the peer would make one up, and the envelope could not be bound to it)
 * or with an attachment stub (its body is not at hand to seal).
 */
export async function sealDoc(keyring: MeshKeyring, doc: Doc): Promise<Doc> {
  const id = doc._id;
  if (isLeftPlain(id)) return doc;
  const rev = doc._rev;
  if (typeof rev !== 'string') throw new EnvelopeError('unsupported', `a write to an encrypted peer carries its revision (${String(id)})`);
  const atts = (doc._attachments ?? {}) as Record<string, Attachment>;
  const inner: Inner = { body: splitBody(doc), deleted: doc._deleted === true, atts: {} };
  const sealedAtts: Record<string, Attachment> = {};
  for (const [name, att] of Object.entries(atts)) {
    if (att.stub || att.data === undefined) throw new EnvelopeError('unsupported', `an attachment stub cannot be sealed (${String(id)})`);
    const plain = await bytesOf(att.data);
    inner.atts[name] = { content_type: att.content_type ?? SEALED_TYPE, length: plain.length, ...(att.digest ? { digest: att.digest } : {}) };
    sealedAtts[name] = { content_type: SEALED_TYPE, data: toBase64(await sealBinary(keyring, plain, attachmentAad(id as string, name))) };
  }
  return {
    _id: id,
    _rev: rev,
    ...('_revisions' in doc ? { _revisions: doc['_revisions'] } : {}),
    ...(inner.deleted ? { _deleted: true } : {}),
    ...(Object.keys(sealedAtts).length ? { _attachments: sealedAtts } : {}),
    [SEALED_FIELD]: await keyring.sealJson(inner, docAad(id as string, rev)),
  };
}

function readInner(value: unknown): Inner {
  const inner = value as Partial<Inner> | null;
  if (!inner || typeof inner.body !== 'object' || typeof inner.deleted !== 'boolean' || typeof inner.atts !== 'object') {
    throw new EnvelopeError('malformed', 'an envelope of another shape');
  }
  return inner as Inner;
}

/**
 * The plain revision of a sealed one read from an encrypted peer: stubs
 * come back as the plain attachment's stub (type, digest, length), bodies
 * decrypted in the form they came in.
 * @throws {@link EnvelopeError} when the revision is plain (`not-encrypted`)
 * or does not authenticate: its envelope, an attachment, or a deletion flag
 * or attachment list that differ from the sealed ones.
 */
export async function openDoc(keyring: MeshKeyring, doc: Doc): Promise<Doc> {
  const id = doc._id;
  if (isLeftPlain(id)) return doc;
  if (!(SEALED_FIELD in doc)) throw new EnvelopeError('not-encrypted', `${String(id)} is plain on an encrypted peer`);
  const inner = readInner(await keyring.openJson(doc[SEALED_FIELD], docAad(id as string, String(doc._rev))));
  if (inner.deleted !== (doc._deleted === true)) throw new EnvelopeError('authentication', `${String(id)}: its deletion flag was changed`);
  const outer = (doc._attachments ?? {}) as Record<string, Attachment>;
  const names = Object.keys(outer).sort();
  if (names.join('\n') !== Object.keys(inner.atts).sort().join('\n')) {
    throw new EnvelopeError('authentication', `${String(id)}: its attachments were changed`);
  }
  const atts: Record<string, Attachment> = {};
  for (const name of names) {
    const att = outer[name]!;
    const meta = inner.atts[name]!;
    if (att.data === undefined) {
      atts[name] = { ...meta, stub: true, ...(att.revpos !== undefined ? { revpos: att.revpos } : {}) };
      continue;
    }
    const plain = await openBinary(keyring, await bytesOf(att.data), attachmentAad(id as string, name));
    atts[name] = { ...meta, data: likeThat(plain, att.data, meta.content_type) };
  }
  const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => key.startsWith('_') && key !== '_attachments'));
  return { ...inner.body, ...kept, ...(names.length ? { _attachments: atts } : {}) };
}

/** One attachment's body read alone from an encrypted peer, decrypted, in the form it came in. */
export async function openAttachment(keyring: MeshKeyring, id: string, name: string, data: unknown): Promise<unknown> {
  if (isLeftPlain(id)) return data;
  return likeThat(await openBinary(keyring, await bytesOf(data), attachmentAad(id, name)), data);
}

/**
 * Whether a revision read from a peer is sealed: it carries an envelope in
 * {@link SEALED_FIELD} (a numbered format, an algorithm and ciphertext, as
 * `sealJson` writes it). Any version counts, a newer one included: whatever
 * its version, it is ciphertext, never a plain document.
 */
export function isSealedDoc(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const envelope = (doc as Record<string, unknown>)[SEALED_FIELD] as { v?: unknown; alg?: unknown; ct?: unknown } | null | undefined;
  return typeof envelope === 'object' && envelope !== null && typeof envelope.v === 'number' && typeof envelope.alg === 'string' && typeof envelope.ct === 'string';
}

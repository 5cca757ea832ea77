/**
 * Why a peer is not syncing. The engine only classifies; the UI turns each
 * reason into words in ui/notifications/syncEventToNotice.ts.
 */
export type SyncErrorReason =
  /** Nothing answered, or the connection dropped: normal while away; retried. */
  | 'network'
  /** The peer refused the credentials (HTTP 401). */
  | 'unauthorized'
  /** The credentials are valid but lack access to this database (HTTP 403). */
  | 'forbidden'
  /** The database does not exist on the peer (HTTP 404). */
  | 'no-database'
  /** A document is larger than the peer accepts (HTTP 413 / too_large). */
  | 'too-large'
  /** This device's storage is full. */
  | 'quota'
  /** The same batch failed again and again on one or more documents. */
  | 'stuck'
  /**
   * The peer refused some documents with 401/403 (its validate_doc_update, or
   * a member who may read but not write); the others keep syncing.
   */
  | 'refused'
  /**
   * A peer marked encrypted holds documents this device cannot open (another
   * passphrase, changed on the peer, or plain); they are not stored here and
   * the others keep syncing.
   */
  | 'unreadable'
  /**
   * A peer this device syncs in plain holds sealed documents: another device
   * marked it encrypted. Nothing from it is stored here and nothing is sent to
   * it until this device has the mesh passphrase (remote/plainPeer.ts).
   */
  | 'sealed'
  | 'unknown';

/** A classified replication failure. */
export class SyncError extends Error {
  constructor(
    readonly reason: SyncErrorReason,
    message: string,
    readonly meta: { status?: number; docIds?: string[] } = {},
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

interface ErrorLike {
  status?: number;
  name?: string;
  error?: string | boolean;
  reason?: string;
  message?: string;
}

/** Maps whatever PouchDB, fetch or IndexedDB threw to a {@link SyncErrorReason}. */
export function classifyError(err: unknown): SyncErrorReason {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const name = String(e.name ?? '').toLowerCase();
  const code = typeof e.error === 'string' ? e.error.toLowerCase() : '';
  if (name === 'quotaexceedederror' || /quota/i.test(String(e.message ?? e.reason ?? ''))) return 'quota';
  if (e.status === 401 || name === 'unauthorized' || code === 'unauthorized') return 'unauthorized';
  if (e.status === 403 || name === 'forbidden' || code === 'forbidden') return 'forbidden';
  if (e.status === 413 || code === 'too_large' || name === 'too_large') return 'too-large';
  if (e.status === 404 && /no_db_file|does not exist|missing/i.test(`${e.reason ?? ''}${e.message ?? ''}`)) {
    return 'no-database';
  }
  // Thrown by a plain peer's handle on meeting ciphertext (remote/plainPeer.ts).
  if (name === 'sealedonplainpeer') return 'sealed';
  // Thrown by an encrypted peer's handle (encryptedPeer.ts): never a network failure, though it has no status.
  if (name === 'envelopeerror') return 'unreadable';
  if (e.status === undefined || e.status === 0 || e.status >= 500 || name === 'typeerror') return 'network';
  return 'unknown';
}

/** Reasons that retrying cannot fix: the engine stops and waits for the user. */
export function isTerminal(reason: SyncErrorReason): boolean {
  return reason === 'unauthorized' || reason === 'forbidden' || reason === 'no-database' || reason === 'stuck' || reason === 'unreadable' || reason === 'sealed';
}

/** A short, credential-free description of an error for logs and status. */
export function describeError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  // An EnvelopeError's `reason` is its code; its words are in the message.
  const words = e.name === 'EnvelopeError' ? e.message : (e.reason ?? e.message);
  const parts = [e.status ? `HTTP ${e.status}` : '', e.name ?? '', words ?? ''];
  return parts.filter(Boolean).join(' ').replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}

// What PouchDB's `idb` adapter throws once the browser has closed the IndexedDB connection under it.

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  reason?: unknown;
  error?: unknown;
}

const asErrorLike = (err: unknown): ErrorLike => (typeof err === 'object' && err !== null ? err : {});
/** A string as is, or the name of an error carried in a field (PouchDB's `reason` may be one). */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : '';
}

/**
 * True when `err` says the connection is gone, so the same call on a freshly
 * opened handle can succeed: `idb.transaction()` on a closed connection
 * throws `InvalidStateError` ("The database connection is closing"), which
 * the adapter passes on as is; a connection the browser itself closed
 * fails with "The connection was closed."; Safari says "Connection to
 * Indexed Database server lost".
 */
export function isConnectionClosed(err: unknown): boolean {
  const e = asErrorLike(err);
  const words = `${text(e.name)} ${text(e.message)} ${text(e.reason)}`;
  return /InvalidStateError|connection (is closing|was closed)|server lost|database is closed/i.test(words);
}

/**
 * True when a write failed because the disk or the origin's quota is full.
 * @remarks Chromium reports a quota as `QuotaExceededError`, but a disk
 * that is simply full as the transaction aborting with "DataError: Failed
 * to write blobs (IOError)" or an `UnknownError`: PouchDB passes either on
 * as `indexed_db_went_bad` with the DOMException's name as its reason.
 */
export function isStorageFull(err: unknown): boolean {
  const e = asErrorLike(err);
  if (/QuotaExceededError/i.test(`${text(e.name)} ${text(e.reason)}`)) return true;
  const isIdbFailure = e.name === 'indexed_db_went_bad' || e.error === 'indexed_db_went_bad';
  return isIdbFailure && /DataError|UnknownError|IOError/i.test(`${text(e.reason)} ${text(e.message)}`);
}

/**
 * True when `err` is a failed IndexedDB transaction (`indexed_db_went_bad`,
 * a quota error among them): the adapter's `onabort` has then closed its
 * connection for good, so the handle must be reopened before the next call,
 * though retrying this one would fail the same way.
 */
export function closesConnection(err: unknown): boolean {
  const e = asErrorLike(err);
  return e.name === 'indexed_db_went_bad' || e.error === 'indexed_db_went_bad' || /QuotaExceededError/i.test(`${text(e.name)} ${text(e.reason)}`);
}

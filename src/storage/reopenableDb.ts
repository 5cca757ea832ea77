// The device's database as one handle that survives the browser closing IndexedDB under the app.
import { describeError } from '../sync/common/errors';
import { closesConnection, isConnectionClosed, isStorageFull } from './idbClosed';
import { LiveFeed } from './liveFeed';

/** Whether the local database can be used: open, being opened again, or lost until a reload. */
export type LocalDbState = 'open' | 'reopening' | 'unavailable';

/** The database behind every store and the sync engine, and what happens to it. */
export interface ReopenableDb {
  /** One handle for the life of the page: every call goes to the connection open now. */
  readonly db: PouchDB.Database;
  state(): LocalDbState;
  /** Why the database is unavailable, in words for a person. */
  problem(): string | undefined;
  /** Calls `listener` whenever {@link state} changes; returns a function that stops it. */
  subscribe(listener: () => void): () => void;
  /** How many times the database was opened again (for the logs and the tests). */
  reopens(): number;
  /**
   * Calls `listener` after every reopen, with why it was closed: by the
   * browser or another tab (`closed`: the database may even have been
   * emptied), or after one of its own writes failed (`failed`: what it holds
   * is as it was). Returns a function that stops it.
   */
  onReopened(listener: (why: ReopenCause) => void): () => void;
}

/** Why the database was opened again: see {@link ReopenableDb.onReopened}. */
export type ReopenCause = 'closed' | 'failed';

/** What {@link reopenable} needs: how to open the database, and where to say what happened. */
export interface ReopenOptions {
  open: () => PouchDB.Database;
  /**
   * Watches the open database for the browser closing it: another tab's
   * upgrade or deletion (`versionchange`), or a close of its own (storage
   * pressure, iOS sending the app to the background). Returns a function
   * that stops watching. Absent outside a browser.
   */
  watch?: (db: PouchDB.Database, onClosed: (why: string) => void) => Promise<() => void>;
  log?: (message: string, detail?: string) => void;
}

/** Tries at opening the database again before it is called unavailable, and the pause before the n-th retry (n × this). */
const OPEN_ATTEMPTS = 4;
const OPEN_RETRY_MS = 250;

/** Calls that write: a disk-full failure of one is reported as such ({@link storageFull}). */
const WRITES = new Set(['put', 'post', 'bulkDocs', 'remove', 'putAttachment', 'removeAttachment']);

/** Calls whose failure on a closed connection is retried once on a new one. */
const NOT_RETRIED = new Set(['close', 'destroy', 'on', 'once', 'emit', 'removeListener', 'removeAllListeners', 'addListener']);

/**
 * Wraps the device's PouchDB database so that it reopens itself when the
 * browser closes the IndexedDB connection under the app.
 * @remarks PouchDB's `idb` adapter opens its connection once: after a
 * `versionchange` (another tab upgrading or deleting the database), an
 * aborted transaction (a full disk) or the browser closing it, every later
 * call fails, and live feeds fall silent, until the page is reloaded. Every
 * store and the engine were handed that one instance, so instead of a new
 * instance for each, they all get this proxy: a call that fails because the
 * connection is gone opens a new one and runs again there (nothing was
 * written by the failed call: the transaction never started), live feeds
 * move to the new connection from where they were ({@link LiveFeed}), and
 * replications go through the proxy too. If the database cannot be opened
 * again (a newer version of the app upgraded it in another tab), the state
 * is `unavailable`, and the UI says to reload.
 */
export function reopenable({ open: openDb, watch, log = () => undefined }: ReopenOptions): ReopenableDb {
  const open = () => {
    const db = openDb();
    // Each live feed and replication listens for the database's 'destroyed'
    // event; the app runs about a dozen at once, over the emitter's default of 10.
    (db as unknown as { setMaxListeners?: (n: number) => void }).setMaxListeners?.(50);
    return db;
  };
  let current = open();
  let state: LocalDbState = 'open';
  let problem: string | undefined;
  let reopening: Promise<void> | undefined;
  let reopenCount = 0;
  let stopWatch: (() => void) | undefined;
  const stateListeners = new Set<() => void>();
  const reopenListeners = new Set<(why: ReopenCause) => void>();

  const setState = (next: LocalDbState, why?: string) => {
    state = next;
    problem = why;
    for (const listener of stateListeners) listener();
  };

  const startWatching = (db: PouchDB.Database) => {
    watch?.(db, (why) => {
      log('the browser closed the database', why);
      // A failure is the state 'unavailable', which the UI shows.
      reopen('closed').catch(() => undefined);
    })
      .then((stop) => {
        if (db === current) stopWatch = stop;
        else stop();
      })
      .catch(() => undefined);
  };

  /** Opens the database again, once however many calls found it closed. */
  const reopen = (cause: ReopenCause): Promise<void> => {
    reopening ??= (async () => {
      const old = current;
      setState('reopening');
      stopWatch?.();
      stopWatch = undefined;
      // Closing the dead handle drops it from PouchDB's cache of open
      // connections; otherwise the new instance would be handed the same one.
      await old.close().catch(() => undefined);
      let next = open();
      for (let attempt = 1; ; attempt += 1) {
        try {
          await next.info();
          break;
        } catch (err) {
          // The browser may still be clearing or closing the database: an
          // open racing it fails with the connection closed. A few tries, a
          // little apart; a newer version's upgrade is final at once.
          if (!isVersionError(err) && attempt < OPEN_ATTEMPTS) {
            await next.close().catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, attempt * OPEN_RETRY_MS));
            next = open();
            continue;
          }
          current = next;
          const why = isVersionError(err)
            ? 'Another tab upgraded this device’s storage for a newer version of p2pcloud.'
            : `The browser would not open this device’s storage again (${describeError(err)}).`;
          log('the database could not be opened again', why);
          setState('unavailable', why);
          throw err;
        }
      }
      current = next;
      reopenCount += 1;
      log('the database was opened again');
      setState('open');
      startWatching(next);
      for (const listener of reopenListeners) listener(cause);
    })().finally(() => {
      reopening = undefined;
    });
    return reopening;
  };

  /** Runs `name(...args)` on the open connection; once more on a new one if it was closed. */
  const call = (name: string, args: unknown[]): unknown => {
    const db = current;
    const result = (db as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    if (!isThenable(result) || NOT_RETRIED.has(name)) return result;
    return result.then(undefined, async (err: unknown) => {
      if (isConnectionClosed(err)) {
        // Another call may have reopened it already.
        if (db === current) await reopen('closed');
        return (current as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
      }
      // The adapter closed the connection after this failure: have a new
      // one ready for the next call, and report this one as it is.
      if (closesConnection(err) && db === current) reopen('failed').catch(() => undefined);
      throw WRITES.has(name) && isStorageFull(err) ? storageFull(err) : err;
    });
  };

  const source = {
    current: () => current,
    onReopened: (listener: (why: ReopenCause) => void) => subscribeTo(reopenListeners, listener),
  };

  // `db.replicate.to/from` would bind PouchDB's replicator to the instance of
  // the moment; through the proxy it follows every reopen.
  const PouchDBClass = current.constructor as unknown as {
    replicate: (source: unknown, target: unknown, options?: unknown) => unknown;
  };
  const replicate = {
    to: (target: unknown, options?: unknown) => PouchDBClass.replicate(proxy, target, options),
    from: (origin: unknown, options?: unknown) => PouchDBClass.replicate(origin, proxy, options),
  };

  const proxy: PouchDB.Database = new Proxy(current, {
    get(_target, prop) {
      if (prop === 'replicate') return replicate;
      const value: unknown = Reflect.get(current, prop);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      if (prop === 'changes') {
        return (options?: PouchDB.Core.ChangesOptions) =>
          options?.live ? new LiveFeed(source, options) : watchFailure(current.changes(options));
      }
      return (...args: unknown[]) => call(prop, args);
    },
  });

  /** A one-shot feed is returned as is (it is an emitter too); a closed connection it meets is reopened. */
  function watchFailure<T>(feed: T): T {
    if (isThenable(feed)) {
      feed.then(undefined, (err: unknown) => {
        if (isConnectionClosed(err) || closesConnection(err)) reopen(isConnectionClosed(err) ? 'closed' : 'failed').catch(() => undefined);
      });
    }
    return feed;
  }

  startWatching(current);
  return {
    db: proxy,
    state: () => state,
    problem: () => problem,
    subscribe: (listener) => subscribeTo(stateListeners, listener),
    reopens: () => reopenCount,
    onReopened: source.onReopened,
  };
}

/** PouchDB passes IndexedDB's VersionError on as `indexed_db_went_bad` with the name as its reason. */
function isVersionError(err: unknown): boolean {
  return /VersionError|less than the existing version/i.test(describeError(err));
}


/**
 * The error a write that ran out of space fails with: named as the browser
 * names a quota error, so that every layer (the editor, the sync engine)
 * tells a full device from a broken one, whatever the browser said.
 */
function storageFull(cause: unknown): Error {
  return Object.assign(new Error('This device is out of storage space.'), { name: 'QuotaExceededError', status: 507, cause });
}

function subscribeTo<L>(listeners: Set<L>, listener: L): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function isThenable(value: unknown): value is PromiseLike<unknown> & { then: Promise<unknown>['then'] } {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

// A live changes feed that outlives the IndexedDB connection it started on.
import { EventEmitter } from 'events';

/** What a {@link LiveFeed} needs of the reopenable database (reopenableDb.ts). */
export interface FeedSource {
  /** The handle in use now. */
  current(): PouchDB.Database;
  /** Calls `listener` after every reopen; returns a function that stops it. */
  onReopened(listener: () => void): () => void;
}

type Seq = string | number;

/**
 * `db.changes({ live: true })` that goes on across reopens of the database.
 * @remarks PouchDB's live feed on a closed `idb` connection never fails: it
 * swallows every read error and simply stops telling anything, so the notes
 * list, the pending counts and the live push would all go deaf. This feed
 * remembers the last seq it passed on and, when the database is reopened,
 * starts a new feed from there on the new handle. It has the surface its
 * users rely on (PouchDB's replicator included): `on('change' | 'complete' |
 * 'error')`, `cancel()`, and `then`/`catch` settling when it ends.
 */
export class LiveFeed extends EventEmitter {
  isCancelled = false;
  readonly then: Promise<unknown>['then'];
  readonly catch: Promise<unknown>['catch'];
  private inner?: PouchDB.Core.Changes<object>;
  /** The last seq passed on, or 'now' until one is known. */
  private since: Seq;
  private readonly stopWatching: () => void;
  private settle!: { resolve: (value: unknown) => void; reject: (err: unknown) => void };

  constructor(
    private readonly source: FeedSource,
    private readonly options: PouchDB.Core.ChangesOptions,
  ) {
    super();
    this.since = options.since ?? 0;
    const ended = new Promise<unknown>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.then = ended.then.bind(ended);
    this.catch = ended.catch.bind(ended);
    // As PouchDB's own feed does: the end is an event too, and a failure
    // nobody listens to is not an unhandled rejection.
    ended.then(
      (result) => this.emit('complete', result),
      (err: unknown) => {
        if (this.listenerCount('error') > 0) this.emit('error', err);
      },
    );
    this.stopWatching = source.onReopened(() => this.restart());
    this.start();
    // A feed from "now" knows no seq until its first change: pin it, so a
    // reopen before then misses nothing written meanwhile by another tab.
    if (this.since === 'now') {
      source
        .current()
        .info()
        .then((info) => {
          if (this.since === 'now') this.since = info.update_seq;
        })
        .catch(() => undefined);
    }
  }

  cancel(): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    this.stopWatching();
    const inner = this.inner;
    this.inner = undefined;
    inner?.cancel();
    this.settle.resolve({ status: 'cancelled' });
  }

  private start(): void {
    const inner = this.source.current().changes({ ...this.options, live: true, since: this.since });
    this.inner = inner;
    void inner.on('change', (change) => {
      if (this.inner !== inner || this.isCancelled) return;
      this.since = change.seq;
      this.emit('change', change);
    });
    // Settled by PouchDB only when it ends on its own (a destroyed database,
    // a bad option); a feed replaced after a reopen is ignored.
    inner.then(
      (result) => {
        if (this.inner === inner && !this.isCancelled) this.end(() => this.settle.resolve(result));
      },
      (err: unknown) => {
        if (this.inner === inner && !this.isCancelled) this.end(() => this.settle.reject(err));
      },
    );
  }

  private restart(): void {
    if (this.isCancelled) return;
    const old = this.inner;
    this.inner = undefined;
    old?.cancel();
    // The browser may have cleared the database rather than closed it: a new
    // one numbers its changes from 1 again, and a feed from the old seq would
    // skip everything written to it.
    this.source
      .current()
      .info()
      .then((info) => {
        if (typeof this.since === 'number' && typeof info.update_seq === 'number' && info.update_seq < this.since) this.since = 0;
      })
      .catch(() => undefined)
      .finally(() => {
        if (!this.isCancelled && !this.inner) this.start();
      });
  }

  private end(settle: () => void): void {
    this.isCancelled = true;
    this.stopWatching();
    settle();
  }
}

/** What the replications are doing, as far as reading the local feed is concerned. */
export type SyncActivity = 'live' | 'pulling' | 'pushing';

/**
 * Above this many local changes to read, the first read waits for a
 * catch-up push to end (see {@link PendingChanges.setActivity}). Small
 * enough that a file's parts (a hundred for 100 MB) are still read at once,
 * so its upload progress shows while it is sent.
 */
const LARGE_BACKLOG = 2000;

/** Changes per read while catching up with what is already stored. */
const PAGE = 1000;

/**
 * Which local documents changed after a given local seq, kept in memory.
 * @remarks The engine asks "what has this peer not received?" after every
 * push checkpoint and every local change. Answering it with a read of the
 * changes feed each time made the engine slower than plain PouchDB: a push
 * of 10,000 documents reread the feed after each of its batches (measured:
 * 22 s against 7.8 s for the replication alone). Here the feed is read once,
 * from the oldest seq any peer still needs, and then followed live; every
 * recount is a pass over this map, with no database read.
 */
export class PendingChanges {
  /** The latest local seq of each document whose latest change is after {@link floor}. */
  private readonly latest = new Map<string, number>();
  /**
   * Every document whose latest change is after this seq is in {@link latest}
   * (once the feed has caught up). Infinite until something is tracked.
   */
  private floor = Number.POSITIVE_INFINITY;
  private feed?: PouchDB.Core.Changes<object>;
  private activity: SyncActivity = 'live';
  private isStopped = false;
  /** Bumped whenever the feed is (re)started or stopped, so a stale start gives up. */
  private generation = 0;
  /**
   * True once the feed has read everything after {@link floor} that was there
   * when it started: only then do the counts say how many changes are pending.
   */
  isKnown = false;

  constructor(
    private readonly db: PouchDB.Database,
    /** Called after each change the feed reports. */
    private readonly onChange: () => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Makes sure every change after `seq` is tracked. If less was, the feed is
   * read again from `seq` (a peer added, or one whose progress was lost);
   * entries read before stay valid, as a document's latest seq only grows.
   */
  track(seq: number): void {
    if (seq >= this.floor) return;
    this.floor = seq;
    this.stopFeed();
    this.follow();
  }

  /**
   * Says what the replications are doing, which decides when the feed is read:
   * - `pulling`: not at all. Every document a catch-up pull writes would be
   *   read back here; when the device got everything from its one peer,
   *   {@link forget} drops all of it again, and read afterwards the feed
   *   starts past it. Counts meanwhile are the last known.
   * - `pushing`: a feed already running goes on (it reads only new writes,
   *   and keeps a file's upload progress moving); one not started yet starts
   *   only if it has little to read. A first push of thousands of documents
   *   would otherwise read them all a second time while sending them, and
   *   each push checkpoint makes most of that read useless.
   * - `live`: always.
   */
  setActivity(activity: SyncActivity): void {
    this.activity = activity;
    if (activity === 'pulling') this.stopFeed();
    else if (!this.feed) this.follow();
  }

  /** Follows nothing (no peer left): the feed stops and what was read is dropped. */
  untrack(): void {
    this.stopFeed();
    this.floor = Number.POSITIVE_INFINITY;
    this.latest.clear();
  }

  /** Drops what every peer has received (changes at or below `seq`), so the map stays small. */
  forget(seq: number): void {
    if (seq <= this.floor) return;
    this.floor = seq;
    for (const [id, at] of this.latest) if (at <= seq) this.latest.delete(id);
  }

  /** Ids of documents whose latest change is after `seq`. */
  after(seq: number): string[] {
    const ids: string[] = [];
    for (const [id, at] of this.latest) if (at > seq) ids.push(id);
    return ids;
  }

  /** True when the document's latest change is after `seq` (so it is among {@link after}'s). */
  isAfter(id: string, seq: number): boolean {
    return (this.latest.get(id) ?? Number.NEGATIVE_INFINITY) > seq;
  }

  stop(): void {
    this.isStopped = true;
    this.stopFeed();
  }

  private stopFeed(): void {
    this.generation += 1;
    this.isKnown = false;
    this.feed?.cancel();
    this.feed = undefined;
  }

  private follow(): void {
    if (this.isStopped || this.activity === 'pulling' || this.floor === Number.POSITIVE_INFINITY) return;
    const generation = ++this.generation;
    const start = async () => {
      if (this.activity === 'pushing') {
        const { update_seq } = await this.db.info();
        // setActivity('live') calls follow() again, which then reads it all.
        if (Number(update_seq) - this.floor > LARGE_BACKLOG) return;
      }
      // What is there now, in pages (each its own short read, so the
      // replications' reads and writes interleave), then live from its end.
      let since: number | string = this.floor;
      const isCurrent = () => generation === this.generation && this.activity !== 'pulling' && !this.isStopped;
      for (;;) {
        if (!isCurrent()) return;
        const page: PouchDB.Core.ChangesResponse<object> = await this.db.changes({ since, limit: PAGE, return_docs: true });
        if (!isCurrent()) return;
        for (const change of page.results) this.note(change);
        since = page.last_seq;
        if (page.results.length < PAGE) break;
      }
      this.isKnown = true;
      this.onChange();
      this.feed = this.db
        .changes({ live: true, since, return_docs: false })
        .on('change', (change) => {
          this.note(change);
          this.onChange();
        })
        .on('error', (err) => this.onError(err));
    };
    start().catch((err: unknown) => this.onError(err));
  }

  private note(change: { id: string; seq: number | string }): void {
    const at = Number(change.seq);
    if (at > this.floor) this.latest.set(change.id, at);
  }
}

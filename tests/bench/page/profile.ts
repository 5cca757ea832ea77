// Where a push spends its time (npm run bench -- --only profile): the fast
// catch-up from a filled local database to an empty peer, with every call
// it makes on either database timed, next to the peer's own ceiling (a bare
// `_bulk_docs` of the same documents from this page) and the local reads
// alone. Summed call times overlap (batches are fetched while others are
// written), so they tell where the time goes, not how it adds up.
import PouchDB from 'pouchdb-browser';
import { fastReplicate } from '../../../src/sync/catchUp/fastReplicate';
import { openIdbChanges } from '../../../src/sync/catchUp/idbChangesPage';
import { readRevisions } from '../../../src/sync/catchUp/localRevisions';
import { benchDocs } from '../../../scripts/bench/docs.mjs';
import { remoteOf as remote, startEngine, type Target } from './engine';

/** Per database method: calls, summed milliseconds and rows returned (changes and allDocs). */
type Calls = Record<string, { calls: number; ms: number; rows?: number }>;

/** What {@link profilePush} reports, every time in ms. */
export interface PushProfile {
  total: number;
  /** The fast push, method by method (local.* and remote.*). */
  calls: Calls;
  /** The same documents written to another empty peer database with `_bulk_docs` alone, 1000 at a time. */
  bareBulkDocs: number;
  /** Ways of reading the same revisions locally, nothing sent: best of three each. */
  reads: Record<string, number>;
}

/** Wraps every promise-returning method named in `names` to add its time to `calls`. */
function instrument(db: PouchDB.Database, prefix: string, names: string[], calls: Calls): void {
  const target = db as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const original = target[name]?.bind(db);
    if (!original) continue;
    target[name] = (...args: unknown[]) => {
      const start = performance.now();
      const result = original(...args);
      const entry = (calls[`${prefix}.${name}`] ??= { calls: 0, ms: 0 });
      entry.calls += 1;
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        void (result as Promise<{ results?: unknown[]; rows?: unknown[] } | undefined>).then(
          (value) => {
            entry.ms += performance.now() - start;
            const rows = value?.results?.length ?? value?.rows?.length;
            if (rows !== undefined) entry.rows = (entry.rows ?? 0) + rows;
          },
          () => (entry.ms += performance.now() - start),
        );
      }
      return result;
    };
  }
}

const METHODS = ['get', 'changes', 'revsDiff', 'bulkDocs', 'bulkGet', 'info', 'put', 'allDocs'];

async function filled(n: number): Promise<PouchDB.Database> {
  const local = new PouchDB(`profile-${Date.now()}-${Math.random()}`, { auto_compaction: false });
  for (let from = 0; from < n; from += 2000) {
    await local.bulkDocs(benchDocs(from, Math.min(n, from + 2000)), { new_edits: false });
  }
  return local;
}

type Change = PouchDB.Core.ChangesResponseChange<object>;

/** Reads every wanted revision of `changes`, `group` documents at a time. */
async function readGroups(local: PouchDB.Database, changes: Change[], group: number, read: (c: Change) => Promise<unknown>) {
  for (let i = 0; i < changes.length; i += group) await Promise.all(changes.slice(i, i + group).map(read));
}

async function localReadVariants(local: PouchDB.Database): Promise<Record<string, number>> {
  const { results } = await local.changes({ since: 0, style: 'all_docs', return_docs: true });
  const openRevs = (c: Change) =>
    local.get(c.id, { revs: true, latest: true, open_revs: c.changes.map((x) => x.rev) } as PouchDB.Core.GetOpenRevisions);
  const byRev = (c: Change) => local.get(c.id, { revs: true, rev: c.changes[0]?.rev ?? '' });
  const winner = (c: Change) => local.get(c.id, { revs: true, conflicts: true });
  const variants: Record<string, () => Promise<unknown>> = {
    changesAll: () => local.changes({ since: 0, style: 'all_docs', return_docs: true }),
    changesPaged: async () => {
      for (let since = 0, page = 1; page > 0; ) {
        const r = await local.changes({ since, limit: 1000, style: 'all_docs', return_docs: true });
        page = r.results.length;
        since = Number(r.last_seq);
      }
    },
    allDocsIncludeDocs: () => local.allDocs({ include_docs: true, conflicts: true }),
    openRevs1000: () => readGroups(local, results, 1000, openRevs),
    byRev1000: () => readGroups(local, results, 1000, byRev),
    winner1000: () => readGroups(local, results, 1000, winner),
    byRev100: () => readGroups(local, results, 100, byRev),
    // What the fast push uses (localRevisions.ts): the adapter's reads, one transaction per 1000.
    readRevisions1000: async () => {
      const wanted = results.flatMap((c) => c.changes.map(({ rev }) => ({ id: c.id, rev })));
      for (let i = 0; i < wanted.length; i += 1000) await readRevisions(local, wanted.slice(i, i + 1000));
    },
    // What the fast push uses now (idbChangesPage.ts): pages of 1000 changes with their revisions, from the stores.
    idbPages1000: async () => {
      const reader = await openIdbChanges(local);
      if (!reader) throw new Error('no direct reader for the local database');
      try {
        for (let since = 0, full = true; full; ) {
          const page = await reader.page(since, 1000);
          await page.read(page.results.flatMap((c) => c.changes.map(({ rev }) => ({ id: c.id, rev }))));
          ({ full } = page);
          since = page.endSeq;
        }
      } finally {
        reader.close();
      }
    },
  };
  const best: Record<string, number> = {};
  for (let rep = 0; rep < 3; rep += 1) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now();
      await run();
      best[name] = Math.min(best[name] ?? Infinity, performance.now() - start);
    }
  }
  return best;
}

/**
 * Profiles a fast push of `n` bench documents to the empty database `t`,
 * and a bare `_bulk_docs` of them to the empty database `bare`.
 */
export async function profilePush(t: Target, bare: Target, n: number): Promise<PushProfile> {
  const local = await filled(n);
  const target = remote(t);
  const calls: Calls = {};
  instrument(local, 'local', METHODS, calls);
  instrument(target, 'remote', METHODS, calls);
  let start = performance.now();
  await fastReplicate({ source: local, target });
  const total = performance.now() - start;

  const reads = await localReadVariants(local);

  const batches = Array.from({ length: Math.ceil(n / 1000) }, (_, k) => benchDocs(k * 1000, Math.min(n, (k + 1) * 1000)));
  const bareDb = remote(bare);
  start = performance.now();
  for (const docs of batches) await bareDb.bulkDocs(docs, { new_edits: false });
  const bareBulkDocs = performance.now() - start;
  await local.destroy();
  return { total, calls, bareBulkDocs, reads };
}

/**
 * Profiles a pull of the `n` documents of `t` by the SyncEngine into an empty
 * database: what the engine asks of the local database besides replicating
 * (its changes-feed reads for pending counts show up as local.changes).
 */
export async function profilePullEngine(t: Target, n: number): Promise<{ total: number; calls: Calls }> {
  const local = new PouchDB(`profile-pull-${Date.now()}`, { auto_compaction: false });
  const calls: Calls = {};
  instrument(local, 'local', METHODS, calls);
  const start = performance.now();
  const stop = await startEngine(local, t, async () => (await local.info()).doc_count >= n);
  const total = performance.now() - start;
  stop();
  await local.destroy();
  return { total, calls };
}

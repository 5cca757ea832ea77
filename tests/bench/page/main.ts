// The bench page: runs one measurement per call, in the browser, on IndexedDB
// through pouchdb-browser (the app's adapter), and returns timings to
// scripts/bench.mjs through window.bench. Times are taken here, with
// performance.now(), around the work itself; setting up (filling a local
// database before a push) is outside the timed part.
import PouchDB from 'pouchdb-browser';
import { hardenRemote } from '../../../src/sync/catchUp/hardenRemote';
import { silentLogger } from '../../../src/sync/common/logger';
import { PeerReplication } from '../../../src/sync/engine/PeerReplication';
import { benchDocs } from '../../../scripts/bench/docs.mjs';
import { remoteOf, startEngine, until, type Target } from './engine';
import { filesBench } from './files';
import { profilePullEngine, profilePush } from './profile';
import { profileSealedPush } from './profileSealed';
import { runUnwatchedFromAddress } from './unwatched';

/** One measurement. */
export interface Timing {
  ms: number;
  docs: number;
}

let dbCount = 0;

function freshLocal(): PouchDB.Database {
  dbCount += 1;
  return new PouchDB(`bench-${Date.now()}-${dbCount}`, { auto_compaction: false });
}

async function timed(local: PouchDB.Database, work: () => Promise<unknown>): Promise<Timing> {
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const docs = (await local.info()).doc_count;
  await local.destroy();
  return { ms, docs };
}

/**
 * p2pcloud's replication with one peer (PeerReplication) without the engine
 * around it (no pending counts); with `fast` false, as it was before the
 * fast catch-up. Resolves once it reports up to date and `done` holds.
 */
async function runReplication(local: PouchDB.Database, t: Target, fast: boolean, done: () => Promise<boolean>): Promise<void> {
  let wake = () => undefined as void;
  const rep = new PeerReplication({
    localDb: local,
    remoteDb: hardenRemote(remoteOf(t)),
    backOff: () => 1000,
    logger: silentLogger,
    fastCatchUp: fast,
    onUpdate: () => wake(),
    onPushed: () => undefined,
  });
  rep.start();
  await until(async () => rep.status().state === 'upToDate' && (await done()), (listener) => {
    wake = listener;
    return () => (wake = () => undefined);
  });
  rep.cancel();
}

const runEngine = async (local: PouchDB.Database, t: Target, done: () => Promise<boolean>, encrypted = false) =>
  (await startEngine(local, t, done, encrypted))();

/**
 * Writes `samples` notes into `from`, one at a time, and measures for each
 * how long until the changes feed of `to` has it (from the write request).
 * From the peer to a device (one hop), or from device A to device B through
 * the peer (A → peer → B, both syncing, no UI).
 */
async function propagation(from: PouchDB.Database, to: PouchDB.Database, samples: number): Promise<number[]> {
  const arrivals = new Map<string, (at: number) => void>();
  const feed = to.changes({ live: true, since: 'now' }).on('change', (c) => arrivals.get(c.id)?.(performance.now()));
  const latencies: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const id = `note:live-${Date.now()}-${i}`;
    const arrived = new Promise<number>((resolve) => arrivals.set(id, resolve));
    const start = performance.now();
    await from.put({ _id: id, type: 'note', title: `live ${i}`, body: 'x'.repeat(400) });
    latencies.push((await arrived) - start);
    // Let the replications settle back into listening, as between real edits.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  feed.cancel();
  return latencies;
}

async function fill(local: PouchDB.Database, n: number, batch = 2000): Promise<void> {
  for (let from = 0; from < n; from += batch) {
    await local.bulkDocs(benchDocs(from, Math.min(n, from + batch)), { new_edits: false });
  }
}

const hasAll = (db: PouchDB.Database, n: number) => async () => (await db.info()).doc_count >= n;

const bench = {
  userAgent: () => Promise.resolve(navigator.userAgent),
  profilePush,
  profilePullEngine,
  profileSealedPush,
  ...filesBench,
  pullPouch: (t: Target) => {
    const local = freshLocal();
    return timed(local, () => local.replicate.from(remoteOf(t)));
  },
  pullEngine: (t: Target, n: number) => {
    const local = freshLocal();
    return timed(local, () => runEngine(local, t, hasAll(local, n)));
  },
  pullReplication: (t: Target, n: number, fast: boolean) => {
    const local = freshLocal();
    return timed(local, () => runReplication(local, t, fast, hasAll(local, n)));
  },
  bulkDocs: (n: number, batch: number) => {
    const local = freshLocal();
    // Generated before the clock starts: the ceiling is the storage alone.
    const batches = Array.from({ length: Math.ceil(n / batch) }, (_, k) => benchDocs(k * batch, Math.min(n, (k + 1) * batch)));
    return timed(local, async () => {
      for (const docs of batches) await local.bulkDocs(docs, { new_edits: false });
    });
  },
  pushPouch: async (t: Target, n: number) => {
    const local = freshLocal();
    await fill(local, n);
    return timed(local, () => local.replicate.to(remoteOf(t)));
  },
  pushEngine: async (t: Target, n: number) => {
    const local = freshLocal();
    await fill(local, n);
    return timed(local, () => runEngine(local, t, hasAll(remoteOf(t), n)));
  },
  // Through a peer marked encrypted (issue #16): a fresh engine each time, so a key derivation each time.
  pullEngineEncrypted: (t: Target, n: number) => {
    const local = freshLocal();
    return timed(local, () => runEngine(local, t, hasAll(local, n), true));
  },
  pushEngineEncrypted: async (t: Target, n: number) => {
    const local = freshLocal();
    await fill(local, n);
    return timed(local, () => runEngine(local, t, hasAll(remoteOf(t), n), true));
  },
  /** Fills an encrypted peer for the pulls: the same documents, sealed by the engine. Not timed. */
  sealSeed: async (t: Target, n: number) => {
    const local = freshLocal();
    await fill(local, n);
    return timed(local, () => runEngine(local, t, hasAll(remoteOf(t), n), true));
  },
  pushReplication: async (t: Target, n: number, fast: boolean) => {
    const local = freshLocal();
    await fill(local, n);
    return timed(local, () => runReplication(local, t, fast, hasAll(remoteOf(t), n)));
  },
  liveEngine: async (t: Target, samples: number) => {
    const local = freshLocal();
    const stop = await startEngine(local, t, () => Promise.resolve(true));
    const latencies = await propagation(remoteOf(t), local, samples);
    stop();
    await local.destroy();
    return latencies;
  },
  liveAtoBEngine: async (t: Target, samples: number) => {
    const [a, b] = [freshLocal(), freshLocal()];
    const stops = [await startEngine(a, t, () => Promise.resolve(true)), await startEngine(b, t, () => Promise.resolve(true))];
    const latencies = await propagation(a, b, samples);
    for (const stop of stops) stop();
    await Promise.all([a.destroy(), b.destroy()]);
    return latencies;
  },
  liveAtoBPouch: async (t: Target, samples: number) => {
    const [a, b] = [freshLocal(), freshLocal()];
    const syncs = [a, b].map((db) => db.sync(remoteOf(t), { live: true, retry: true }));
    await Promise.all(syncs.map((sync) => new Promise((resolve) => void sync.once('paused', resolve))));
    const latencies = await propagation(a, b, samples);
    for (const sync of syncs) sync.cancel();
    await Promise.all([a.destroy(), b.destroy()]);
    return latencies;
  },
  livePouch: async (t: Target, samples: number) => {
    const local = freshLocal();
    const sync = local.sync(remoteOf(t), { live: true, retry: true });
    await new Promise((resolve) => {
      void sync.once('paused', resolve);
    });
    const latencies = await propagation(remoteOf(t), local, samples);
    sync.cancel();
    await local.destroy();
    return latencies;
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}

window.bench = bench;
document.body.dataset['ready'] = 'true';
runUnwatchedFromAddress();

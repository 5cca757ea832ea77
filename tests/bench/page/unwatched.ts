// A file added and pushed with no DevTools attached (issue #4: no long task
// over 200 ms while a large file is sent). With DevTools attached, as
// Playwright always is, Chromium copies every request body for its network
// panel on the page's main thread, which turns each large upload into a long
// task that does not exist in normal use. So scripts/bench/unwatched.mjs
// starts Chromium with no client at all and this page runs on its own:
// `#unwatched=<json>` in the address says what to do, and the figures are
// POSTed to the driver's report address.
import { FilesStore } from '../../../src/storage/files';
import PouchDB from 'pouchdb-browser';
import { remoteOf, startEngine, type Target } from './engine';

interface Order {
  target: Target;
  mib: number;
  report: string;
  /** Sync runs while the file is added (the live push), rather than starting after it (the catch-up). */
  live?: boolean;
  /** The peer is marked encrypted (issue #16): every piece is sealed on its way there. */
  encrypted?: boolean;
}

const tasks: Array<{ at: number; ms: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) tasks.push({ at: entry.startTime, ms: entry.duration });
}).observe({ type: 'longtask', buffered: true });

/** Random bytes, made a slice at a time (getRandomValues gives at most 64 KiB per call). */
function randomFile(mib: number): File {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < mib * 16; i += 1) parts.push(crypto.getRandomValues(new Uint8Array(65536)));
  return new File(parts as Uint8Array<ArrayBuffer>[], `unwatched-${mib}.bin`);
}

const longestSince = (from: number) => Math.max(0, ...tasks.filter((t) => t.at >= from).map((t) => t.ms));

async function run(order: Order): Promise<Record<string, unknown>> {
  const db = new PouchDB(`unwatched-${Date.now()}`, { auto_compaction: false });
  const remote = remoteOf(order.target);
  // Known once the file is added; the sync may already run.
  const wanted: { ids?: string[] } = {};
  const onPeer = async () => {
    if (!wanted.ids) return false;
    const res = await remote.allDocs({ keys: wanted.ids });
    return res.rows.every((row) => 'value' in row && !row.value.deleted);
  };
  const file = randomFile(order.mib);
  const synced = order.live ? startEngine(db, order.target, onPeer, order.encrypted) : undefined;
  const addFrom = performance.now();
  const added = await new FilesStore(db, { deviceName: () => 'unwatched' }).add({ file });
  const addMs = performance.now() - addFrom;
  const longestAdd = longestSince(addFrom);
  const pushFrom = performance.now();
  wanted.ids = [added.id, ...new Set(added.chunks.map((hash) => `chunk:${hash}`))];
  const stop = await (synced ?? startEngine(db, order.target, onPeer, order.encrypted));
  stop();
  return {
    mib: order.mib,
    live: !!order.live,
    encrypted: !!order.encrypted,
    addMs,
    pushMs: performance.now() - pushFrom,
    longestTaskAddMs: longestAdd,
    longestTaskPushMs: longestSince(pushFrom),
  };
}

/** Runs the order in the address, if there is one, and reports the figures or the failure. */
export function runUnwatchedFromAddress(): void {
  const match = /^#unwatched=(.*)$/.exec(location.hash);
  if (!match?.[1]) return;
  const order = JSON.parse(decodeURIComponent(match[1])) as Order;
  const send = (body: unknown) => fetch(order.report, { method: 'POST', body: JSON.stringify(body) });
  run(order)
    .then((figures) => send({ ok: true, ...figures }))
    .catch((err: unknown) => send({ ok: false, error: String(err) }))
    .catch(() => undefined);
}

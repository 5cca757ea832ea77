// Turns the raw figures of one bench run into the printed Markdown report.
import { cell, percentile, ratio, summary, table } from './stats.mjs';

const k = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

const METHODS = {
  pouchdb: 'PouchDB',
  p2pcloud: 'p2pcloud engine',
  replication: 'p2pcloud replication',
  bulkDocs: 'bulkDocs (ceiling)',
  before: 'replication before (live only)',
  encrypted: 'p2pcloud engine, encrypted peer',
};

// Ratios of medians: a / b.
const RATIOS = [
  { head: 'speed-up engine', a: 'pouchdb', b: 'p2pcloud' },
  { head: 'speed-up replication', a: 'pouchdb', b: 'replication' },
  { head: 'engine / bulkDocs', a: 'p2pcloud', b: 'bulkDocs' },
  { head: 'replication / bulkDocs', a: 'replication', b: 'bulkDocs' },
  { head: 'encrypted / plain engine', a: 'encrypted', b: 'p2pcloud' },
];

/**
 * One table for a scenario: a column per method measured, then the ratios
 * that can be computed, a row per size.
 */
function scenarioTable(results, scenario, pouchName, transform = cell) {
  const rows = results.filter((r) => r.scenario === scenario);
  const sizes = [...new Set(rows.map((r) => r.size))];
  const methods = Object.keys(METHODS).filter((m) => rows.some((r) => r.method === m));
  const of = (size, method) => {
    const values = rows.filter((r) => r.size === size && r.method === method).map((r) => r.ms);
    return values.length ? summary(values) : undefined;
  };
  const ratios = transform === cell ? RATIOS.filter((q) => methods.includes(q.a) && methods.includes(q.b)) : [];
  const head = ['docs', ...methods.map((m) => (m === 'pouchdb' ? pouchName : METHODS[m])), ...ratios.map((q) => q.head)];
  const body = sizes.map((n) => [
    k(n),
    ...methods.map((m) => transform(of(n, m), n)),
    ...ratios.map((q) => ratio(of(n, q.a), of(n, q.b))),
  ]);
  return table(head, body);
}

const LIVE_NAMES = {
  pouchdb: 'PouchDB sync (live, defaults): peer → changes feed',
  p2pcloud: 'p2pcloud engine: peer → changes feed',
  'pouchdb A→B': "PouchDB sync: A's write → peer → B's changes feed",
  'p2pcloud A→B': "p2pcloud engine: A's write → peer → B's changes feed",
};

function liveTable(results) {
  const rows = Object.entries(LIVE_NAMES).map(([m, name]) => {
    const values = results.filter((r) => r.scenario === 'live' && r.method === m).map((r) => r.ms);
    if (!values.length) return [name, '–', '–', '–', '0'];
    const f = (v) => `${Math.round(v)} ms`;
    return [name, f(summary(values).median), f(percentile(values, 95)), f(Math.max(...values)), String(values.length)];
  });
  return table(['', 'median', 'p95', 'max', 'samples'], rows);
}

/**
 * @param {{ date: string, machine: Record<string, unknown>, options: Record<string, unknown>,
 *   results: Array<{ scenario: string, size: number, method: string, rep: number, ms: number }> }} run
 * @returns {string}
 */
export function report({ date, machine, options, results }) {
  const perDoc = (s, n) => (s ? `${Math.round((s.median * 1000) / n)} µs` : '–');
  const load = (machine['loadAverage'] ?? []).map((l) => l.toFixed(1)).join(' ');
  const has = (scenario) => results.some((r) => r.scenario === scenario);
  const section = (scenario, title, body) => (has(scenario) ? [title, '', body(), ''] : []);
  return [
    `### ${options['quick'] ? 'Quick run' : 'Full run'}, ${date}`,
    '',
    `Machine: ${String(machine['cpus'])} cores (${String(machine['cpuModel'])}), ${String(machine['memoryGiB'])} GiB, ` +
      `shared with other work (load average at the end: ${load}); Node ${String(machine['node'])}; ${String(machine['browser'])}; ` +
      `browser profile ${String(options['profile'])}. Medians of ${String(options['reps'])} repetitions (min–max).`,
    '',
    '"p2pcloud engine" is SyncEngine as the app runs it, timed until it reports the peer "up to date" (both directions, ' +
      'pending counts included); "p2pcloud replication" is its PeerReplication alone. Speed-up = PouchDB / p2pcloud.',
    '',
    ...section('pull', '**Initial pull into an empty browser database**', () => scenarioTable(results, 'pull', 'PouchDB replicate.from')),
    ...section('push', '**Push of local notes to an empty peer**', () => scenarioTable(results, 'push', 'PouchDB replicate.to')),
    ...section('pull', '**Growth: pull cost per document** (median time / docs)', () => scenarioTable(results, 'pull', 'PouchDB', perDoc)),
    ...section('live', '**Live propagation**: a note written on the peer until the local changes feed has it; and written on device A until device B\'s changes feed has it (two databases in one page, each syncing with the peer)', () => liveTable(results)),
  ].join('\n');
}

// The Markdown section of the app bench (issue #6 items 3 to 5).
import { median, percentile, table } from './stats.mjs';

const f = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '–');
const kb = (b) => `${(b / 1000).toFixed(1)} kB`;
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

function stats(values, unit = f) {
  if (!values.length) return ['–', '–', '–', '0'];
  return [unit(median(values)), unit(percentile(values, 95)), unit(Math.max(...values)), String(values.length)];
}

const pick = (results, scenario, method, field = 'ms') =>
  results.filter((r) => r.scenario === scenario && r.method === method).map((r) => r[field]);

/**
 * @param {{ date: string, quick: boolean, n: number, reps: number, results: Array<Record<string, number | string>>,
 *   initialFiles: string[] }} run
 */
export function appReport({ date, quick, n, reps, results, initialFiles }) {
  const row = (name, target, scenario, method, field, unit) => [name, target, ...stats(pick(results, scenario, method, field), unit)];
  const bundle = results.find((r) => r.scenario === 'app-bundle' && r.method === 'initial JS');
  const all = results.find((r) => r.scenario === 'app-bundle' && r.method === 'all JS');
  return [
    `### The app: propagation, ${n.toLocaleString('en')} stored notes, size (${quick ? 'quick' : 'full'} run, ${date})`,
    '',
    'The built app in headless Chromium against CouchDB-protocol peers on loopback (`scripts/bench/app.mjs`). ' +
      'Propagation: wall-clock time from the editor on device A saying "Saved on this device" until the note row with the new ' +
      'title is painted on device B. Stored notes: a new tab opened offline (service worker) on a device holding ' +
      `${n.toLocaleString('en')} notes, ${reps} times; times from navigation start; a keystroke is timed from its key ` +
      'event until the count line and list answer it and the next frame is painted.',
    '',
    table(
      ['measure', 'target', 'median', 'p95', 'max', 'samples'],
      [
        row('propagation A → peer → B', 'p95 ≤ 50 ms', 'app-live', 'one peer'),
        row('… of which until B\'s notes list hears of it', '', 'app-live', "one peer: to B's changes feed"),
        row('propagation A → peer 1 → R → peer 2 → B', 'p95 ≤ 100 ms', 'app-live', 'relay'),
        row('… of which until B\'s notes list hears of it', '', 'app-live', "relay: to B's changes feed"),
        row('first notes painted', '≤ 400 ms', 'app-start', 'first notes painted'),
        row('first contentful paint (header)', '', 'app-start', 'first contentful paint'),
        row('whole list loaded (count shown)', '', 'app-start', 'whole list loaded'),
        row('longest task while loading', '', 'app-start', 'longest task while loading'),
        row('search keystroke, answer painted', 'p95 ≤ 50 ms', 'app-search', 'keystroke painted'),
        row('scroll the whole list: longest task', '≤ 50 ms', 'app-scroll', 'longest task'),
        row('scroll the whole list: longest frame', '', 'app-scroll', 'longest frame'),
        row('control: longest task in 5 s idle before scrolling', '', 'app-scroll', 'longest task idle 5 s'),
        row('JS heap after opening, after GC', '≤ 150 MB', 'app-heap', 'JS heap after GC', 'bytes', mib),
        row('JS heap after searching, after GC', '≤ 150 MB', 'app-heap', 'JS heap after searching', 'bytes', mib),
      ],
    ),
    '',
    bundle
      ? `Initial JavaScript (what index.html loads: ${initialFiles.join(', ')}): ${kb(bundle.gzip)} gzipped ` +
        `(${kb(bundle.bytes)} raw); target ≤ 200 KB gzipped. All JavaScript in the build: ${all?.files} files, ` +
        `${kb(all?.gzip ?? 0)} gzipped.`
      : '',
  ].join('\n');
}

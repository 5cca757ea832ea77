// The app bench (issue #6 items 3 to 5): the BUILT app in headless
// Chromium, against CouchDB-protocol peers on loopback. Live propagation
// measured from the UI (one peer, and a relay browser between two peers),
// cold start offline with many stored notes (first paint, search per
// keystroke, scrolling, heap) and the size of the initial JavaScript.
// A measurement: no thresholds. Run alone with scripts/bench/app-run.mjs.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../lib/staticServer.mjs';
import { bundleSizes } from './appBundle.mjs';
import { CHROMIUM } from './appDevices.mjs';
import { appReport } from './appReport.mjs';
import { buildSeedPage } from './appSeed.mjs';
import { propagation, storedNotes } from './appScenarios.mjs';
import { startBenchPeer } from './peer.mjs';

// Built apart from dist/, which the e2e tests serve while other work runs.
const DIST = resolve('tests/bench/out/app-dist');

async function buildApp() {
  await promisify(execFile)('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], {
    maxBuffer: 16 * 2 ** 20,
  });
}

/**
 * @param {{ quick?: boolean, reps?: number, log?: (line: string) => void, only?: string[] }} options
 *   `only`: some of 'live', 'stored' (while developing; default both)
 * @returns {Promise<{ results: Array<{ scenario: string, size: number, method: string, rep: number, ms?: number }>, markdown: string }>}
 */
export async function runAppBench({ quick = false, reps = 3, log = console.log, only = ['live', 'stored'] } = {}) {
  const n = quick ? 10_000 : 50_000;
  // --quick keeps the whole `npm run bench -- --quick` near 3 minutes.
  const samples = quick ? 10 : 50;
  const storedReps = quick ? Math.min(reps, 2) : reps;
  await buildApp();
  await buildSeedPage(DIST, resolve('tests/bench/out/app-seed'));
  log('app bench: app built');
  const results = [];
  const sizes = await bundleSizes(DIST);
  results.push({ scenario: 'app-bundle', size: 1, method: 'initial JS', rep: 0, bytes: sizes.initial.bytes, gzip: sizes.initial.gzip });
  results.push({ scenario: 'app-bundle', size: 1, method: 'all JS', rep: 0, bytes: sizes.all.bytes, gzip: sizes.all.gzip, files: sizes.all.files });
  const site = await startStaticServer({ root: DIST });
  const peers = [await startBenchPeer(), await startBenchPeer()];
  const browser = await chromium.launch(CHROMIUM);
  try {
    for (const [method, count] of only.includes('live') ? [['one peer', 1], ['relay', 2]] : []) {
      const dbs = peers.slice(0, count).map((peer, i) => ({ peer, db: `live-${method.replace(' ', '-')}-${i}` }));
      for (const { peer, db } of dbs) await peer.create(db);
      const targets = dbs.map(({ peer, db }) => peer.target(db));
      const latencies = await propagation({ browser, origin: site.origin, targets, samples, log });
      latencies.forEach(({ ms, toFeed }, rep) => {
        results.push({ scenario: 'app-live', size: 1, method, rep, ms });
        results.push({ scenario: 'app-live', size: 1, method: `${method}: to B's changes feed`, rep, ms: toFeed });
      });
      for (const { peer, db } of dbs) await peer.remove(db);
    }
    await browser.close();
    if (!only.includes('stored')) return { results, markdown: appReport({ date: new Date().toISOString(), quick, n, reps, results, initialFiles: sizes.initial.files }) };
    const stored = await storedNotes({ chromium, origin: site.origin, n, reps: storedReps, scrollSteps: quick ? 100 : 250, log });
    results.push(...stored);
  } finally {
    await browser.close().catch(() => undefined);
    await Promise.all([...peers.map((p) => p.close()), site.close()]);
  }
  const markdown = appReport({ date: new Date().toISOString(), quick, n, reps: storedReps, results, initialFiles: sizes.initial.files });
  return { results, markdown };
}

// The measurements of the app bench (scripts/bench/app.mjs), each on the
// built app in headless Chromium against loopback peers. They return rows
// { scenario, size, method, rep, ms } (plus other figures where ms does not fit).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { addPeer, asDevice, CHROMIUM, gotoNotes, heapAfterGc, openApp, serviceWorkerReady } from './appDevices.mjs';
import { scrollWholeList } from './appProbes.mjs';
import { seedNotes } from './appSeed.mjs';
import { benchDocs } from './docs.mjs';

const RENDER_TIMEOUT_MS = 15_000;

function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A note saved on device A until it is painted on device B: through one
 * peer, or (relay) A—peer 1—browser R—peer 2—B.
 * @returns {Promise<Array<{ ms: number, toFeed: number }>>} per sample (after
 *   `warmup` discarded ones): saved on A until painted on B, and until B's
 *   list heard of the change (the rest is B's UI)
 */
export async function propagation({ browser, origin, targets, samples, warmup = 3, log }) {
  const relay = targets.length === 2;
  const contexts = [];
  const device = async (route) => {
    const context = await asDevice(await browser.newContext());
    contexts.push(context);
    return openApp(context, origin, route);
  };
  try {
    const a = await device('notes');
    const b = await device('notes');
    const quickly = 60_000;
    await addPeer(a, targets[0], quickly);
    if (relay) {
      const r = await device('peers');
      await addPeer(r, targets[0], quickly);
      await addPeer(r, targets[1], quickly);
    }
    await addPeer(b, targets.at(-1), quickly);
    await Promise.all([gotoNotes(a), gotoNotes(b)]);
    await a.getByRole('button', { name: 'New note' }).click();
    const title = a.getByRole('textbox', { name: 'Title' });
    const latencies = [];
    for (let i = 0; i < samples + warmup; i += 1) {
      const text = `propagation ${i} ${Math.random().toString(36).slice(2, 8)}`;
      await b.evaluate((t) => window.__bench.armRender(t), text);
      await a.evaluate(() => window.__bench.armSaved());
      await title.fill(text);
      const saved = await within(a.evaluate(() => window.__bench.savedDone), RENDER_TIMEOUT_MS, 'save on A');
      const b1 = await within(b.evaluate(() => window.__bench.renderDone), RENDER_TIMEOUT_MS, `"${text}" on B`);
      if (i >= warmup) latencies.push({ ms: b1.painted - saved, toFeed: b1.feed - saved });
    }
    log(`propagation ${relay ? 'through a relay browser' : 'through one peer'}: ${latencies.length} samples`);
    return latencies;
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
}

// The app's rule (foldText in src/domain/note.ts), written again here: this is Node-side .mjs.
function fold(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const foldedTexts = new Map();

/** What the count line must say for `query` over the first `n` bench notes (the app's matching rules). */
export function expectedCount(n, query) {
  if (!query) return `${n} notes`;
  if (!foldedTexts.has(n)) foldedTexts.set(n, benchDocs(0, n).map((doc) => fold(`${doc.title}\n${doc.body}`)));
  const words = fold(query).split(/\s+/).filter(Boolean);
  const hits = foldedTexts.get(n).filter((text) => words.every((w) => text.includes(w))).length;
  return `${hits} of ${n} notes`;
}

/** Queries typed one key at a time; words of the bench notes, with case and accents to fold. */
export const QUERIES = ['garden recipe', 'Note 12', 'MESH offline', 'révision'];

/** Types each query key by key, timing every keystroke until its answer is painted. */
async function typeQueries(page, n) {
  const box = page.getByRole('searchbox', { name: 'Search notes' });
  const times = [];
  const press = async (key, query) => {
    const expected = expectedCount(n, query);
    await page.evaluate((e) => window.__bench.armSearch(e), expected);
    await page.keyboard.press(key);
    times.push(await within(page.evaluate(() => window.__bench.searchDone), RENDER_TIMEOUT_MS, `search "${query}"`));
  };
  await box.focus();
  for (const query of QUERIES) {
    for (let k = 1; k <= query.length; k += 1) {
      const ch = query[k - 1];
      if (/^[\x20-\x7e]$/.test(ch)) await press(ch === ' ' ? 'Space' : ch, query.slice(0, k));
      else {
        // Not on a US keyboard: typed as text (an input event, no keydown).
        const expected = expectedCount(n, query.slice(0, k));
        await page.evaluate((e) => window.__bench.armSearch(e), expected);
        await page.keyboard.insertText(ch);
        times.push(await within(page.evaluate(() => window.__bench.searchDone), RENDER_TIMEOUT_MS, `search "${query}"`));
      }
    }
    await page.keyboard.press('ControlOrMeta+a');
    await press('Backspace', '');
  }
  return times;
}

/**
 * One device with `n` notes (seeded by bulkDocs), then, `reps` times,
 * a new tab opened offline: first notes painted, the whole list, heap,
 * search keystrokes and a scroll through the whole list.
 */
export async function storedNotes({ chromium, origin, n, reps, scrollSteps, log }) {
  const rows = [];
  const profile = await mkdtemp(join(os.tmpdir(), 'appbench-profile-'));
  const context = await asDevice(await chromium.launchPersistentContext(profile, CHROMIUM));
  try {
    const seedFrom = Date.now();
    await seedNotes(context, origin, n);
    log(`${n} notes stored on the device in ${((Date.now() - seedFrom) / 1000).toFixed(1)} s`);
    // A device in use has opened its notes before: that visit also leaves
    // the newest rows remembered for the next start.
    const whole = `${n} notes`;
    const setup = await openApp(context, origin, 'notes');
    await serviceWorkerReady(setup);
    await setup.waitForFunction((t) => window.__bench.countSeen[t] !== undefined, whole, { timeout: 5 * 60_000 });
    await setup.close();
    await context.setOffline(true);
    for (let rep = 0; rep < reps; rep += 1) {
      const page = await context.newPage();
      await page.goto(`${origin}/#/notes`);
      await page.waitForFunction((t) => window.__bench.countSeen[t] !== undefined, whole, { timeout: 5 * 60_000 });
      const start = await page.evaluate((t) => {
        const b = window.__bench;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
        return { first: b.firstItemPainted, all: b.countSeen[t], fcp, longest: Math.max(0, ...b.longTasks.map((x) => x.duration)) };
      }, whole);
      log(`stored ${n} #${rep + 1}: list shown after ${Math.round(start.all)} ms`);
      const row = (scenario, method, ms, extra = {}) => rows.push({ scenario, size: n, method, rep, ms, ...extra });
      row('app-start', 'first notes painted', start.first);
      row('app-start', 'whole list loaded', start.all);
      row('app-start', 'first contentful paint', start.fcp);
      row('app-start', 'longest task while loading', start.longest);
      const heap = await heapAfterGc(page);
      rows.push({ scenario: 'app-heap', size: n, method: 'JS heap after GC', rep, bytes: heap });
      const keys = await typeQueries(page, n);
      keys.forEach((t, i) => row('app-search', 'keystroke painted', t.painted, { key: i }));
      // Again once search has folded every note's text.
      rows.push({ scenario: 'app-heap', size: n, method: 'JS heap after searching', rep, bytes: await heapAfterGc(page) });
      // A control for the scroll figure: the longest task in 5 s of doing nothing.
      const idle = await page.evaluate(async () => {
        const from = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 5000));
        return Math.max(0, ...window.__bench.longTasks.filter((t) => t.start >= from).map((t) => t.duration));
      });
      row('app-scroll', 'longest task idle 5 s', idle);
      const scroll = await page.evaluate(scrollWholeList, scrollSteps);
      row('app-scroll', 'longest task', scroll.longestTask, { longTasks: scroll.longTasks, rowsInDom: scroll.rowsInDom });
      row('app-scroll', 'longest frame', scroll.longestFrame);
      if (!scroll.lastRow.includes('Note 0:')) log(`scroll ${rep + 1}: the last row is "${scroll.lastRow}", not note 0`);
      log(
        `stored ${n} #${rep + 1}: first notes ${Math.round(start.first)} ms, all ${Math.round(start.all)} ms, ` +
          `heap ${(heap / 2 ** 20).toFixed(0)} MiB, keystroke max ${Math.round(Math.max(...keys.map((t) => t.painted)))} ms, ` +
          `scroll longest task ${Math.round(scroll.longestTask)} ms (${scroll.rowsInDom} rows in the DOM)`,
      );
      await page.close();
    }
    return rows;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

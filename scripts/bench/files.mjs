// The files round trip of issue #4: a file of random bytes picked on device A,
// added through FilesStore, pushed to the peer by the SyncEngine, pulled onto
// device B and read back there, checked against the SHA-256 Node computed
// when it wrote the file. Each device is its own Chromium with its own
// profile (its own IndexedDB), so its memory can be read on its own: the
// page's JS heap through CDP (Performance.getMetrics) and the renderer's and
// the whole browser's resident memory from /proc (VmRSS sampled, VmHWM).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { readMemory, summariseMemory } from './filesMemory.mjs';
import { ms, table } from './stats.mjs';

const MiB = 1024 * 1024;

/** Writes `mib` MiB of random bytes to `path`; resolves with their SHA-256 (hex). */
async function randomFile(path, mib) {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let i = 0; i < mib; i += 1) {
    const piece = randomBytes(MiB);
    hash.update(piece);
    if (!out.write(piece)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve(undefined))));
  return hash.digest('hex');
}

/** Every pid in /proc with its parent, to find a browser's whole process tree. */
async function processTable() {
  const rows = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0');
      rows.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // The process ended while being read.
    }
  }
  return rows;
}

/** The browser process started with `profileDir` and its descendants, renderers marked. */
async function browserTree(profileDir) {
  const all = await processTable();
  const root = all.find(
    (p) => p.cmdline.includes(`--user-data-dir=${profileDir}`) && !p.cmdline.some((a) => a.startsWith('--type=')),
  );
  if (!root) throw new Error(`no browser process for ${profileDir}`);
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) tree.push(...all.filter((p) => p.ppid === tree[i].pid));
  // Zygote-forked children rewrite their title: their whole command line may come as one string.
  return tree.map((p) => ({ pid: p.pid, isRenderer: p.cmdline.join(' ').includes('--type=renderer') }));
}

/**
 * One device: its own Chromium and profile, one bench page, and a sampler of
 * its memory that runs until `stop()`.
 */
async function openDevice(chromiumOptions, origin, workDir, name) {
  const profileDir = await mkdtemp(join(workDir, `files-${name}-`));
  const context = await chromium.launchPersistentContext(profileDir, chromiumOptions);
  const page = await context.newPage();
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const samples = [];
  let sampling = true;
  // Sampling is a loop of awaited reads (not timers racing each other): one sample at a time.
  const sampler = (async () => {
    let tree = await browserTree(profileDir);
    for (let i = 1; sampling; i += 1) {
      // The peer runs in this same Node process: scanning all of /proc for new
      // processes only now and then keeps the sampler from slowing it down.
      if (i % 10 === 0) tree = await browserTree(profileDir);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      samples.push({ heap, processes: await readMemory(tree) });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })().then(
    () => undefined,
    // Kept for close() to throw: a failed sampler means the memory figures would be wrong.
    (err) => err,
  );
  return {
    page,
    call: (fn, ...args) => page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]),
    /** Stops sampling and the browser; resolves with the memory summary. */
    close: async () => {
      // One last sample with VmHWM, the kernel's own peak, before the processes go.
      const tree = await browserTree(profileDir);
      const last = await readMemory(tree);
      sampling = false;
      const failed = await sampler;
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
      if (failed) throw failed;
      return summariseMemory(samples, last);
    },
  };
}

/** One round trip of a `mib` MiB file; resolves with its figures. */
async function roundTrip({ chromiumOptions, origin, peer, workDir, log }, mib) {
  const path = join(workDir, `random-${mib}MiB-${process.pid}.bin`);
  const expected = await randomFile(path, mib);
  const db = `files-${mib}`;
  await peer.create(db);
  try {
    const a = await openDevice(chromiumOptions, origin, workDir, 'A');
    let added;
    let pushed;
    let memoryA;
    try {
      await a.page.setInputFiles('#file', path);
      added = await a.call('filesAdd');
      log(`files ${mib} MiB: added on A in ${ms(added.ms)}`);
      pushed = await a.call('filesPush', peer.target(db), added.id, added.chunks);
      log(`files ${mib} MiB: pushed in ${ms(pushed.ms)}`);
    } finally {
      memoryA = await a.close();
    }
    const b = await openDevice(chromiumOptions, origin, workDir, 'B');
    let pulled;
    let verified;
    let memoryB;
    try {
      pulled = await b.call('filesPull', peer.target(db), added.id);
      log(`files ${mib} MiB: pulled onto B in ${ms(pulled.ms)}`);
      verified = await b.call('filesVerify', added.id);
    } finally {
      memoryB = await b.close();
    }
    if (verified.sha256 !== expected || added.sha256 !== expected || verified.size !== mib * MiB) {
      throw new Error(`files ${mib} MiB: SHA-256 on B ${verified.sha256} (${verified.size} bytes), expected ${expected}`);
    }
    log(`files ${mib} MiB: identical on B (SHA-256), read back in ${ms(verified.ms)}`);
    return { mib, add: added, push: pushed, pull: pulled, verify: verified, memoryA, memoryB, sha256: expected };
  } finally {
    await peer.remove(db);
    await rm(path, { force: true });
  }
}

const mb = (bytes) => `${Math.round(bytes / MiB)} MiB`;

function markdown(runs) {
  const steps = table(
    ['file', 'add on A', 'push A → peer', 'pull peer → B', 'read + check on B', 'round trip (add + push + pull)', 'longest task (push / pull)'],
    runs.map((r) => [
      `${r.mib} MiB`,
      ms(r.add.ms),
      ms(r.push.ms),
      ms(r.pull.ms),
      ms(r.verify.ms),
      ms(r.add.ms + r.push.ms + r.pull.ms),
      `${Math.round(r.push.longestTaskMs)} ms / ${Math.round(r.pull.longestTaskMs)} ms`,
    ]),
  );
  const memory = table(
    ['file', 'device', 'peak JS heap', 'renderer peak RSS (VmHWM)', 'renderer RSS, sampled peak', 'whole browser PSS, sampled peak'],
    runs.flatMap((r) =>
      [['A (add, push)', r.memoryA], ['B (pull, read)', r.memoryB]].map(([device, m]) => [
        `${r.mib} MiB`,
        device,
        mb(m.peakHeap),
        mb(m.rendererHwm),
        mb(m.rendererRss),
        mb(m.browserPss),
      ]),
    ),
  );
  return [
    '**Files round trip** (issue #4): random bytes picked on device A, added through FilesStore, pushed by the SyncEngine, ' +
      'pulled by the SyncEngine onto device B (another browser profile), read back there and found identical by SHA-256. ' +
      'One run per size.',
    '',
    steps,
    '',
    '**Files round trip: memory** (each device its own Chromium; sampled every ~200 ms; VmHWM is the kernel\'s peak for the renderer)',
    '',
    memory,
  ].join('\n');
}

/**
 * Runs the files round trip for each size.
 * @param {{ sizesMiB: number[], chromiumOptions: object, origin: string, peer: object, workDir: string,
 *   log: (line: string) => void }} options
 * @returns {Promise<{ results: object[], markdown: string }>}
 */
export async function runFilesBench(options) {
  const runs = [];
  for (const mib of options.sizesMiB) runs.push(await roundTrip(options, mib));
  return { results: runs, markdown: markdown(runs) };
}

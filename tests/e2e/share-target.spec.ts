// "Share to p2pcloud" (Web Share Target) end to end, on the built app and its
// real service worker. Desktop Chromium shows no share sheet, so the tests do
// what the OS does for an installed app: a multipart POST navigation to the
// manifest's share_target action, which the service worker must answer.
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { FilesPage, type PickedFile } from './page-models/FilesPage';
import { NotesPage } from './page-models/NotesPage';

const sha256 = (bytes: Buffer) => createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');

/** Opens Files and waits until the service worker controls the page, as it does in an installed app. */
async function openControlled(page: Page): Promise<FilesPage> {
  await page.goto('/#/files');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first visit is not controlled until a reload (no clients.claim, by design).
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  const files = new FilesPage(page);
  await expect(page.getByRole('heading', { name: 'Files' })).toBeVisible();
  return files;
}

/** How many shares are staged in the worker's IndexedDB store (0 when it was never created). */
function stagedShares(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('p2pcloud-share');
        // Never create the database from here: that would give it no store.
        req.onupgradeneeded = () => req.transaction?.abort();
        req.onerror = () => resolve(0);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('shares')) {
            db.close();
            return resolve(0);
          }
          const count = db.transaction('shares').objectStore('shares').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error ?? new Error('count failed'));
        };
      }),
  );
}

test('the manifest declares a POST multipart share target for any file, text and links', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifestUrl = new URL(href ?? '', page.url()).href;
  const manifest = (await (await request.get(manifestUrl)).json()) as {
    scope: string;
    share_target: { action: string; method: string; enctype: string; params: Record<string, unknown> };
  };
  const target = manifest.share_target;
  expect(target.method).toBe('POST');
  expect(target.enctype).toBe('multipart/form-data');
  expect(target.params).toEqual({ title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] });
  // The action must be inside the app's scope, or the service worker never sees the POST.
  const action = new URL(target.action, manifestUrl).href;
  expect(action.startsWith(new URL(manifest.scope, manifestUrl).href)).toBe(true);
  expect(new URL(action).pathname).toBe('/share-target');
});

test('files shared to the app are added byte for byte, and their staged copies are removed', async ({ page }) => {
  const files = await openControlled(page);
  // Larger than one 1 MiB chunk, so the multi-chunk path is used.
  const big: PickedFile = { name: 'holiday.bin', mimeType: 'application/octet-stream', buffer: randomBytes(2.5 * 1024 * 1024) };
  const small: PickedFile = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('shared from another app\n') };

  const answered = page.waitForResponse((res) => new URL(res.url()).pathname === '/share-target');
  await files.shareToApp({ files: [big, small], title: 'Photos' });
  // The worker, not the static server, answered the POST, with a redirect.
  const response = await answered;
  expect(response.fromServiceWorker()).toBe(true);
  expect(response.status()).toBe(303);

  await expect(files.sharedFileState(big.name)).toHaveText(/^Added/, { timeout: 30_000 });
  await expect(files.sharedFileState(small.name)).toHaveText(/^Added/);
  await expect(page.getByTestId('share-message')).toHaveText('Added all 2 shared files.');
  // The share's parameters are gone from the address, so a reload does not act on it again.
  expect(new URL(page.url()).search).toBe('');
  expect(new URL(page.url()).hash).toBe('#/files');
  await expect.poll(() => stagedShares(page)).toBe(0);

  await expect(files.row(big.name)).toBeVisible();
  await expect(files.row(small.name)).toBeVisible();
  expect((await files.downloadSha256(big.name)).sha256).toBe(sha256(big.buffer));
  expect((await files.downloadSha256(small.name)).sha256).toBe(sha256(small.buffer));

  // Nothing is taken in twice after a reload.
  await page.reload();
  await expect(files.rows).toHaveCount(2);
  await expect(page.getByRole('region', { name: 'Shared with p2pcloud' })).toHaveCount(0);
});

test('a shared link with no file becomes a note', async ({ page }) => {
  const files = await openControlled(page);
  await files.shareToApp({ title: 'An article worth keeping', text: 'Read this later', url: 'https://example.org/article' });

  await expect(page.getByTestId('share-message')).toContainText('Saved what you shared as a new note, “An article worth keeping”.');
  await expect.poll(() => stagedShares(page)).toBe(0);
  await page.getByRole('link', { name: 'Open Notes' }).click();
  const notes = new NotesPage(page);
  await notes.open('An article worth keeping');
  await expect(notes.body).toHaveValue('Read this later\n\nhttps://example.org/article');
  await expect(new FilesPage(page).rows).toHaveCount(0);
});

test('a share cut off midway (the app closed) is kept, and added exactly once later', async ({ page, context }) => {
  // Adding a multi-megabyte file on a shared two-core machine takes a while.
  test.setTimeout(180_000);
  const files = await openControlled(page);
  // Big enough that adding it takes a while after the first progress shows.
  const video: PickedFile = { name: 'video.bin', mimeType: 'application/octet-stream', buffer: randomBytes(12 * 1024 * 1024) };
  await files.shareToApp({ files: [video] });
  await expect(files.sharedFileState(video.name)).toHaveText(/^Hashed/, { timeout: 30_000 });
  await page.close();

  const later = await context.newPage();
  await later.goto('/#/files');
  const again = new FilesPage(later);
  // The file document is written last, so no half-added file is listed.
  await expect(later.getByText('1 shared file is waiting to be added.')).toBeVisible();
  await expect(again.rows).toHaveCount(0);
  expect(await stagedShares(later)).toBe(1);

  await later.getByRole('button', { name: 'Add to Files' }).click();
  await expect(again.sharedFileState(video.name)).toHaveText(/^Added/, { timeout: 120_000 });
  await expect.poll(() => stagedShares(later)).toBe(0);
  await expect(again.rows).toHaveCount(1);
  expect((await again.downloadSha256(video.name)).sha256).toBe(sha256(video.buffer));
});

test('text shared along with a file is kept for the person to decide, and can be discarded', async ({ page }) => {
  const files = await openControlled(page);
  const photo: PickedFile = { name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('total 12.50\n') };
  await files.shareToApp({ files: [photo], text: 'from the shop website', url: 'https://shop.example/receipt/1' });

  await expect(files.sharedFileState(photo.name)).toHaveText(/^Added/);
  await expect(page.getByTestId('shared-text')).toHaveText('from the shop website\nhttps://shop.example/receipt/1');
  // Not decided yet: it survives a reload.
  await page.reload();
  await expect(page.getByTestId('shared-text')).toHaveText('from the shop website\nhttps://shop.example/receipt/1');
  expect(await stagedShares(page)).toBe(1);
  await expect(files.rows).toHaveCount(1);

  await page.getByRole('button', { name: 'Discard text' }).click();
  await expect(page.getByRole('region', { name: 'Shared with p2pcloud' })).toHaveCount(0);
  expect(await stagedShares(page)).toBe(0);
  await new NotesPage(page).goto();
  await expect(new NotesPage(page).items).toHaveCount(0);
});

test('an empty share lands on Files with a clear message and stages nothing', async ({ page }) => {
  const files = await openControlled(page);
  await files.shareToApp({});
  await expect(page.getByRole('alert')).toHaveText('The share arrived empty: no file, text or link came with it.');
  expect(await stagedShares(page)).toBe(0);
  expect(new URL(page.url()).search).toBe('');
});

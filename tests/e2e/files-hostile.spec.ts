// #19: a file that arrives from a peer is data, never the app. Anyone who can
// write one document to any peer of the mesh can add a file whose bytes are an
// HTML page or a scripted SVG, or whose document claims a type it is not.
// Opening it must run nothing in the app's origin, open no tab that could
// reach back, and say why it is offered for download instead.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, MEMBER, test } from './fixtures';
import { FilesPage, type PickedFile } from './page-models/FilesPage';

const member = { username: MEMBER.username, password: MEMBER.password };

/** What a payload does if it ever runs: flags on the page and its opener, in localStorage, and a database of its own. */
const payload = (tag: string) =>
  `window.__pwned='${tag}';try{(window.opener||window).__pwned='${tag}'}catch(e){}` +
  `localStorage.setItem('pwned','${tag}');indexedDB.open('pwned-${tag}');`;

const page: PickedFile = {
  name: 'page.html',
  mimeType: 'text/html',
  buffer: Buffer.from(`<!doctype html><html><body><script>${payload('html')}</script><img src=x onerror="${payload('html-img')}"></body></html>`),
};
const svg: PickedFile = {
  name: 'logo.svg',
  mimeType: 'image/svg+xml',
  buffer: Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" onload="${payload('svg')}">` +
      `<script>${payload('svg-script')}</script><rect width="40" height="30" fill="teal"/></svg>`,
  ),
};
/** Harmless bytes whose document claims they are a web page. */
const claimsHtml: PickedFile = { name: 'letter.txt', mimeType: 'text/html', buffer: Buffer.from('Dear friend, see you at noon.') };
/** A web page whose document claims it is a picture. */
const disguised: PickedFile = { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(`<html><script>${payload('disguised')}</script></html>`) };
/** Real text with markup in it: shown as the characters it holds. */
const text: PickedFile = { name: 'readme.txt', mimeType: 'text/plain', buffer: Buffer.from('Plain <b>words</b> <script>not run</script>') };

const databases = (p: Page) =>
  p.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());

test('#19 HTML, scripted SVG and files whose documents lie, opened from a peer, run nothing and are offered for download', async ({
  startPeer,
  openDevice,
}) => {
  test.setTimeout(180_000);
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const friend = await openDevice('Friend');
  const laptop = await openDevice('Laptop');
  await friend.addPeer(url, member);
  await laptop.addPeer(url, member);
  const onFriend = new FilesPage(friend.page);
  await onFriend.open();
  await onFriend.add(page, svg, claimsHtml, disguised, text);

  const files = new FilesPage(laptop.page);
  await files.open();
  for (const file of [page, svg, claimsHtml, disguised, text]) await expect(files.status(file.name)).toHaveText('complete');
  const before = await databases(laptop.page);

  const notOpened = async (name: string, because: RegExp) => {
    await files.row(name).getByRole('button', { name: 'Open' }).click();
    const viewer = laptop.page.getByRole('region', { name: `Preview of ${name}` });
    await expect(viewer.getByTestId('file-not-opened')).toHaveText(because);
    await expect(viewer.getByTestId('file-not-opened')).toContainText('Download it to open it with another program.');
    await expect(viewer.getByRole('button', { name: 'Full screen' })).toHaveCount(0);
    await expect(viewer.locator('iframe, img, video, audio, pre')).toHaveCount(0);
    return viewer;
  };

  const htmlViewer = await notOpened('page.html', /does not open an HTML page itself/);
  // The offered download is the file, byte for byte.
  const download = laptop.page.waitForEvent('download');
  await htmlViewer.getByRole('button', { name: 'Download' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('page.html');
  const sha = (b: Buffer) => createHash('sha256').update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).digest('hex');
  expect(sha(await readFile(await saved.path()))).toBe(sha(page.buffer));

  await notOpened('letter.txt', /does not open an HTML page itself/);
  await notOpened('photo.png', /does not open an HTML page itself/);

  // The SVG is a picture in an <img>, where its onload and <script> never run.
  await files.row('logo.svg').getByRole('button', { name: 'Open' }).click();
  const svgViewer = laptop.page.getByRole('region', { name: 'Preview of logo.svg' });
  const image = svgViewer.getByTestId('file-preview-image');
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);

  await files.row('readme.txt').getByRole('button', { name: 'Open' }).click();
  const textViewer = laptop.page.getByRole('region', { name: 'Preview of readme.txt' });
  await expect(textViewer.getByTestId('file-preview-text')).toHaveText('Plain <b>words</b> <script>not run</script>');
  await expect(textViewer.locator('b, script')).toHaveCount(0);

  // Nothing ran: no flag, nothing stored, no database made, no tab opened.
  expect(laptop.context.pages()).toHaveLength(1);
  expect(await laptop.page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(await laptop.page.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
  expect(await databases(laptop.page)).toEqual(before);
  expect(before.some((name) => name?.startsWith('pwned'))).toBe(false);
});

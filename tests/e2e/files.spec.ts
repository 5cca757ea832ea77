import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { Device } from './page-models/Device';
import { FilesPage, type PickedFile } from './page-models/FilesPage';

const member = { username: MEMBER.username, password: MEMBER.password };
/** A Buffer seen as a plain Uint8Array (this project's DOM and Node typings disagree about Buffer). */
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const sha256 = (bytes: Buffer) => createHash('sha256').update(u8(bytes)).digest('hex');

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A real RGB PNG (a colour gradient) that the browser can decode, so a thumbnail gets made. */
function makePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data].map(u8));
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc].map(u8));
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < height; y += 1) {
    rows.push(0);
    for (let x = 0; x < width; x += 1) rows.push((x * 255) / width, (y * 255) / height, 128);
  }
  return Buffer.concat(
    [
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(u8(Buffer.from(rows)))),
      chunk('IEND', Buffer.alloc(0)),
    ].map(u8),
  );
}

async function twoDevices(browser: Parameters<typeof Device.open>[0], origin: string, url: string, errors: string[]) {
  const laptop = await Device.open(browser, origin, 'Laptop', errors);
  const phone = await Device.open(browser, origin, 'Phone', errors);
  await laptop.addPeer(url, member);
  await phone.addPeer(url, member);
  return { laptop, phone, onLaptop: new FilesPage(laptop.page), onPhone: new FilesPage(phone.page) };
}

async function chunkDocsOn(url: string): Promise<number> {
  const res = await openRemote(url, member).allDocs({ startkey: 'chunk:', endkey: 'chunk:\uffff' });
  return res.rows.length;
}

test('an image added on one device reaches another with its thumbnail, byte for byte; deleting it there removes it here', async ({
  browser,
  app,
  startPeer,
}) => {
  // Two browsers and a peer on a shared two-core machine: setting up takes a while.
  test.setTimeout(180_000);
  const peer = await startPeer();
  const errors: string[] = [];
  const { laptop, phone, onLaptop, onPhone } = await twoDevices(browser, app.origin, peer.dbUrl('notes'), errors);
  const png: PickedFile = { name: 'gradient.png', mimeType: 'image/png', buffer: makePng(320, 200) };

  await onLaptop.open();
  await onLaptop.add(png);
  await expect(onLaptop.status('gradient.png')).toHaveText('complete');
  await expect(onLaptop.row('gradient.png').getByTestId('file-thumbnail')).toBeVisible();

  await onPhone.open();
  await expect(onPhone.status('gradient.png')).toHaveText('complete');
  await expect(onPhone.row('gradient.png').getByTestId('file-added-by')).toHaveText('added by Laptop');
  await expect(onPhone.row('gradient.png').getByRole('img', { name: 'Thumbnail of gradient.png' })).toBeVisible();
  const thumbWidth = await onPhone.row('gradient.png').getByTestId('file-thumbnail').evaluate((img: HTMLImageElement) => img.naturalWidth);
  expect(thumbWidth).toBe(160);

  const downloaded = await onPhone.downloadSha256('gradient.png');
  expect(downloaded).toEqual({ sha256: sha256(png.buffer), suggested: 'gradient.png' });

  // Open shows it inside the app, as an image typed from its bytes.
  await onPhone.row('gradient.png').getByRole('button', { name: 'Open' }).click();
  const viewer = phone.page.getByRole('region', { name: 'Preview of gradient.png' });
  const preview = viewer.getByTestId('file-preview-image');
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);

  // Bigger, without leaving the app: full screen, not a tab of the app's origin.
  await viewer.getByRole('button', { name: 'Full screen' }).click();
  await expect.poll(() => phone.page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid'))).toBe('file-preview-image');
  await phone.page.evaluate(() => document.exitFullscreen());
  expect(phone.context.pages()).toHaveLength(1);

  await onPhone.remove('gradient.png');
  await expect(onPhone.rows).toHaveCount(0);
  await expect(onLaptop.rows).toHaveCount(0);
  expect(errors).toEqual([]);
  await laptop.close();
  await phone.close();
});

test('a 5 MB file travels in 1 MiB chunks, is stored once when added twice, and arrives intact', async ({
  browser,
  app,
  startPeer,
}) => {
  test.setTimeout(180_000);
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const errors: string[] = [];
  const { laptop, phone, onLaptop, onPhone } = await twoDevices(browser, app.origin, url, errors);
  const bytes = randomBytes(5_000_000);
  const file: PickedFile = { name: 'random.bin', mimeType: 'application/octet-stream', buffer: bytes };

  await onLaptop.open();
  await onLaptop.add(file);
  await expect(onLaptop.page.getByRole('progressbar', { name: 'Adding random.bin' })).toHaveAttribute('value', String(bytes.length));
  await expect(onLaptop.row('random.bin').getByTestId('file-size')).toHaveText('5.0 MB');

  await onPhone.open();
  await expect(onPhone.status('random.bin')).toHaveText('complete', { timeout: 30_000 });
  expect((await onPhone.downloadSha256('random.bin')).sha256).toBe(sha256(bytes));

  // The same content again, under another name: a second file doc, no new chunk.
  await onLaptop.add({ ...file, name: 'copy.bin' });
  await expect(onPhone.status('copy.bin')).toHaveText('complete');
  await expect.poll(() => chunkDocsOn(url)).toBe(5);
  expect(errors).toEqual([]);
  await laptop.close();
  await phone.close();
});

test('files can be renamed, moved to a folder and filtered by folder', async ({ page }) => {
  const files = new FilesPage(page);
  await page.goto('/#/files');
  await expect(page.getByRole('heading', { name: 'Files' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Add to folder' }).fill('/docs/2026/');
  await files.add({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByRole('textbox', { name: 'Add to folder' }).fill('');
  await files.add({ name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('world') });
  await expect(files.row('a.txt').getByTestId('file-folder')).toHaveText('in docs/2026');

  await files.row('b.txt').getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('textbox', { name: 'New name for b.txt' }).fill('renamed.txt');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(files.row('renamed.txt')).toBeVisible();

  await page.getByRole('combobox', { name: 'Show folder' }).selectOption('docs');
  await expect(files.rows).toHaveCount(1);
  await expect(page.getByTestId('file-count')).toHaveText('1 of 2 files');
  await page.getByRole('combobox', { name: 'Show folder' }).selectOption('');
  await files.row('renamed.txt').getByRole('button', { name: 'Move' }).click();
  await page.getByRole('textbox', { name: 'Folder for renamed.txt' }).fill('docs');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('combobox', { name: 'Show folder' }).selectOption('docs');
  await expect(files.rows).toHaveCount(2);
});

test('a file dropped on the drop zone is added, and a PDF opens inside the app', async ({ page }) => {
  const files = new FilesPage(page);
  await page.goto('/#/files');
  const pdf = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.pdf', { type: 'application/pdf' }));
    return transfer;
  }, pdf);
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(files.status('dropped.pdf')).toHaveText('complete');
  await files.row('dropped.pdf').getByRole('button', { name: 'Open' }).click();
  const frame = page.getByRole('region', { name: 'Preview of dropped.pdf' }).getByTestId('file-preview-pdf');
  await expect(frame).toHaveAttribute('src', /^blob:/);
  await page.getByRole('button', { name: 'Close preview' }).click();
  await expect(frame).toHaveCount(0);
});

/** A real 8-bit mono WAV of `seconds` of silence, which Chromium decodes. */
function makeWav(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * seconds, 128);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate, 28);
  head.writeUInt16LE(1, 32);
  head.writeUInt16LE(8, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data].map(u8));
}

test('#19 a sound opens in a player inside the app, typed from its bytes whatever its document claims', async ({ page }) => {
  const files = new FilesPage(page);
  await page.goto('/#/files');
  // The document claims a web page; the bytes are a WAV: the bytes decide.
  await files.add({ name: 'silence.wav', mimeType: 'text/html', buffer: makeWav(2) });
  await files.row('silence.wav').getByRole('button', { name: 'Open' }).click();
  const player = page.getByRole('region', { name: 'Preview of silence.wav' }).getByTestId('file-preview-audio');
  await expect(player).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => player.evaluate((audio: HTMLAudioElement) => Math.round(audio.duration))).toBe(2);
  expect(page.context().pages()).toHaveLength(1);
});

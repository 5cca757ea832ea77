// `npm run screenshots`: retakes the pictures in README.md and docs/ from the
// real app (the build in dist/, or APP_DIST), in Debian's Chromium, with two
// devices syncing through a CouchDB-protocol peer on loopback: Notes, Peers and
// a conflict being resolved, on a laptop and on a phone. Run it after the UI
// changes; the PNGs land in docs/images/.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startPeerServer } from './lib/peerServer.mjs';
import { startStaticServer } from './lib/staticServer.mjs';

const OUT = resolve('docs/images');
const MEMBER = { username: 'alice', password: 'wonderland' };
const LAPTOP = { viewport: { width: 1200, height: 760 } };
const PHONE = { viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true };

mkdirSync(OUT, { recursive: true });
const peer = await startPeerServer({ members: { [MEMBER.username]: MEMBER.password }, admins: { admin: 'admin' }, databases: ['notes'] });
const app = await startStaticServer({ root: resolve(process.env.APP_DIST ?? 'dist') });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const url = peer.dbUrl('notes');

/** One device: its own context (own IndexedDB), named in Settings, with the peer added. */
async function device(name, options) {
  const context = await browser.newContext({ ...options, baseURL: app.origin });
  const page = await context.newPage();
  await page.goto('/#/settings');
  await page.getByRole('textbox', { name: 'Device name' }).fill(name);
  await go(page, 'Peers');
  const form = page.getByRole('form', { name: 'Add a peer' });
  await form.getByLabel('Database URL').fill(url);
  await form.getByLabel('User name').fill(MEMBER.username);
  await form.getByLabel('Password').fill(MEMBER.password);
  await form.getByRole('button', { name: 'Add peer' }).click();
  await synced(page);
  return { context, page };
}

const go = (page, label) => page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
const synced = (page) => page.getByTestId('sync-indicator').getByText('All peers up to date').waitFor({ timeout: 30_000 });

async function write(page, title, body) {
  await page.getByRole('button', { name: 'New note' }).click();
  await page.getByRole('textbox', { name: 'Title' }).fill(title);
  await page.getByRole('textbox', { name: 'Body (Markdown)' }).fill(body);
  await page.getByTestId('save-state').getByText('Saved on this device').waitFor();
}

async function edit(page, title, body) {
  await page.getByTestId('note-item').filter({ hasText: title }).click();
  await page.getByRole('textbox', { name: 'Body (Markdown)' }).fill(body);
  await page.getByTestId('save-state').getByText('Saved on this device').waitFor();
}

const shot = (page, name) => page.screenshot({ path: resolve(OUT, `${name}.png`) });

try {
  const laptop = await device('Laptop', LAPTOP);
  const phone = await device('Phone', PHONE);
  await go(laptop.page, 'Notes');
  await write(laptop.page, 'Groceries', '- milk\n- **bread**\n- eggs');
  await write(laptop.page, 'Raspberry Pi setup', 'CouchDB 3 on the Pi, then:\n\n```\nnpm run setup-peer -- https://admin:…@pi.local:6984 --with-app\n```');
  await write(laptop.page, 'Trip to Lyon', '- pack boots\n- book the train\n- call mum');
  await synced(laptop.page);
  await go(phone.page, 'Notes');
  await phone.page.getByTestId('note-item').filter({ hasText: 'Trip to Lyon' }).click();
  await phone.page.getByRole('textbox', { name: 'Body (Markdown)' }).filter({ hasText: 'call mum' }).waitFor();

  await shot(laptop.page, 'notes-laptop');
  await go(laptop.page, 'Peers');
  await laptop.page.getByRole('region', { name: 'Where is my data safe?' }).or(laptop.page.getByText('Where is my data safe?')).first().waitFor();
  await shot(laptop.page, 'peers-laptop');

  // Both offline, the same note changed on each: a conflict, shown on both and resolved on one.
  await laptop.context.setOffline(true);
  await phone.context.setOffline(true);
  await go(laptop.page, 'Notes');
  await edit(laptop.page, 'Trip to Lyon', '- pack boots and socks\n- book the train\n- call mum');
  await edit(phone.page, 'Trip to Lyon', '- pack boots\n- book the train\n- call mum and dad');
  await laptop.context.setOffline(false);
  await phone.context.setOffline(false);
  await phone.page.getByTestId('note-item').filter({ hasText: 'Trip to Lyon' }).getByText('conflict').waitFor({ timeout: 30_000 });
  await shot(phone.page, 'notes-phone');
  await go(laptop.page, 'Conflicts');
  await laptop.page.getByTestId('conflict-item').click();
  await laptop.page.getByTestId('conflict-version').nth(1).waitFor({ timeout: 30_000 });
  await shot(laptop.page, 'conflict-laptop');
  await go(phone.page, 'Peers');
  await synced(phone.page);
  await shot(phone.page, 'peers-phone');
  console.log(`screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await app.close();
  await peer.close();
}

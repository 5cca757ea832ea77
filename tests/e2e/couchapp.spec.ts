// #14: the app served by the mesh itself. `npm run deploy-app` puts the build
// on a CouchDB peer; a phone opens the printed address, installs the PWA,
// signs in to that same server, and works offline from then on.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { deployApp } from '../../scripts/lib/deployApp.mjs';
import { ADMIN, APP_ROOT, expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';
import { watchContext } from './pageFaults';

async function deploy(origin: string, dist: string) {
  const lines: string[] = [];
  const adminUrl = origin.replace('http://', `http://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@`);
  const result = await deployApp({ url: adminUrl, dist }, { fetch, log: (line) => lines.push(line) });
  return { ...result, output: lines.join('\n') };
}

/** A device that opens the app from the server's address, its own browser context. */
async function openFromServer(browser: Browser, address: string, name: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext();
  watchContext(context, errors, name);
  const page = await context.newPage();
  await page.goto(`${address}#/settings`);
  await page.getByRole('textbox', { name: 'Device name' }).fill(name);
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  return page;
}

async function useThisServer(page: Page, notesUrl: string): Promise<void> {
  const offer = page.getByRole('form', { name: 'This server can be your first peer' });
  await expect(offer).toContainText(notesUrl);
  await offer.getByRole('textbox', { name: 'User name on this server' }).fill(MEMBER.username);
  await offer.getByLabel('Password on this server').fill(MEMBER.password);
  await offer.getByRole('button', { name: 'Use this server' }).click();
  await expect(new PeersPage(page).state(notesUrl)).toHaveText('Up to date');
  await expect(offer).toHaveCount(0);
}

test('#14 deployed to a CouchDB peer, the app installs from it, syncs with it in one step, reloads offline, and shows a redeploy as an update', async ({
  browser,
  startPeer,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  const peer = await startPeer({ validateDocUpdate: true });
  const deployed = await deploy(peer.origin, APP_ROOT);
  const folder = `${peer.origin}/p2pcloud-app/_design/p2pcloud/`;
  expect(deployed.address).toBe(`${folder}index.html`);
  expect(deployed.output).not.toContain(ADMIN.password);
  const notesUrl = peer.dbUrl('notes');

  const phone = await openFromServer(browser, deployed.address, 'Phone', pageErrors);
  // The service worker runs under the server's attachment policy, for the app's folder.
  await expect.poll(() => phone.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(folder);
  await expect.poll(() => phone.evaluate(async () => !!(await navigator.serviceWorker.ready).active)).toBe(true);
  // An installable manifest whose start URL and scope are that folder.
  const manifestUrl = await phone.locator('link[rel="manifest"]').evaluate((link: HTMLLinkElement) => link.href);
  const manifest = (await (await phone.request.get(manifestUrl)).json()) as { start_url: string; scope: string; display: string };
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(deployed.address);
  expect(new URL(manifest.scope, manifestUrl).href).toBe(folder);
  expect(manifest.display).toBe('standalone');

  // Same origin as the database: no CORS, one step.
  await useThisServer(phone, notesUrl);
  const notes = new NotesPage(phone);
  await phone.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await notes.create('Written on the phone', 'served by the Pi');

  const laptop = await openFromServer(browser, deployed.address, 'Laptop', pageErrors);
  await useThisServer(laptop, notesUrl);
  await laptop.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await expect(new NotesPage(laptop).item('Written on the phone')).toBeVisible();

  // Offline: the app still opens from the phone's cache, notes and all.
  await phone.reload();
  await expect.poll(() => phone.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await phone.context().setOffline(true);
  await phone.reload();
  await expect(notes.item('Written on the phone')).toBeVisible();
  await phone.context().setOffline(false);

  // A new build deployed: the open app offers it, and does not reload by itself.
  const next = mkdtempSync(join(tmpdir(), 'p2pcloud-next-'));
  cpSync(APP_ROOT, next, { recursive: true });
  writeFileSync(join(next, 'sw.js'), `${readFileSync(join(next, 'sw.js'), 'utf8')}\n// a new build\n`);
  const redeployed = await deploy(peer.origin, next);
  expect(redeployed.uploaded).toEqual(['sw.js']);
  await phone.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await expect(phone.getByRole('status').filter({ hasText: 'A new version of p2pcloud is available' })).toBeVisible();
  await phone.context().close();
  await laptop.context().close();
});

test('#14 a link between servers can carry the app: the second server then serves it, with no deploy of its own', async ({
  browser,
  startPeer,
  pageErrors,
}) => {
  test.setTimeout(180_000);
  const [piA, piB] = [await startPeer(), await startPeer()];
  const deployed = await deploy(piA.origin, APP_ROOT);
  const page = await openFromServer(browser, deployed.address, 'Laptop', pageErrors);
  const member = { username: MEMBER.username, password: MEMBER.password };
  await useThisServer(page, piA.dbUrl('notes'));
  await new PeersPage(page).add(piB.dbUrl('notes'), member);

  const form = page.getByRole('form', { name: 'Link two servers' });
  await form.getByRole('combobox', { name: 'First server (runs the link)' }).selectOption(piA.dbUrl('notes'));
  await form.getByRole('combobox', { name: 'Second server' }).selectOption(piB.dbUrl('notes'));
  await form.getByRole('textbox', { name: 'Admin user name of the first server' }).fill(ADMIN.username);
  await form.getByLabel('Admin password of the first server').fill(ADMIN.password);
  await form.getByRole('checkbox', { name: /Also serve the app from the second server/ }).check();
  await form.getByRole('textbox', { name: 'Admin user name of the second server' }).fill(ADMIN.username);
  await form.getByLabel('Admin password of the second server').fill(ADMIN.password);
  await form.getByRole('button', { name: 'Link both ways' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The second server will also serve the app' })).toBeVisible();
  expect(await page.content()).not.toContain(ADMIN.password);

  // The second server's replication starts when it will: poll, never sleep.
  const onB = deployed.address.replace(piA.origin, piB.origin);
  await expect.poll(async () => (await fetch(onB)).status, { timeout: 30_000 }).toBe(200);
  const phone = await openFromServer(browser, onB, 'Phone', pageErrors);
  await expect.poll(() => phone.evaluate(async () => !!(await navigator.serviceWorker.ready).active)).toBe(true);
  await useThisServer(phone, piB.dbUrl('notes'));
  await page.context().close();
  await phone.context().close();
});

// The browser closes the app's IndexedDB under it (#20 item 2): another tab's
// upgrade (`versionchange`), the browser clearing storage, or a newer version
// of the app that upgraded the database in another tab.
import type { Page } from '@playwright/test';
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };
const DB = '_pouch_p2pcloud';

async function titlesOn(url: string): Promise<string[]> {
  const res = await openRemote(url, member).allDocs({ include_docs: true, startkey: 'note:', endkey: 'note:\uffff' });
  return res.rows.map((r) => (r.doc as { title?: string }).title ?? '').sort();
}

/**
 * Asks, from a second connection of the same page, to upgrade the app's
 * database, as another tab of a newer version would. The app's connection
 * is told `versionchange` and closes; `commit` false then aborts the
 * upgrade, so the database stays as it was, and true completes it.
 */
async function upgradeFromAnotherHandle(page: Page, commit: boolean): Promise<string> {
  return page.evaluate(
    async ({ name, commit }) => {
      const version = (await indexedDB.databases()).find((d) => d.name === name)?.version ?? 0;
      return new Promise<string>((resolve) => {
        const req = indexedDB.open(name, version + 1);
        req.onupgradeneeded = () => {
          if (!commit) req.transaction?.abort();
        };
        req.onblocked = () => resolve('blocked: the app kept its connection open');
        req.onerror = () => resolve(`aborted at version ${version}`);
        req.onsuccess = () => {
          req.result.close();
          resolve(`upgraded to version ${version + 1}`);
        };
      });
    },
    { name: DB, commit },
  );
}

test.describe('IndexedDB closed under the app', () => {
  test('another tab’s upgrade: the app reopens its database, saves what is typed next, and syncs both ways', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, member);
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Before the close', 'kept');
    await expect.poll(() => titlesOn(url)).toEqual(['Before the close']);

    expect(await upgradeFromAnotherHandle(page, false)).toBe('aborted at version 5');

    // A write right after the close: saved, not "Not saved yet".
    await notes.create('After the close', 'typed on a reopened database');
    await expect.poll(() => titlesOn(url)).toEqual(['After the close', 'Before the close']);
    // The pull and the list's live feed moved to the new connection too.
    const at = new Date().toISOString();
    await openRemote(url, member).put({ _id: 'note:from-the-peer', type: 'note', schemaVersion: 1, title: 'From the peer', body: 'after the close', createdAt: at, updatedAt: at });
    await expect(notes.item('From the peer')).toBeVisible();
    await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
    await expect(page.getByTestId('storage-closed')).toHaveCount(0);

    await page.reload();
    await expect(notes.count).toHaveText('3 notes');
  });

  test('the browser clears the site’s storage under the app: it opens a new database, and what is typed next is saved', async ({ page, baseURL }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Before the wipe', 'gone with the site data');

    // Chromium closes the app's connections (a `close` event, no versionchange) and deletes the data.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseURL ?? '').origin, storageTypes: 'indexeddb' });

    await notes.create('Typed after the wipe', 'saved on the new database');
    await expect(page.getByTestId('storage-closed')).toHaveCount(0);
    await page.reload();
    await expect(notes.count).toHaveText('1 notes');
    await expect(notes.item('Typed after the wipe')).toBeVisible();
  });

  test('a newer version upgraded the database in another tab: the app says to reload, and keeps the words on screen', async ({ page }) => {
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Saved before', 'kept');
    await notes.open('Saved before');

    expect(await upgradeFromAnotherHandle(page, true)).toBe('upgraded to version 6');
    await expect(page.getByTestId('storage-closed')).toContainText('nothing you type now is saved');
    await expect(page.getByTestId('storage-closed')).toContainText('Another tab upgraded this device’s storage for a newer version of p2pcloud.');

    await notes.body.fill('words that cannot be saved');
    await expect(notes.saveState).toContainText('Not saved yet');
    await expect(notes.body).toHaveValue('words that cannot be saved');
  });
});

// This device's disk fills up while it pulls from a peer (#20 item 6): a real
// full disk (a small tmpfs under the browser profile), not a simulated error.
import { chromium } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mountSmallDisk, type SmallDisk } from '../support/smallDisk';
import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';
import { watchContext } from './pageFaults';

const member = { username: MEMBER.username, password: MEMBER.password };
const NOTES_ON_PEER = 60;

let disk: SmallDisk | undefined;
test.afterEach(async () => {
  await disk?.unmount();
  disk = undefined;
});

test('a full disk while pulling: the device says it is full and how much waits, keeps what it has, the editor says an edit was not saved, and all resumes once space is freed', async ({ baseURL, startPeer, pageErrors }) => {
  // Waits out the backoff of a peer retried while the disk is full (up to 30 s).
  test.setTimeout(180_000);
  const mounted = await mountSmallDisk(96);
  test.skip('unavailable' in mounted, 'unavailable' in mounted ? mounted.unavailable : '');
  disk = mounted as SmallDisk;

  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const context = await chromium.launchPersistentContext(join(disk.dir, 'profile'), {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    baseURL,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    watchContext(context, pageErrors, 'full device');
    const page = context.pages()[0] ?? (await context.newPage());
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, member);
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Written before the disk filled', 'kept');
    await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date');

    // Leave a few megabytes, then the peer gets far more than that.
    await disk.fill(6 * 1024 * 1024);
    const remote = openRemote(url, member);
    const at = new Date().toISOString();
    await remote.bulkDocs(
      Array.from({ length: NOTES_ON_PEER }, (_, i) => ({
        _id: `note:big-${String(i).padStart(3, '0')}`,
        type: 'note',
        schemaVersion: 1,
        title: `Big note ${i}`,
        // Random text: IndexedDB compresses what it stores.
        body: randomBytes(300_000).toString('base64'),
        createdAt: at,
        updatedAt: at,
      })),
    );

    const indicator = page.getByTestId('sync-indicator');
    await expect(indicator).toHaveText(/^This device is full: \d[\d,]* changes? from peers (is|are) waiting$/, { timeout: 60_000 });
    await peers.goto();
    await expect(peers.state(url)).toHaveText('Waiting: this device is full');
    await expect(peers.row(url).getByRole('alert')).toContainText(/This device is full: \d[\d,]* changes? from this peer (is|are) waiting\./);
    const waiting = Number(/full: ([\d,]+)/.exec((await indicator.textContent()) ?? '')?.[1]?.replace(/,/g, ''));
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(NOTES_ON_PEER);
    // What was stored before stays.
    await notes.goto();
    await notes.open('Written before the disk filled');
    // An edit too large for what is left: the editor says so and keeps the words.
    const longBody = randomBytes(3_000_000).toString('base64');
    await notes.body.fill(longBody);
    await expect(notes.saveState).toHaveText(
      'Not saved: this device is out of storage space. Your text is still here; free some space and type again to retry.',
    );
    await expect(notes.body).toHaveValue(longBody);

    // Space is freed outside the app: syncing resumes without a click, and the next keystroke saves.
    await disk.unfill();
    await expect(indicator).toHaveText('All peers up to date', { timeout: 90_000 });
    await expect(notes.count).toHaveText(`${NOTES_ON_PEER + 1} notes`);
    await notes.body.press('End');
    await notes.body.press('x');
    await expect(notes.saveState).toHaveText('Saved on this device');
  } finally {
    await context.close();
  }
});

import { openRemote } from '../support/nodePouch';
import type { Page } from '@playwright/test';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

function noteDoc(id: string, title: string) {
  const at = new Date().toISOString();
  return { _id: `note:${id}`, type: 'note', schemaVersion: 1, title, body: `${title} body`, createdAt: at, updatedAt: at };
}

async function titlesOn(url: string): Promise<string[]> {
  const res = await openRemote(url, member).allDocs({ include_docs: true });
  return res.rows.map((r) => (r.doc as unknown as { title: string }).title).sort();
}

/**
 * Adds a peer and pauses it, then writes a note on the Notes page: the note is
 * then only on this device, and marked so.
 */
async function noteWhilePaused(page: Page, url: string, title: string, body: string) {
  const peers = new PeersPage(page);
  const notes = new NotesPage(page);
  await peers.goto();
  await peers.add(url, member);
  await peers.row(url).getByRole('button', { name: 'Pause' }).click();
  await expect(peers.state(url)).toHaveText('Paused on this device');
  await page.getByRole('link', { name: 'Notes', exact: true }).click();
  await notes.create(title, body);
  await expect(notes.item(title).getByText('only on this device')).toBeVisible();
  return { peers, notes };
}

test.describe('always-on sync with peers', () => {
  test('two-way live sync: local notes reach the peer, peer notes appear without a reload', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    const peers = new PeersPage(page);
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('Written in the browser', 'hello mesh');
    await peers.goto();
    await peers.add(url, member);
    await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
    await expect(peers.row(url).getByTestId('peer-pending')).toHaveText('Has all local changes');
    await expect(peers.row(url).getByTestId('peer-last-synced')).toContainText('Last synced');
    await expect.poll(() => titlesOn(url)).toEqual(['Written in the browser']);

    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await openRemote(url, member).put(noteDoc('from-pi', 'Written on the Pi'));
    await expect(notes.item('Written on the Pi')).toBeVisible();
  });

  test('the browser relays between two peers that cannot reach each other', async ({ page, startPeer }) => {
    const a = await startPeer();
    const b = await startPeer();
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(a.dbUrl('notes'), member);
    await peers.add(b.dbUrl('notes'), member);
    await openRemote(a.dbUrl('notes'), member).put(noteDoc('on-a', 'Only written on A'));
    await openRemote(b.dbUrl('notes'), member).put(noteDoc('on-b', 'Only written on B'));
    await expect.poll(() => titlesOn(b.dbUrl('notes'))).toEqual(['Only written on A', 'Only written on B']);
    await expect.poll(() => titlesOn(a.dbUrl('notes'))).toEqual(['Only written on A', 'Only written on B']);
  });

  test('status shows what a paused peer lacks, marks notes only on this device, and clears on resume', async ({
    page,
    startPeer,
  }) => {
    const url = (await startPeer()).dbUrl('notes');
    const { peers, notes } = await noteWhilePaused(page, url, 'Not yet anywhere else', 'typed while the peer was paused');
    await expect(page.getByTestId('sync-indicator')).toHaveText('Sync paused: 1 change only on this device');

    await page.getByRole('link', { name: 'Peers', exact: true }).click();
    await expect(peers.row(url).getByTestId('peer-pending')).toHaveText('1 change not received yet');
    await peers.row(url).getByRole('button', { name: 'Resume' }).click();
    await expect(peers.state(url)).toHaveText('Up to date');
    await expect(peers.row(url).getByTestId('peer-pending')).toHaveText('Has all local changes');
    await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await expect(notes.item('Not yet anywhere else').getByText('only on this device')).toHaveCount(0);
    await expect.poll(() => titlesOn(url)).toEqual(['Not yet anywhere else']);
  });

  test('with no peer left, no note is marked and the header says "No peers yet"', async ({ page, startPeer }) => {
    const url = (await startPeer()).dbUrl('notes');
    const { peers, notes } = await noteWhilePaused(page, url, 'Only here for now', 'the peer is paused');

    await page.getByRole('link', { name: 'Peers', exact: true }).click();
    await peers.row(url).getByRole('button', { name: 'Remove' }).click();
    await peers.expectNoPeers();
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    // Everything is only here now; the header says so once, rather than a mark on every note.
    await expect(page.getByTestId('sync-indicator')).toHaveText('No peers yet');
    await expect(notes.item('Only here for now').getByText('only on this device')).toHaveCount(0);
    await expect(notes.item('Only here for now')).toBeVisible();
  });

  test('a peer that goes away is retried, and edits made meanwhile flow out when it returns', async ({
    page,
    startPeer,
  }) => {
    const first = await startPeer();
    const url = first.dbUrl('notes');
    const peers = new PeersPage(page);
    const notes = new NotesPage(page);
    await peers.goto();
    await peers.add(url, member);
    await first.close();
    await expect(peers.state(url)).toHaveText('Offline, retrying');
    await expect(page.getByTestId('sync-indicator')).toContainText('Offline');

    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await notes.create('Written while the Pi was off', 'still saved here');
    await expect(page.getByTestId('sync-indicator')).toHaveText('Offline: 1 change waiting');

    // The Pi comes back on the same address.
    await startPeer({ port: first.port });
    await expect.poll(() => titlesOn(url), { timeout: 45_000 }).toEqual(['Written while the Pi was off']);
    await expect(page.getByTestId('sync-indicator')).toHaveText('All peers up to date', { timeout: 45_000 });
  });
});

test.describe('what peers send is not trusted', () => {
  test('a hostile document from a peer renders inert and breaks nothing', async ({ page, startPeer }) => {
    const peer = await startPeer();
    const url = peer.dbUrl('notes');
    await openRemote(url, member).bulkDocs([
      // Wrong types everywhere: must not crash the list or the editor.
      { _id: 'note:malformed', type: 'note', title: { not: 'a string' }, body: 42, updatedAt: 'yesterday' },
      {
        _id: 'note:hostile',
        type: 'note',
        schemaVersion: 1,
        title: '<img src=x onerror="window.__pwned=1">Hostile',
        body: '<script>window.__pwned=2</script><iframe src="javascript:window.__pwned=3"></iframe>\n\n**inert**',
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
    ]);
    const peers = new PeersPage(page);
    const notes = new NotesPage(page);
    await peers.goto();
    await peers.add(url, member);
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await expect(notes.items).toHaveCount(2);
    await notes.item('Hostile').click();
    await expect(notes.preview.locator('strong')).toHaveText('inert');
    await expect(notes.preview.locator('script, iframe')).toHaveCount(0);
    await notes.item('Untitled').click();
    await expect(notes.body).toHaveValue('');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  test('a document the peer keeps refusing is named, instead of retrying forever', async ({ page, startPeer }) => {
    const peer = await startPeer({ maxDocumentBytes: 4000 });
    const url = peer.dbUrl('notes');
    const notes = new NotesPage(page);
    const peers = new PeersPage(page);
    await notes.goto();
    await notes.create('Small note', 'fits');
    await notes.create('Enormous note', 'x'.repeat(6000));
    await peers.goto();
    await peers.submit(url, member);
    await expect(peers.state(url)).toHaveText('Error');
    await expect(peers.row(url).getByRole('alert')).toContainText('Syncing is stuck on one document: “Enormous note”');
    await expect.poll(() => titlesOn(url)).toEqual(['Small note']);
  });
});

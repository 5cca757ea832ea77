// #15 item 3: a device that wakes up syncs at once. The page goes to the
// background and is frozen while the network is gone (connections dead, not
// refused, as after a laptop's sleep); the peer is reachable again before the
// page resumes. A note written while away must reach the peer within 2 s of
// the page resuming, not whenever a dead request or a retry timer gives up.
import { openRemote } from '../support/nodePouch';
import { startStallingProxy } from '../support/stallingProxy';
import { expect, MEMBER, test } from './fixtures';
import { openLifecyclePage } from './lifecycleBrowser';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

async function titlesOn(url: string): Promise<string[]> {
  const res = await openRemote(url, member).allDocs({ include_docs: true });
  return res.rows.map((r) => (r.doc as unknown as { title?: string }).title ?? '').filter(Boolean);
}

test('#15 a page frozen in the background while the network was gone syncs within 2 s of resuming', async ({
  startPeer,
  baseURL,
}) => {
  const peer = await startPeer();
  const proxy = await startStallingProxy(peer.origin);
  const device = await openLifecyclePage(`${baseURL}/#/peers`);
  try {
    const { page } = device;
    const url = proxy.dbUrl('notes');
    const peers = new PeersPage(page);
    const notes = new NotesPage(page);
    await peers.add(url, member);

    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    // The network goes: the live pull's long-poll and whatever follows hang, unanswered.
    proxy.away();
    await notes.create('Written as the laptop went to sleep', 'while nothing answered');
    await expect.poll(() => proxy.deadCount).toBeGreaterThanOrEqual(2);
    await device.hide();
    await expect.poll(() => page.evaluate(() => document.visibilityState)).toBe('hidden');
    await device.freeze();

    proxy.back();
    const resumedAt = Date.now();
    await device.resumeAndShow();
    await expect
      .poll(() => titlesOn(peer.dbUrl('notes')), { timeout: 2000, intervals: [50] })
      .toContain('Written as the laptop went to sleep');
    expect(Date.now() - resumedAt).toBeLessThan(2000);
    await expect(peers.page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
    expect(device.errors).toEqual([]);
  } finally {
    await device.close();
    await proxy.close();
  }
});

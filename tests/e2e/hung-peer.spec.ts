// A peer that accepts the connection and then never answers (#20, item 1),
// with the app's own deadlines (src/sync/remote/peerDeadlines.ts, 30 s for an
// answer): the badge says the peer is away, and the note goes through once
// it answers again. Slow by nature: it waits out one real deadline.
import { openRemote } from '../support/nodePouch';
import { startSlowPeerProxy, type SlowPeerProxy } from '../support/slowPeerProxy';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

test('a peer that stops answering is shown as away, not syncing forever, and gets the note once it answers', async ({ page, startPeer }) => {
  test.setTimeout(150_000);
  const peer = await startPeer();
  let proxy: SlowPeerProxy | undefined;
  try {
    proxy = await startSlowPeerProxy(peer.origin);
    const url = proxy.dbUrl('notes');
    const peers = new PeersPage(page);
    await peers.goto();
    await peers.add(url, member);

    proxy.setMode('silent');
    const notes = new NotesPage(page);
    await notes.goto();
    await notes.create('While the peer hangs', 'typed meanwhile');
    await peers.goto();
    // One answer deadline (30 s) and some slack for a loaded machine.
    await expect(peers.state(url)).toHaveText('Offline, retrying', { timeout: 60_000 });
    expect(proxy.slowCount).toBeGreaterThan(0);

    proxy.setMode('pass');
    const titles = async () =>
      (await openRemote(peer.dbUrl('notes'), member).allDocs({ include_docs: true })).rows.map((r) => (r.doc as { title?: string }).title);
    // The backoff is at most 30 s apart.
    await expect.poll(titles, { timeout: 60_000 }).toContain('While the peer hangs');
  } finally {
    await proxy?.close();
  }
});

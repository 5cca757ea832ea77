import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

test('one tab syncs; the others mirror data and status; another takes over when it closes', async ({
  context,
  startPeer,
}) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const leader = await context.newPage();
  const follower = await context.newPage();
  // Every request the follower tab sends to the peer: it must send none while it follows.
  const followerPeerRequests: string[] = [];
  follower.on('request', (req) => {
    if (req.url().startsWith(peer.origin)) followerPeerRequests.push(req.url());
  });

  const leaderPeers = new PeersPage(leader);
  await leaderPeers.goto();
  await expect(leader.getByTestId('sync-role')).toHaveText('This tab runs sync for the app.');
  const followerPeers = new PeersPage(follower);
  await followerPeers.goto();
  await expect(follower.getByTestId('sync-role')).toHaveText(/Another tab of the app runs sync/);

  await leaderPeers.add(url, member);
  // The follower sees the new peer and its live status, through the leader.
  await expect(followerPeers.state(url)).toHaveText('Up to date');

  // Data written on the peer shows in both tabs without a reload.
  const remote = openRemote(url, member);
  const at = new Date().toISOString();
  await remote.put({ _id: 'note:one', type: 'note', schemaVersion: 1, title: 'Seen by both tabs', body: '', createdAt: at, updatedAt: at });
  const leaderNotes = new NotesPage(leader);
  const followerNotes = new NotesPage(follower);
  await leaderNotes.goto();
  await followerNotes.goto();
  await expect(leaderNotes.item('Seen by both tabs')).toBeVisible();
  await expect(followerNotes.item('Seen by both tabs')).toBeVisible();
  expect(followerPeerRequests).toEqual([]);

  // The leader goes away; the follower takes over and keeps syncing.
  await leader.close();
  await followerPeers.goto();
  await expect(follower.getByTestId('sync-role')).toHaveText('This tab runs sync for the app.');
  await expect(followerPeers.state(url)).toHaveText('Up to date');
  await followerNotes.goto();
  await followerNotes.create('Written after takeover', 'still syncing');
  await expect
    .poll(async () => (await remote.allDocs({ include_docs: true })).rows.map((r) => (r.doc as unknown as { title: string }).title).sort())
    .toEqual(['Seen by both tabs', 'Written after takeover']);
  expect(followerPeerRequests.length).toBeGreaterThan(0);
});

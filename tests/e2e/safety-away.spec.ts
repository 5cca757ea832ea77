// #15 item 1 on the Peers page: with the only peer away, "Where is my data
// safe?" says what the peer held when it last answered, and when, instead of
// claiming that every note exists only on this device.
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

test('#15 a peer that is away is reported from its last answer, with its time', async ({ page, startPeer }) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const peers = new PeersPage(page);
  const notes = new NotesPage(page);
  await notes.goto();
  await notes.create('Synced before', 'on both');
  await notes.create('Also synced before', 'on both');
  await peers.goto();
  await peers.add(url, member);
  const summary = page.getByTestId('safety-summary');
  await expect(summary).toHaveText('All 2 notes and files are on 2 of 2 nodes.');

  await peer.close();
  await expect(peers.state(url)).toHaveText('Offline, retrying');
  await page.getByRole('link', { name: 'Notes', exact: true }).click();
  await notes.create('Written while the peer was away', 'only here');
  await page.getByRole('link', { name: 'Peers', exact: true }).click();

  const host = url.replace(/^http:\/\//, '');
  await expect(summary).toHaveText(
    new RegExp(`^1 change exists only on this device; the other 2 were on ${host} when it last answered, \\d\\d:\\d\\d\\.$`),
  );
  const line = page.getByTestId('safety-peer').filter({ hasText: url });
  await expect(line).toContainText(/when it last answered, \d\d:\d\d, it held 2 of the 3 notes and files/);
  await expect(line).toContainText('nothing is assumed for changes since');
  await expect(line.getByTestId('safety-missing')).toContainText('Written while the peer was away');
});

import { openRemote } from '../support/nodePouch';
import { expect, MEMBER, test } from './fixtures';
import { NotesPage } from './page-models/NotesPage';
import { PeersPage } from './page-models/PeersPage';

const member = { username: MEMBER.username, password: MEMBER.password };

// Several browser contexts at once on two cores: give them room.
test.describe.configure({ timeout: 120_000 });

test('a peer added on one device appears on the others; where it needs a login, they sign in to use it', async ({
  openDevice,
  startPeer,
}) => {
  const shared = await startPeer();
  const added = await startPeer();
  const laptop = await openDevice('Laptop');
  const phone = await openDevice('Phone');
  await laptop.addPeer(shared.dbUrl('notes'), member);
  await phone.addPeer(shared.dbUrl('notes'), member);

  // Added once, on the laptop.
  await laptop.addPeer(added.dbUrl('notes'), member);
  const row = phone.peers.row(added.dbUrl('notes'));
  await expect(row).toBeVisible();
  await expect(phone.peers.state(added.dbUrl('notes'))).toHaveText('Sign in to use');
  // The password did not travel: the phone has to enter it.
  expect(await phone.page.content()).not.toContain(MEMBER.password);

  await row.getByRole('textbox', { name: 'Peer user name' }).fill(member.username);
  await row.getByLabel('Peer password').fill(member.password);
  await row.getByRole('button', { name: 'Save and sync' }).click();
  await expect(phone.peers.state(added.dbUrl('notes'))).toHaveText('Up to date');
  const at = new Date().toISOString();
  await openRemote(added.dbUrl('notes'), member).put({
    _id: 'note:from-new-peer', type: 'note', schemaVersion: 1, title: 'Via the new peer', body: '', createdAt: at, updatedAt: at,
  });
  await phone.go('Notes');
  await expect(phone.notes.item('Via the new peer')).toBeVisible();

  // Pausing is per device; removing is for every device.
  await laptop.peers.row(added.dbUrl('notes')).getByRole('button', { name: 'Pause on this device' }).click();
  await expect(laptop.peers.state(added.dbUrl('notes'))).toHaveText('Paused on this device');
  await phone.go('Peers');
  await expect(phone.peers.state(added.dbUrl('notes'))).toHaveText('Up to date');
  await laptop.peers.row(added.dbUrl('notes')).getByRole('button', { name: 'Remove from all devices' }).click();
  await expect(phone.peers.row(added.dbUrl('notes'))).toHaveCount(0);
});

test('where is my data safe: a paused peer is reported to lack exactly the notes written meanwhile', async ({
  page,
  startPeer,
}) => {
  const home = await startPeer();
  const work = await startPeer();
  const peers = new PeersPage(page);
  const notes = new NotesPage(page);
  await peers.goto();
  await peers.add(home.dbUrl('notes'), member);
  await peers.add(work.dbUrl('notes'), member);
  await page.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await notes.create('Before pause', 'on every node');
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  await expect(page.getByTestId('safety-summary')).toHaveText('The one item is on 3 of 3 nodes.');

  await peers.row(work.dbUrl('notes')).getByRole('button', { name: 'Pause on this device' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await notes.create('Written while work was paused', 'a');
  await notes.create('Also while paused', 'b');
  await expect(notes.page.getByTestId('note-holders')).toHaveText(`Latest version also on: ${home.dbUrl('notes')}`);
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  await expect(page.getByTestId('safety-summary')).toHaveText('All 3 notes and files are on at least 2 of 3 nodes.');
  const workLine = page.getByTestId('safety-peer').filter({ hasText: work.dbUrl('notes') });
  await expect(workLine).toContainText('holds 1 of 3 notes and files');
  await expect(workLine.getByTestId('safety-missing')).toHaveText(/Lacks: “(Written while work was paused|Also while paused)”, “(Written while work was paused|Also while paused)”/);
  await expect(page.getByTestId('safety-peer').filter({ hasText: home.dbUrl('notes') })).toContainText('holds 3 of 3 notes and files');

  await peers.row(work.dbUrl('notes')).getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('safety-summary')).toHaveText('All 3 notes and files are on 3 of 3 nodes.');
});

test('a setup link (and QR code) lets another device join; credentials only with the passphrase', async ({
  openDevice,
  startPeer,
}) => {
  const peer = await startPeer();
  const url = peer.dbUrl('notes');
  const laptop = await openDevice('Laptop');
  await laptop.addPeer(url, member);
  const invite = laptop.page.getByRole('form', { name: 'Make a setup link' });
  await invite.getByRole('checkbox').check();
  await invite.getByLabel('Passphrase for the setup link').fill('correct horse battery');
  await invite.getByRole('button', { name: 'Make setup link' }).click();
  const link = await laptop.page.getByRole('textbox', { name: 'Setup link', exact: true }).inputValue();
  expect(link).toContain('#/join?d=');
  expect(link).not.toContain(MEMBER.password);
  await expect(laptop.page.getByTestId('setup-qr').locator('svg')).toBeVisible();

  // With the passphrase: the new device syncs at once.
  const phone = await openDevice('Phone');
  await phone.page.goto(link);
  await expect(phone.page.getByTestId('join-peers')).toContainText(url);
  await phone.page.getByLabel('Passphrase').fill('not it');
  await phone.page.getByRole('button', { name: 'Join' }).click();
  await expect(phone.page.getByRole('alert')).toHaveText('That passphrase does not open these credentials.');
  await phone.page.getByLabel('Passphrase').fill('correct horse battery');
  await phone.page.getByRole('button', { name: 'Join' }).click();
  await expect(phone.peers.state(url)).toHaveText('Up to date');

  // Without it: the peer is known, and waits for a sign-in.
  const tablet = await openDevice('Tablet');
  await tablet.page.goto(link);
  await tablet.page.getByRole('button', { name: 'Join' }).click();
  await expect(tablet.peers.state(url)).toHaveText('Sign in to use');
});

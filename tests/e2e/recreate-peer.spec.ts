// Recreating a peer's database from the app (issue #16): a plain peer holding
// plain notes is switched to encrypted; a wrong admin password changes
// nothing on the server; recreating from the peer's row then leaves the
// server with no plaintext and the same _security, both devices keeping
// every note, and syncing on through the sealed peer. The phone keeps syncing
// the switched peer all along and learns of the switch by itself (through the
// second, plain peer, or from the sealed documents on the switched one), then
// waits for the mesh passphrase, sending that peer nothing meanwhile.
import { ADMIN, expect, MEMBER, test } from './fixtures';
import type { Device } from './page-models/Device';

const member = { username: MEMBER.username, password: MEMBER.password };
const MESH = 'mesh passphrase for the old Pi';
const SECURITY = { admins: { names: [], roles: [] }, members: { names: [MEMBER.username], roles: [] } };
const NOTES = [
  ['Tax return draft', 'the refund is 812 euros'],
  ['Doctor visit', 'blood pressure 120 over 80'],
] as const;

test.describe.configure({ timeout: 120_000 });

const asAdmin = { Authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`, Accept: 'application/json' };

/** Every document (every leaf, conflicts and deletions included) and attachment on the peer, as raw text, read past the app. */
async function rawPeer(url: string): Promise<string> {
  const docs = await fetch(`${url}/_all_docs?include_docs=true&attachments=true&conflicts=true`, { headers: asAdmin });
  const changes = await fetch(`${url}/_changes?style=all_docs&include_docs=true&attachments=true`, { headers: asAdmin });
  return `${await docs.text()}\n${await changes.text()}`;
}

async function titles(device: Device): Promise<void> {
  await device.go('Notes');
  for (const [title] of [...NOTES, ['Written on the phone']]) await expect(device.notes.item(title)).toBeVisible();
}

test('a plain peer switched to encrypted and recreated from the app holds no plaintext afterwards; both devices keep every note', async ({ openDevice, startPeer }) => {
  const url = (await startPeer()).dbUrl('notes');
  const homeUrl = (await startPeer()).dbUrl('notes');
  await fetch(`${url}/_security`, { method: 'PUT', headers: { ...asAdmin, 'Content-Type': 'application/json' }, body: JSON.stringify(SECURITY) });
  const [laptop, phone] = [await openDevice('Laptop'), await openDevice('Phone')];
  await laptop.addPeer(url, member);
  await laptop.addPeer(homeUrl, member);
  await phone.addPeer(url, member);
  // The home peer reaches the phone through the mesh's peer list; it signs in there.
  const homeRow = phone.peers.row(homeUrl);
  await homeRow.getByLabel('Peer user name').fill(member.username);
  await homeRow.getByLabel('Peer password').fill(member.password);
  await homeRow.getByRole('button', { name: 'Save and sync' }).click();
  await expect(phone.peers.state(homeUrl)).toHaveText('Up to date');
  await laptop.go('Notes');
  for (const [title, body] of NOTES) await laptop.notes.create(title, body);
  await phone.go('Notes');
  await phone.notes.create('Written on the phone', 'the spare key is under the third pot');
  await titles(laptop);
  await titles(phone);
  await expect.poll(() => rawPeer(url)).toContain('the spare key is under the third pot');
  await phone.go('Peers');
  await expect(phone.peers.state(url)).toHaveText('Up to date');

  // Switching, with "recreate now" ticked, and a wrong admin password: the server keeps everything, the row says why.
  await laptop.go('Peers');
  const row = laptop.peers.row(url);
  await row.getByRole('button', { name: 'Make encrypted…' }).click();
  await row.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await row.getByRole('checkbox', { name: /Recreate this database on the server now/ }).check();
  await expect(row.getByTestId('recreate-explained')).toContainText('created again, empty, with the same members and admins');
  await row.getByLabel('Server admin user name').fill(ADMIN.username);
  await row.getByLabel('Server admin password').fill('not the password');
  await row.getByRole('button', { name: 'Make encrypted and recreate the database' }).click();
  await expect(row.getByTestId('recreate-outcome')).toHaveText('The server refused that admin name or password. Nothing was deleted.');
  expect(await rawPeer(url)).toContain('the refund is 812 euros');

  // The phone, syncing all along, has learnt of the switch: it waits for the passphrase and sends the peer nothing.
  await expect(phone.peers.state(url)).toHaveText('Enter the mesh passphrase to use');
  await expect(phone.page.getByTestId('sync-indicator')).toHaveText('Enter the mesh passphrase for 1 peer');

  // Again from the row, as its admin.
  await row.getByRole('button', { name: 'Recreate the database on the server…' }).click();
  await row.getByLabel('Server admin user name').fill(ADMIN.username);
  await row.getByLabel('Server admin password').fill(ADMIN.password);
  await row.getByRole('button', { name: 'Recreate this database on the server' }).click();
  await expect(row.getByTestId('recreate-outcome')).toContainText('Recreated: the database on the server is empty again, with the same members and admins.');
  await expect(laptop.peers.state(url)).toHaveText('Up to date');
  await expect(row.getByTestId('peer-pending')).toHaveText('Has all local changes');

  // The server: every note back, sealed; no title or body anywhere; the same _security.
  await expect.poll(async () => ((await (await fetch(`${url}/_all_docs`, { headers: asAdmin })).json()) as { rows: Array<{ id: string }> }).rows.filter((r) => r.id.startsWith('note:')).length).toBe(3);
  const raw = await rawPeer(url);
  for (const [title, body] of [...NOTES, ['Written on the phone', 'the spare key is under the third pot']]) {
    expect(raw).not.toContain(title);
    expect(raw).not.toContain(body);
  }
  expect(await (await fetch(`${url}/_security`, { headers: asAdmin })).json()).toEqual(SECURITY);

  // Both devices keep every note; the phone, once it has the passphrase, syncs on through the sealed peer.
  await titles(laptop);
  await titles(phone);
  await phone.go('Peers');
  const phoneRow = phone.peers.row(url);
  await expect(phone.peers.state(url)).toHaveText('Enter the mesh passphrase to use');
  await phoneRow.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await phoneRow.getByRole('button', { name: 'Save passphrase and sync' }).click();
  await expect(phoneRow.getByTestId('peer-encrypted')).toBeVisible();
  await expect(phone.peers.state(url)).toHaveText('Up to date');
  await phone.go('Notes');
  await phone.notes.create('After the recreate', 'sealed on its way');
  await laptop.go('Notes');
  await expect(laptop.notes.item('After the recreate')).toBeVisible();
  await titles(phone);
  await expect.poll(async () => ((await (await fetch(`${url}/_all_docs`, { headers: asAdmin })).json()) as { rows: Array<{ id: string }> }).rows.filter((r) => r.id.startsWith('note:')).length).toBe(4);
  expect(await rawPeer(url)).not.toContain('sealed on its way');
});

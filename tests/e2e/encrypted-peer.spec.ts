// A peer marked encrypted (issue #16), in Chromium: two devices that share
// nothing but that peer; the mesh passphrase travels in a setup link; a
// wrong passphrase stores nothing and says so on the peer row.
import { createHash, randomBytes } from 'node:crypto';
import { MeshKeyring } from '../../src/domain/envelope';
import { sealDoc } from '../../src/sync/remote/sealedDocs';
import { openRemote } from '../support/nodePouch';
import { ADMIN, expect, MEMBER, test } from './fixtures';
import type { Device } from './page-models/Device';
import { FilesPage } from './page-models/FilesPage';

const member = { username: MEMBER.username, password: MEMBER.password };
const MESH = 'mesh passphrase for the rented VPS';

// Several browser contexts at once on two cores: give them room.
test.describe.configure({ timeout: 120_000 });

/** Every document and attachment on the peer as raw JSON, read past the app. */
async function rawPeer(url: string): Promise<string> {
  const auth = `Basic ${Buffer.from(`${member.username}:${member.password}`).toString('base64')}`;
  const res = await fetch(`${url}/_all_docs?include_docs=true&attachments=true&conflicts=true`, { headers: { Authorization: auth, Accept: 'application/json' } });
  return res.text();
}

/** Adds a peer as encrypted on the Peers page, typing the mesh passphrase when asked. */
async function addEncrypted(device: Device, url: string, passphrase: string): Promise<void> {
  await device.go('Peers');
  const form = device.page.getByRole('form', { name: 'Add a peer' });
  await form.getByLabel('Database URL').fill(url);
  await form.getByLabel('User name').fill(member.username);
  await form.getByLabel('Password').fill(member.password);
  await form.getByRole('checkbox', { name: /Encrypted/ }).check();
  await form.getByRole('textbox', { name: 'Mesh passphrase' }).fill(passphrase);
  await form.getByRole('button', { name: 'Add peer' }).click();
  await expect(device.page.getByRole('status').filter({ hasText: 'Syncing starts now' })).toBeVisible();
}

test('two devices sync only through an encrypted peer, which holds none of the plaintext; the passphrase travels in a setup link', async ({
  openDevice,
  startPeer,
}) => {
  const url = (await startPeer()).dbUrl('notes');
  const laptop = await openDevice('Laptop');
  await addEncrypted(laptop, url, MESH);
  await expect(laptop.peers.state(url)).toHaveText('Up to date');
  await expect(laptop.peers.row(url).getByTestId('peer-encrypted')).toBeVisible();
  await laptop.go('Notes');
  await laptop.notes.create('Quarterly numbers', 'revenue grew by seventeen percent');
  // A file of three pieces: attachments sealed and opened in the browser (Blobs, not Buffers).
  const bytes = randomBytes(2_500_000);
  const onLaptop = new FilesPage(laptop.page);
  await onLaptop.open();
  await onLaptop.add({ name: 'payslips-2026.pdf', mimeType: 'application/pdf', buffer: bytes });

  await laptop.go('Peers');
  const invite = laptop.page.getByRole('form', { name: 'Make a setup link' });
  await invite.getByRole('checkbox').check();
  await invite.getByLabel('Passphrase for the setup link').fill('correct horse battery');
  await invite.getByRole('button', { name: 'Make setup link' }).click();
  const link = await laptop.page.getByRole('textbox', { name: 'Setup link', exact: true }).inputValue();
  expect(link).not.toContain('rented');

  const phone = await openDevice('Phone');
  await phone.page.goto(link);
  await expect(phone.page.getByTestId('join-peers')).toContainText(`${url} (as ${member.username}) (encrypted)`);
  await phone.page.getByLabel('Passphrase').fill('correct horse battery');
  await phone.page.getByRole('button', { name: 'Join' }).click();
  await expect(phone.peers.state(url)).toHaveText('Up to date');
  await phone.go('Notes');
  await expect(phone.notes.item('Quarterly numbers')).toBeVisible();
  const onPhone = new FilesPage(phone.page);
  await onPhone.open();
  await expect(onPhone.status('payslips-2026.pdf')).toHaveText('complete', { timeout: 30_000 });
  expect((await onPhone.downloadSha256('payslips-2026.pdf')).sha256).toBe(createHash('sha256').update(new Uint8Array(bytes)).digest('hex'));
  await phone.go('Notes');
  await phone.notes.create('Reply from the phone', 'the pelican flies at midnight');
  await laptop.go('Notes');
  await expect(laptop.notes.item('Reply from the phone')).toBeVisible();

  const raw = await rawPeer(url);
  expect(raw).toContain('"e2e"');
  for (const secret of ['Quarterly', 'seventeen', 'Reply from', 'pelican', 'Laptop', 'Phone', 'payslips', 'application/pdf']) expect(raw).not.toContain(secret);
  // Each piece's first bytes, as they would appear in base64 were it stored plain.
  for (const at of [0, 1_048_576, 2_097_152]) expect(raw).not.toContain(bytes.subarray(at, at + 48).toString('base64'));
  for (const device of [laptop, phone]) expect(await device.page.content()).not.toContain(MESH);
});

test('a wrong passphrase stores nothing and shows the message; the right one then brings the notes', async ({ openDevice, startPeer }) => {
  const url = (await startPeer()).dbUrl('notes');
  // Another device wrote two notes there, sealed under the mesh passphrase.
  const keyring = new MeshKeyring(MESH);
  const at = new Date().toISOString();
  const notes = ['Sealed one', 'Sealed two'].map((title, i) => ({
    _id: `note:sealed-${i}`, _rev: `1-${'a'.repeat(31)}${i}`, type: 'note', schemaVersion: 1, title, body: `${title} body`, createdAt: at, updatedAt: at,
  }));
  await openRemote(url, member).bulkDocs(await Promise.all(notes.map((n) => sealDoc(keyring, n))) as PouchDB.Core.PutDocument<object>[], { new_edits: false });

  const phone = await openDevice('Phone');
  await addEncrypted(phone, url, 'not the mesh passphrase');
  const row = phone.peers.row(url);
  await expect(row.getByRole('alert')).toContainText('could not open 2 documents from this encrypted peer');
  await expect(row.getByRole('alert')).toContainText('not stored here');
  await expect(row.getByRole('alert')).toContainText('another passphrase');
  await expect(phone.page.getByTestId('sync-indicator')).not.toHaveText('All peers up to date');
  await phone.go('Notes');
  await expect(phone.notes.item('Sealed one')).toHaveCount(0);
  expect(await storedNoteIds(phone)).toEqual([]);

  await phone.go('Peers');
  await row.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await row.getByRole('button', { name: 'Save passphrase and sync' }).click();
  await expect(row.getByRole('alert')).toHaveCount(0);
  await phone.go('Notes');
  await expect(phone.notes.item('Sealed one')).toBeVisible();
  await expect(phone.notes.item('Sealed two')).toBeVisible();
});

/** Note ids in the device's IndexedDB, read past the app. */
function storedNoteIds(device: Device): Promise<string[]> {
  return device.page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('_pouch_p2pcloud');
        open.onerror = () => reject(open.error ?? new Error('open failed'));
        open.onsuccess = () => {
          const all = open.result.transaction('document-store').objectStore('document-store').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve((all.result as Array<{ id: string }>).map((r) => r.id).filter((id) => id.startsWith('note:')));
          };
          all.onerror = () => reject(all.error ?? new Error('read failed'));
        };
      }),
  );
}

test('a plain peer switched to encrypted, beside a plain one: each holds the form it should, with this device relaying between them', async ({ openDevice, startPeer }) => {
  const plainUrl = (await startPeer()).dbUrl('notes');
  const vaultUrl = (await startPeer()).dbUrl('notes');
  const laptop = await openDevice('Laptop');
  await laptop.addPeer(plainUrl, member);
  await laptop.addPeer(vaultUrl, member);

  const row = laptop.peers.row(vaultUrl);
  await row.getByRole('button', { name: 'Make encrypted…' }).click();
  await expect(row).toContainText('The plain copies already on it stay there until its owner recreates that database');
  await row.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await row.getByRole('button', { name: 'Make encrypted' }).click();
  await expect(row.getByTestId('peer-encrypted')).toBeVisible();
  await expect(laptop.peers.state(vaultUrl)).toHaveText('Up to date');

  await laptop.go('Notes');
  await laptop.notes.create('Written after the switch', 'the heron nests by the weir');
  const at = new Date().toISOString();
  await openRemote(plainUrl, member).put({ _id: 'note:on-plain', type: 'note', schemaVersion: 1, title: 'Written on the plain peer', body: 'relayed by the laptop', createdAt: at, updatedAt: at });
  await expect(laptop.notes.item('Written on the plain peer')).toBeVisible();

  const vault = openRemote(vaultUrl, member);
  await expect.poll(async () => (await vault.allDocs()).rows.filter((r) => r.id.startsWith('note:')).length).toBe(2);
  const onVault = await rawPeer(vaultUrl);
  for (const secret of ['Written after', 'heron', 'Written on the plain', 'relayed by']) expect(onVault).not.toContain(secret);
  await expect.poll(() => rawPeer(plainUrl)).toContain('the heron nests by the weir');
  expect(await rawPeer(plainUrl)).not.toContain('"e2e"');

  // A server link between them is refused, with the reason.
  await laptop.go('Peers');
  const links = laptop.page.getByRole('form', { name: 'Link two servers' });
  await links.getByLabel('First server (runs the link)').selectOption(vaultUrl);
  await links.getByLabel('Second server', { exact: true }).selectOption(plainUrl);
  await links.getByLabel('Admin user name of the first server').fill(ADMIN.username);
  await links.getByLabel('Admin password of the first server').fill(ADMIN.password);
  await links.getByRole('button', { name: 'Link both ways' }).click();
  await expect(laptop.page.getByRole('region', { name: 'Links between servers' }).getByRole('alert')).toContainText(
    `${vaultUrl} is encrypted and ${plainUrl} is not: a server link copies documents as they are`,
  );
});

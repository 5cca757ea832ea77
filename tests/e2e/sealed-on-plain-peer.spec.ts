// A device still syncing a peer in plain while another device marks it
// encrypted (issue #16), in Chromium: the peer then holds sealed documents.
// The phone stores none of them (its IndexedDB, read past the app, holds no
// envelope), stops sending that peer anything, says why on the row and in
// the header, and keeps syncing its other peer; once given the mesh
// passphrase it marks the peer encrypted too and opens what it refused.
import { expect, MEMBER, test } from './fixtures';
import type { Device } from './page-models/Device';

const member = { username: MEMBER.username, password: MEMBER.password };
const MESH = 'mesh passphrase for the shared Pi';
const LAPTOP_NOTE = ['Written after the switch', 'the otter sleeps under the bridge'] as const;
const PHONE_NOTE = ['Written on the phone meanwhile', 'the kettle whistles in B flat'] as const;

// Two devices and two peers on two cores: give them room.
test.describe.configure({ timeout: 120_000 });

/** Every document and attachment on the peer as raw JSON, read past the app. */
async function rawPeer(url: string): Promise<string> {
  const auth = `Basic ${Buffer.from(`${member.username}:${member.password}`).toString('base64')}`;
  const res = await fetch(`${url}/_all_docs?include_docs=true&attachments=true&conflicts=true`, { headers: { Authorization: auth, Accept: 'application/json' } });
  return res.text();
}

interface StoredRecords {
  /** Every IndexedDB database of the device, by name, with its object stores. */
  stores: string[];
  /** "database/store key" of each record holding an `e2e` field, at any depth. */
  withEnvelope: string[];
  /** The revisions PouchDB stored as document bodies (its "by-sequence" store). */
  bodies: Array<Record<string, unknown>>;
}

/**
 * Every record in every IndexedDB database of the device, read with the
 * browser's own IndexedDB (no PouchDB): where an `e2e` field appears, and the
 * document bodies of the app's database.
 */
function storedRecords(device: Device): Promise<StoredRecords> {
  return device.page.evaluate(async () => {
    const hasEnvelope = (value: unknown, depth: number): boolean => {
      if (depth > 8 || value === null || typeof value !== 'object') return false;
      if (Array.isArray(value)) return value.some((v) => hasEnvelope(v, depth + 1));
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.entries(value).some(([key, v]) => key === 'e2e' || hasEnvelope(v, depth + 1));
    };
    const asPromise = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
      });
    const result: StoredRecords = { stores: [], withEnvelope: [], bodies: [] };
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const open = indexedDB.open(name);
      // Never create or upgrade one here: only databases that exist are listed.
      open.onupgradeneeded = () => open.transaction?.abort();
      const db = await asPromise(open);
      try {
        for (const store of Array.from(db.objectStoreNames)) {
          result.stores.push(`${name}/${store}`);
          const objects = db.transaction(store).objectStore(store);
          const [keys, values] = await Promise.all([asPromise(objects.getAllKeys()), asPromise(objects.getAll())]);
          values.forEach((value, i) => {
            if (hasEnvelope(value, 0)) result.withEnvelope.push(`${name}/${store} ${JSON.stringify(keys[i])}`);
          });
          if (name === '_pouch_p2pcloud' && store === 'by-sequence') result.bodies.push(...(values as Array<Record<string, unknown>>));
        }
      } finally {
        db.close();
      }
    }
    return result;
  });
}

test('a device syncing a peer in plain that another device marks encrypted stores none of its sealed documents, asks for the passphrase, then opens them', async ({
  openDevice,
  startPeer,
}) => {
  const sharedUrl = (await startPeer()).dbUrl('notes');
  const ownUrl = (await startPeer()).dbUrl('notes');
  const [laptop, phone] = [await openDevice('Laptop'), await openDevice('Phone')];
  await laptop.addPeer(sharedUrl, member);
  await phone.addPeer(sharedUrl, member);
  await phone.addPeer(ownUrl, member);
  await laptop.go('Notes');
  await laptop.notes.create('Before the switch', 'known to both devices');
  await phone.go('Notes');
  await expect(phone.notes.item('Before the switch')).toBeVisible();

  // The laptop marks the shared peer encrypted and writes a note. The phone is not told: the peer's own settings are sealed on it.
  // The laptop's plain sync with the peer keeps running through the switch: the revision of the peer's settings that marks it
  // encrypted must still reach the peer only sealed (remote/plainPeer.ts holds it back from the plain handle).
  await laptop.go('Peers');
  const laptopRow = laptop.peers.row(sharedUrl);
  await laptopRow.getByRole('button', { name: 'Make encrypted…' }).click();
  await laptopRow.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await laptopRow.getByRole('button', { name: 'Make encrypted' }).click();
  await expect(laptopRow.getByTestId('peer-encrypted')).toBeVisible();
  await laptop.go('Notes');
  await laptop.notes.create(...LAPTOP_NOTE);
  await laptop.go('Peers');
  await expect(laptop.peers.state(sharedUrl)).toHaveText('Up to date');
  await expect(laptopRow.getByTestId('peer-pending')).toHaveText('Has all local changes');
  // On the shared peer: the peer's settings and the new note, sealed (no plain "encrypted" flag to learn the switch from).
  const onShared = (JSON.parse(await rawPeer(sharedUrl)) as { rows: Array<{ id: string; doc: Record<string, unknown> }> }).rows;
  expect(onShared.find((row) => row.id === `peer:${sharedUrl}`)?.doc).toEqual(expect.objectContaining({ e2e: expect.anything() }));
  expect(onShared.filter((row) => row.id.startsWith('note:') && 'e2e' in row.doc)).toHaveLength(1);
  expect(JSON.stringify(onShared)).not.toContain(LAPTOP_NOTE[1]);
  expect(JSON.stringify(onShared)).not.toContain('"encrypted":true');

  // The phone, syncing all along, finds the sealed documents: the row and the header say so; its other peer syncs on.
  await phone.go('Peers');
  const phoneRow = phone.peers.row(sharedUrl);
  await expect(phoneRow.getByRole('alert')).toContainText('This peer holds encrypted documents: another device marked it encrypted.');
  await expect(phoneRow.getByRole('alert')).toContainText('Enter the mesh passphrase below');
  await expect(phone.peers.state(sharedUrl)).toHaveText('Enter the mesh passphrase to use');
  await expect(phoneRow.getByRole('textbox', { name: 'Mesh passphrase' })).toBeVisible();
  await expect(phoneRow.getByRole('button', { name: 'Save passphrase and sync' })).toBeVisible();
  await expect(phoneRow.getByTestId('peer-encrypted')).toHaveCount(0);
  await expect(phone.page.getByTestId('sync-indicator')).toHaveText('Enter the mesh passphrase for 1 peer');
  await expect(phone.peers.state(ownUrl)).toHaveText('Up to date');

  // Nothing sealed is stored on the phone, and the laptop's note is not there in any form.
  const refused = await storedRecords(phone);
  expect(refused.stores).toContain('_pouch_p2pcloud/by-sequence');
  expect(refused.bodies.map((doc) => doc['title'])).toContain('Before the switch');
  expect(refused.withEnvelope).toEqual([]);
  expect(JSON.stringify(refused.bodies)).not.toContain(LAPTOP_NOTE[0]);
  await phone.go('Notes');
  await expect(phone.notes.item(LAPTOP_NOTE[0])).toHaveCount(0);

  // A note written on the phone meanwhile reaches its own plain peer, and nothing plain goes to the sealed one.
  await phone.notes.create(...PHONE_NOTE);
  await expect.poll(() => rawPeer(ownUrl)).toContain(PHONE_NOTE[1]);
  expect(await rawPeer(sharedUrl)).not.toContain(PHONE_NOTE[1]);
  await phone.go('Peers');
  await expect(phone.peers.state(ownUrl)).toHaveText('Up to date');
  await expect(phone.page.getByTestId('sync-indicator')).toHaveText('Enter the mesh passphrase for 1 peer');
  expect((await storedRecords(phone)).withEnvelope).toEqual([]);

  // The passphrase marks the peer encrypted on the phone too; the laptop's note arrives, stored plain.
  await phoneRow.getByRole('textbox', { name: 'Mesh passphrase' }).fill(MESH);
  await phoneRow.getByRole('button', { name: 'Save passphrase and sync' }).click();
  await expect(phoneRow.getByTestId('peer-encrypted')).toBeVisible();
  await expect(phoneRow.getByRole('alert')).toHaveCount(0);
  await expect(phone.peers.state(sharedUrl)).toHaveText('Up to date');
  await phone.go('Notes');
  await phone.notes.open(LAPTOP_NOTE[0]);
  await expect(phone.notes.body).toHaveValue(LAPTOP_NOTE[1]);
  const opened = await storedRecords(phone);
  expect(opened.withEnvelope).toEqual([]);
  expect(opened.bodies.filter((doc) => doc['title'] === LAPTOP_NOTE[0]).map((doc) => doc['body'])).toEqual([LAPTOP_NOTE[1]]);
  await phone.go('Peers');
  await phone.synced();

  // The phone's note now reaches the laptop through the shared peer, sealed on its way.
  await laptop.go('Notes');
  await expect(laptop.notes.item(PHONE_NOTE[0])).toBeVisible();
  await expect.poll(async () => (await rawPeer(sharedUrl)).match(/"_id":"note:/g)?.length ?? 0).toBe(3);
  const afterwards = await rawPeer(sharedUrl);
  for (const text of [...LAPTOP_NOTE, ...PHONE_NOTE]) expect(afterwards).not.toContain(text);
});

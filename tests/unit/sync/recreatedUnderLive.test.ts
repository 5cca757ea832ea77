// A device live-syncing with a peer while another one recreates the peer's
// database (issue #16): it must notice by itself, without a restart, send the
// new database everything again (sealed, the peer being encrypted) and pull
// the new database's changes, even those numbered below where its live pull
// had got to on the old one.
import { expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import type { SyncEngine} from '../../../src/sync/engine/SyncEngine';
import { type EnginePeer } from '../../../src/sync/engine/SyncEngine';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { ADMIN, MEMBER, startTestPeer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';
import { engineHarness } from '../../support/engineHarness';

const harness = engineHarness();
const { cleanup } = harness;
const member = { username: MEMBER.username, password: MEMBER.password };
const PASSPHRASE = 'the mesh passphrase of this test';
const adminAuth = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

const engineFor = (localDb: PouchDB.Database, recreationCheckMs = 100) => harness.engineFor(localDb, { recreationCheckMs });

const encrypted = (url: string): EnginePeer => {
  const config: PeerConfig = { id: peerIdFor(url), url, isPaused: false, addedAt: '2026-12-03T00:00:00.000Z', encrypted: true };
  return { config, credentials: member, passphrase: PASSPHRASE };
};

/** What recreateDatabase.ts does to the database, as a server admin: its _security kept, everything else gone. */
async function deleteAndCreate(url: string, inTheGap: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  const call = async (method: string, path = '', body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { Authorization: adminAuth, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  const security = await call('GET', '/_security');
  await call('DELETE');
  await inTheGap();
  await call('PUT');
  await call('PUT', '/_security', security);
}

it('a device live and up to date notices the database recreated under it, sends it everything again sealed and pulls its new changes', async () => {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const url = server.dbUrl('notes');
  const id = peerIdFor(url);
  const remote = openRemote(url, member);
  const [laptop, phone] = [newLocalDb(), newLocalDb()];
  const [laptopEngine, phoneEngine] = [engineFor(laptop), engineFor(phone)];
  const settled = (engine: SyncEngine) => () => {
    const s = engine.getSnapshot().peers[id];
    return s?.state === 'upToDate' && s.pending === 0 && !s.error;
  };

  // Many changes on the old database, so that its seq is far past what the new one will reach.
  await laptop.put({ _id: 'note:laptop', title: 'Laptop plan', body: 'draft 0' });
  for (let i = 1; i <= 30; i++) {
    const doc = await laptop.get<{ body: string }>('note:laptop');
    await laptop.put({ ...doc, body: `draft ${i}` });
  }
  await Promise.all([laptopEngine.setPeers([encrypted(url)]), phoneEngine.setPeers([encrypted(url)])]);
  await waitFor('the phone has the laptop note', () => phone.get('note:laptop').catch(() => null));
  await waitFor('the laptop settled', settled(laptopEngine), { subscribe: laptopEngine.subscribe });
  // The laptop leaves; the phone writes a note only it and the old database will have.
  await laptopEngine.setPeers([]);
  await phone.put({ _id: 'note:phone', title: 'Phone list', body: 'written on the phone' });
  await waitFor('the phone note on the peer', () => remote.get('note:phone').catch(() => null));
  await waitFor('the phone settled', settled(phoneEngine), { subscribe: phoneEngine.subscribe });

  // The database is recreated, empty; the laptop comes back, sends what it has, and writes a new note.
  await deleteAndCreate(url);
  await laptopEngine.setPeers([encrypted(url)]);
  await laptop.put({ _id: 'note:after', title: 'After the recreation', body: 'written on the laptop' });

  // The phone, never restarted: it pulls the new note and sends the new database its own, sealed.
  await waitFor('the new note on the phone', () => phone.get('note:after').catch(() => null), { timeoutMs: 20_000 });
  await waitFor('the phone note on the new database', () => remote.get('note:phone').catch(() => null), { timeoutMs: 20_000 });
  await waitFor('the phone note on the laptop', () => laptop.get('note:phone').catch(() => null));
  await waitFor('the phone settled again', settled(phoneEngine), { subscribe: phoneEngine.subscribe });
  const raw = JSON.stringify(await remote.allDocs({ include_docs: true }));
  for (const word of ['Laptop plan', 'Phone list', 'written on the phone', 'After the recreation']) expect(raw).not.toContain(word);
});

it('a device that meets the database gone between its deletion and its creation waits as if the peer were away, then sends the new one everything', async () => {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const url = server.dbUrl('notes');
  const id = peerIdFor(url);
  const remote = openRemote(url, member);
  const phone = newLocalDb();
  // No periodic check in the way: what the phone meets is its own write failing on the missing database.
  const engine = engineFor(phone, 3_600_000);
  await phone.put({ _id: 'note:before', title: 'Before', body: 'on the old database' });
  await engine.setPeers([encrypted(url)]);
  const settled = () => {
    const s = engine.getSnapshot().peers[id];
    return s?.state === 'upToDate' && s.pending === 0 && !s.error;
  };
  await waitFor('the phone settled', settled, { subscribe: engine.subscribe });

  await deleteAndCreate(url, async () => {
    // In the gap: a note written now meets no database. The phone says so, and keeps trying.
    await phone.put({ _id: 'note:gap', title: 'Gap', body: 'written while the database was gone' });
    const status = await waitFor('the phone names the missing database', () => {
      const s = engine.getSnapshot().peers[id];
      return s?.error?.reason === 'no-database' ? s : undefined;
    }, { subscribe: engine.subscribe });
    expect(status.state).toBe('backingOff');
  });
  await waitFor('both notes on the new database', async () => (await remote.allDocs({ keys: ['note:before', 'note:gap'] })).rows.every((row) => 'value' in row && row.value), { timeoutMs: 20_000 });
  await waitFor('the phone settled again', settled, { subscribe: engine.subscribe, timeoutMs: 20_000 });
  expect(JSON.stringify(await remote.allDocs({ include_docs: true }))).not.toContain('written while');
});

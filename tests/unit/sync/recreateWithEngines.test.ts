// A plain peer switched to encrypted and its database recreated from one
// device, with the real sync engine on both devices (issue #16): the device
// that recreated sends everything again sealed; another device, restarting
// its sync with that peer when it learns the switch, finds no checkpoint,
// sends what only it had, sealed, and settles up to date with no error.
import { afterEach, expect, it } from 'vitest';
import { peerIdFor, type PeerId } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { silentLogger } from '../../../src/sync/common/logger';
import { SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { DatabaseRecreator } from '../../../src/sync/peers/DatabaseRecreator';
import { memoryProgress, newLocalDb, openRemote } from '../../support/nodePouch';
import { ADMIN, MEMBER, startTestPeer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const member = { username: MEMBER.username, password: MEMBER.password };
const PASSPHRASE = 'the mesh passphrase';

/** A device: its database, its engine, and its copy of the (replicated) peer config. */
function device(url: string) {
  const localDb = newLocalDb();
  const engine = new SyncEngine({ localDb, openRemote, progress: memoryProgress(), logger: silentLogger, backOff: () => 50 });
  engine.start();
  cleanup.push(() => engine.stop());
  let config: PeerConfig = { id: peerIdFor(url), url, isPaused: false, addedAt: '2026-12-03T00:00:00.000Z' };
  const apply = () => engine.setPeers([{ config, credentials: member, passphrase: PASSPHRASE }]);
  const settled = (id: PeerId) => {
    const s = engine.getSnapshot().peers[id];
    return s?.state === 'upToDate' && s.pending === 0 && !s.error;
  };
  return {
    localDb,
    engine,
    apply,
    settled: () => waitFor('up to date, nothing pending, no error', () => settled(config.id), { subscribe: engine.subscribe, timeoutMs: 20_000 }),
    peers: {
      list: () => Promise.resolve([config]),
      setPaused: async (_id: PeerId, isPaused: boolean) => {
        config = { ...config, isPaused };
        await apply();
      },
      setEncrypted: async () => {
        config = { ...config, encrypted: true };
        await apply();
      },
    },
  };
}

it('the recreating device and another one that learns the switch afterwards both send everything sealed, lose nothing and settle', async () => {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const url = server.dbUrl('notes');
  const remote = openRemote(url, member);
  const [laptop, phone] = [device(url), device(url)];
  await laptop.localDb.put({ _id: 'note:laptop', title: 'Laptop plan', body: 'written on the laptop' });
  await phone.localDb.put({ _id: 'note:phone', title: 'Phone list', body: 'written on the phone' });
  await Promise.all([laptop.apply(), phone.apply()]);
  await waitFor('both notes on the plain peer', async () => (await remote.allDocs()).rows.length === 2);
  // The phone goes offline with a note the peer never got.
  await phone.engine.setPeers([]);
  await phone.localDb.put({ _id: 'note:offline', title: 'Offline thought', body: 'only on the phone' });

  const recreator = new DatabaseRecreator({
    localDb: laptop.localDb,
    peers: laptop.peers,
    whenPaused: (id) => waitFor('paused here', () => laptop.engine.getSnapshot().peers[id]?.state === 'paused', { subscribe: laptop.engine.subscribe }).then(() => undefined),
    fetch,
  });
  const result = await recreator.recreate(peerIdFor(url), { username: ADMIN.username, password: ADMIN.password }, { encrypt: true });
  expect(result).toMatchObject({ ok: true });
  await laptop.settled();
  // The phone comes back and learns, through the mesh, that the peer is encrypted.
  await phone.peers.setEncrypted();
  await phone.settled();
  await waitFor('all three notes on the peer', async () => (await remote.allDocs()).rows.length === 3);
  const raw = JSON.stringify(await remote.allDocs({ include_docs: true, conflicts: true }));
  for (const word of ['Laptop plan', 'written on the laptop', 'Phone list', 'written on the phone', 'Offline thought', 'only on the phone']) expect(raw).not.toContain(word);
  // Both devices: every note, plain; the phone's offline note reached the laptop through the sealed peer.
  await waitFor('the laptop has the offline note', () => laptop.localDb.get('note:offline').catch(() => null));
  for (const db of [laptop.localDb, phone.localDb]) {
    expect((await db.allDocs({ include_docs: true })).rows.map((r) => (r.doc as { title?: string }).title).sort()).toEqual(['Laptop plan', 'Offline thought', 'Phone list']);
  }
});

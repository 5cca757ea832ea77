// The mesh passphrase (kept on the device, apart from the replicated peer
// list) reaches the engine for encrypted peers only; without it an
// encrypted peer waits and receives nothing (issue #16).
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import type { PeerStore } from '../../../src/storage/peerStore';
import { silentLogger } from '../../../src/sync/common/logger';
import { SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { SyncHost } from '../../../src/sync/engine/SyncHost';
import { memoryProgress, newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const member = { username: MEMBER.username, password: MEMBER.password };

async function setUp(passphrase: string | undefined) {
  const [vault, plain] = [await startTestPeer(), await startTestPeer()];
  cleanup.push(() => vault.close(), () => plain.close());
  const config = (url: string, encrypted: boolean): PeerConfig => ({ id: peerIdFor(url), url, isPaused: false, addedAt: '2026-12-03T00:00:00.000Z', ...(encrypted ? { encrypted } : {}) });
  const peers = [config(vault.dbUrl('notes'), true), config(plain.dbUrl('notes'), false)];
  const store: PeerStore = {
    list: () => Promise.resolve(peers),
    save: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    getCredentials: () => Promise.resolve(member),
    setCredentials: () => Promise.resolve(),
    getPassphrase: () => Promise.resolve(passphrase),
  };
  const localDb = newLocalDb();
  await localDb.put({ _id: 'note:1', title: 'Confidential', body: 'the safe code is 4711' });
  let engine: SyncEngine | undefined;
  const host = new SyncHost({
    store,
    logger: silentLogger,
    createEngine: () => (engine = new SyncEngine({ localDb, openRemote, progress: memoryProgress(), logger: silentLogger, backOff: () => 50 })),
  });
  host.start();
  cleanup.push(() => host.stop());
  return { vault: openRemote(vault.dbUrl('notes'), member), plain: openRemote(plain.dbUrl('notes'), member), peers, engine: () => engine };
}

describe('the mesh passphrase', () => {
  it('is handed to the engine for the encrypted peer, which receives only ciphertext; the plain peer gets the note plain', async () => {
    const { vault, plain } = await setUp('the mesh passphrase');
    const sealed = await waitFor('the vault has the note', () => vault.get<Record<string, unknown>>('note:1').catch(() => null));
    expect(JSON.stringify(sealed)).not.toContain('4711');
    expect(sealed).toHaveProperty('e2e');
    expect(await waitFor('the plain peer has it', () => plain.get<Record<string, unknown>>('note:1').catch(() => null))).toMatchObject({ body: 'the safe code is 4711' });
  });

  it('missing, the encrypted peer waits for it and receives nothing, while the plain peer syncs', async () => {
    const { vault, plain, peers, engine } = await setUp(undefined);
    await waitFor('the plain peer has it', () => plain.get('note:1').catch(() => null));
    const status = await waitFor('the vault waits', () => engine()?.getSnapshot().peers[peers[0]!.id]);
    expect(status.state).toBe('passphraseNeeded');
    expect((await vault.allDocs()).rows).toEqual([]);
  });
});

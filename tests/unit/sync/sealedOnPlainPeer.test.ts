// A peer this device syncs in plain, which another device has marked
// encrypted (issue #16): it now holds sealed documents. This device must
// never store their ciphertext as plain documents, nor push plaintext to it;
// it says why on the peer's row and keeps syncing its other peers.
import { expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import type { EnginePeer, SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { refuseSealed } from '../../../src/sync/remote/plainPeer';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER } from '../../support/peers';
import { waitFor } from '../../support/waitFor';
import { engineHarness } from '../../support/engineHarness';

const { engineFor, peer } = engineHarness();
const member = { username: MEMBER.username, password: MEMBER.password };
const PASSPHRASE = 'the mesh passphrase of this test';



const config = (url: string, encrypted = false): PeerConfig => ({ id: peerIdFor(url), url, isPaused: false, addedAt: '2026-12-03T00:00:00.000Z', ...(encrypted ? { encrypted } : {}) });
const plain = (url: string): EnginePeer => ({ config: config(url), credentials: member });
const encrypted = (url: string): EnginePeer => ({ config: config(url, true), credentials: member, passphrase: PASSPHRASE });
/** The replicated peer document, as storage/peerStore.ts writes it. */
const peerDoc = (url: string, rev?: string, isEncrypted = false) => ({ _id: peerIdFor(url), ...(rev ? { _rev: rev } : {}), type: 'peer', schemaVersion: 1, url, ...(isEncrypted ? { encrypted: true } : {}) });

/** Every revision in a database, leaves and conflicts, with their bodies. */
async function everyRevision(db: PouchDB.Database): Promise<Array<Record<string, unknown>>> {
  const ids = (await db.allDocs()).rows.map((row) => row.id);
  const leaves = await Promise.all(ids.map((id) => db.get(id, { open_revs: 'all' } as PouchDB.Core.GetOpenRevisions)));
  return leaves.flat().flatMap((row) => ('ok' in row ? [row.ok as unknown as Record<string, unknown>] : []));
}

/**
 * Two devices share peer X (and B has a plain peer Q of its own). Both sync
 * X in plain; then A marks X encrypted and writes a note, which reach X sealed.
 */
async function meshWhereAMarksXEncrypted(options: { isBLiveMeanwhile: boolean }) {
  const [x, q] = [await peer(), await peer()];
  const [xUrl, qUrl] = [x.dbUrl('notes'), q.dbUrl('notes')];
  const [a, b] = [newLocalDb(), newLocalDb()];
  const [engineA, engineB] = [engineFor(a), engineFor(b)];
  await a.bulkDocs([peerDoc(xUrl), { _id: 'note:shared', title: 'Shared plan', body: 'known to both' }]);
  await engineA.setPeers([plain(xUrl)]);
  await engineB.setPeers([plain(xUrl), plain(qUrl)]);
  const settled = (engine: SyncEngine, url: string) => () => {
    const s = engine.getSnapshot().peers[peerIdFor(url)];
    return s?.state === 'upToDate' && s.pending === 0 && !s.error;
  };
  await waitFor('B has the peer document and the shared note', async () => (await b.allDocs()).rows.length === 2);
  await waitFor('B settled with X', settled(engineB, xUrl), { subscribe: engineB.subscribe });
  if (!options.isBLiveMeanwhile) await engineB.setPeers([plain(qUrl)]);

  // A marks X encrypted (its peer document says so) and writes a note: both reach X sealed.
  const mine = await a.get(peerIdFor(xUrl));
  await a.put(peerDoc(xUrl, mine._rev, true));
  await engineA.setPeers([encrypted(xUrl)]);
  await a.put({ _id: 'note:secret', title: 'Secret plan', body: 'only ciphertext on X' });
  const remote = openRemote(xUrl, member);
  await waitFor('the sealed note on X', () => remote.get('note:secret').catch(() => null));
  await waitFor('A settled with X', settled(engineA, xUrl), { subscribe: engineA.subscribe });
  if (!options.isBLiveMeanwhile) await engineB.setPeers([plain(xUrl), plain(qUrl)]);
  return { xUrl, qUrl, b, engineB, remote, settledBWithQ: settled(engineB, qUrl) };
}

for (const isBLiveMeanwhile of [true, false]) {
  it(`a device that syncs the peer in plain (${isBLiveMeanwhile ? 'live all along' : 'back from offline'}) stores no ciphertext, keeps the peer in its list, says why, pushes it nothing, and keeps syncing its other peer`, async () => {
    const { xUrl, qUrl, b, engineB, remote, settledBWithQ } = await meshWhereAMarksXEncrypted({ isBLiveMeanwhile });
    const status = await waitFor('B names the sealed peer', () => {
      const s = engineB.getSnapshot().peers[peerIdFor(xUrl)];
      return s?.error?.reason === 'sealed' ? s : undefined;
    }, { subscribe: engineB.subscribe });
    expect(status.state).toBe('passphraseNeeded');
    expect(status.error?.docIds?.length).toBeGreaterThan(0);

    // No envelope anywhere in B's database, in any revision; its plain peer document is as it was.
    const revisions = await everyRevision(b);
    expect(revisions.filter((doc) => 'e2e' in doc).map((doc) => doc['_id'])).toEqual([]);
    expect(revisions.map((doc) => doc['_id']).sort()).toEqual(['note:shared', peerIdFor(xUrl)]);
    const kept = (await b.get(peerIdFor(xUrl))) as unknown as Record<string, unknown>;
    expect(kept).toMatchObject({ type: 'peer', url: xUrl });
    expect(kept['encrypted']).toBeUndefined();

    // A note written on B now reaches its other peer, and not X (which would get it in plain).
    await b.put({ _id: 'note:fromB', title: 'From B', body: 'plain on Q only' });
    await waitFor('the note on Q, B settled with Q', async () => settledBWithQ() && (await openRemote(qUrl, member).get('note:fromB').catch(() => null)), { subscribe: engineB.subscribe });
    expect(await remote.get('note:fromB').catch((err: { status?: number }) => err.status)).toBe(404);
    expect(engineB.getSnapshot().peers[peerIdFor(xUrl)]?.state).toBe('passphraseNeeded');

    // Given the passphrase (which marks X encrypted here too), B opens what it refused and stores it plain.
    await engineB.setPeers([encrypted(xUrl), plain(qUrl)]);
    await waitFor('the secret note on B, plain', async () => ((await b.get('note:secret').catch(() => null)) as { title?: string } | null)?.title === 'Secret plan');
    expect(((await b.get(peerIdFor(xUrl))) as unknown as { encrypted?: boolean }).encrypted).toBe(true);
    expect((await everyRevision(b)).filter((doc) => 'e2e' in doc)).toEqual([]);
  });
}

it('a plain handle never sends the settings that mark its own peer encrypted (the switch made here, before the sealing handle takes over); other documents pass', async () => {
  const server = await peer();
  const url = server.dbUrl('notes');
  const handle = refuseSealed(openRemote(url, member));
  const settings = (forUrl: string) => ({ _id: peerIdFor(forUrl), type: 'peer', schemaVersion: 1, url: forUrl, encrypted: true });
  await expect(handle.bulkDocs([{ _id: 'note:a', title: 'plain' }, settings(url)])).rejects.toMatchObject({ name: 'PeerBeingSealed' });
  const other = 'http://127.0.0.1:9/elsewhere';
  await handle.bulkDocs([{ _id: 'note:b', title: 'plain' }, settings(other)]);
  const ids = (await openRemote(url, member).allDocs()).rows.map((r) => r.id);
  expect(ids).toEqual(expect.arrayContaining(['note:b', peerIdFor(other)]));
  expect(ids).not.toContain(peerIdFor(url));
  expect(ids).not.toContain('note:a');
});

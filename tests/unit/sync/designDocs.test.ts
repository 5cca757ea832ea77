// Design documents (validate functions, views) are a server's own business:
// the browser neither pulls them nor relays them from one peer to another.
// Server links (the owner's explicit choice) may still copy them.
import { describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { ADMIN, MEMBER } from '../../support/peers';
import { waitFor } from '../../support/waitFor';
import { engineHarness } from '../../support/engineHarness';

const { engineFor, peer } = engineHarness();

const member = { username: MEMBER.username, password: MEMBER.password };



function config(url: string): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString() };
}

const ddoc = (name: string) => ({
  _id: `_design/${name}`,
  validate_doc_update: 'function (doc) { if (doc.x) throw({ forbidden: "no" }); }',
  views: { all: { map: 'function (doc) { emit(doc._id); }' } },
});

const ids = async (db: PouchDB.Database) => (await db.allDocs()).rows.map((r) => r.id);

describe('design documents from a peer', () => {
  it('never reach this device or another peer through it, catch-up or live, and the peer row names them', async () => {
    const a = await peer();
    const b = await peer();
    const adminA = openRemote(a.dbUrl('notes'), ADMIN);
    const remoteA = openRemote(a.dbUrl('notes'), member);
    const remoteB = openRemote(b.dbUrl('notes'), member);
    await adminA.put(ddoc('before'));
    await remoteA.put({ _id: 'note:after-before', body: 'written after the first design document' });
    const localDb = newLocalDb();
    const engine = engineFor(localDb);
    const cfgA = config(a.dbUrl('notes'));
    await engine.setPeers([{ config: cfgA, credentials: member }, { config: config(b.dbUrl('notes')), credentials: member }]);
    // Changes move in seq order: once the later note is on B, the design document was passed over.
    await waitFor('catch-up reaches B', () => remoteB.get('note:after-before').catch(() => null));

    await adminA.put(ddoc('live'));
    await remoteA.put({ _id: 'note:after-live', body: 'written after the second design document' });
    await waitFor('live pull reaches B', () => remoteB.get('note:after-live').catch(() => null));

    expect(await ids(localDb)).toEqual(['note:after-before', 'note:after-live']);
    expect(await ids(remoteB)).toEqual(['note:after-before', 'note:after-live']);
    const named = await waitFor('the peer row names them', () => {
      const found = engine.getSnapshot().peers[cfgA.id]?.designDocs;
      return found?.length === 2 ? found : null;
    }, { subscribe: engine.subscribe });
    expect(named).toEqual(['_design/before', '_design/live']);
  });

  it('one already on this device (pulled by an older version) is not pushed to a peer', async () => {
    const b = await peer();
    const localDb = newLocalDb();
    await localDb.bulkDocs([ddoc('old'), { _id: 'note:1', body: 'one' }]);
    const engine = engineFor(localDb);
    await engine.setPeers([{ config: config(b.dbUrl('notes')), credentials: member }]);
    const remoteB = openRemote(b.dbUrl('notes'), member);
    await waitFor('the note reaches B', () => remoteB.get('note:1').catch(() => null));
    // And live: a note after another local design document.
    await localDb.bulkDocs([ddoc('old-2'), { _id: 'note:2', body: 'two' }]);
    await waitFor('the second note reaches B', () => remoteB.get('note:2').catch(() => null));
    expect(await ids(remoteB)).toEqual(['note:1', 'note:2']);
  });
});

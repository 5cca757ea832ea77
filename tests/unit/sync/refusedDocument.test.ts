// A peer that refuses one document with 401/403 (a validate_doc_update on the
// server, or a member who may read but not write): PouchDB's replicator logs
// it and moves its checkpoint past it, so the document is named here instead.
import { describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { assessSafety } from '../../../src/sync/safety/dataSafety';
import { silentLogger } from '../../../src/sync/common/logger';
import { SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { summarizeSync } from '../../../src/ui/syncSummary';
import { memoryProgress, newLocalDb, openRemote } from '../../support/nodePouch';
import { ADMIN, MEMBER, startTestPeer, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';
import { engineHarness } from '../../support/engineHarness';

const { cleanup, engineFor } = engineHarness();

const member = { username: MEMBER.username, password: MEMBER.password };

/** A peer whose validate_doc_update refuses any document marked `secret`, as CouchDB would. */
async function refusingPeer(kind: 'forbidden' | 'unauthorized'): Promise<PeerServer> {
  const server = await startTestPeer({ validateDocUpdate: true });
  cleanup.push(() => server.close());
  await openRemote(server.dbUrl('notes'), ADMIN).put({
    _id: '_design/refuse-secrets',
    validate_doc_update: `function (doc) { if (doc.secret) throw({ ${kind}: 'no secrets here' }); }`,
  });
  return server;
}


function config(url: string): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString() };
}

describe('a document the peer refuses with 401 or 403', () => {
  for (const kind of ['forbidden', 'unauthorized'] as const) {
    it(`is named on the peer (${kind}), never counted as received, and the others keep moving`, async () => {
      const server = await refusingPeer(kind);
      const localDb = newLocalDb();
      const engine = engineFor(localDb);
      const cfg = config(server.dbUrl('notes'));
      const remote = openRemote(cfg.url, member);
      await localDb.bulkDocs([{ _id: 'note:plain', body: 'fine' }, { _id: 'note:secret', body: 'no', secret: true }]);
      await engine.setPeers([{ config: cfg, credentials: member }]);
      // The pending count may lag the refusal by a snapshot (the plain note's
      // checkpoint comes after): wait until it has settled on the refused one.
      const refused = await waitFor('the refusal named, and counted as not received', () => {
        const s = engine.getSnapshot().peers[cfg.id];
        return s?.error?.reason === 'refused' && s.pending === 1 ? s : null;
      }, { subscribe: engine.subscribe });
      expect(refused.error?.docIds).toEqual(['note:secret']);
      expect(refused.pending).toBe(1);
      expect(engine.getSnapshot().onlyHere).toEqual(['note:secret']);
      const header = summarizeSync({ peers: [cfg], statuses: engine.getSnapshot().peers, onlyHere: [], isLeader: true });
      expect(header.text).not.toBe('All peers up to date');
      expect((await remote.allDocs()).rows.map((r) => r.id)).toContain('note:plain');

      // Where is my data safe: the peer is never reported as holding it.
      const report = await assessSafety(localDb, [{ id: cfg.id, db: remote }], ['note:']);
      expect(report.holders['note:secret']).toEqual([]);
      expect(report.onlyHere).toEqual(['note:secret']);

      // Later changes still reach the peer, and the refusal stays named.
      await localDb.put({ _id: 'note:later', body: 'still syncing' });
      const plain = await localDb.get<{ body: string }>('note:plain');
      await localDb.put({ ...plain, body: 'edited after the refusal' });
      await waitFor('a later note reaches the peer', () => remote.get('note:later').catch(() => null));
      await waitFor('a later edit reaches the peer', async () => (await remote.get<{ body: string }>('note:plain')).body === 'edited after the refusal');
      await waitFor('pending counts the refused note only', () => engine.getSnapshot().peers[cfg.id]?.pending === 1, {
        subscribe: engine.subscribe,
      });
      expect(engine.getSnapshot().peers[cfg.id]?.error?.docIds).toEqual(['note:secret']);

      // Once edited into something the peer accepts, it arrives and the peer row clears.
      const secret = await localDb.get<{ secret?: boolean }>('note:secret');
      await localDb.put({ ...secret, secret: false });
      await waitFor('the edited note reaches the peer', () => remote.get('note:secret').catch(() => null));
      await waitFor('the refusal cleared', () => {
        const s = engine.getSnapshot().peers[cfg.id];
        return s?.state === 'upToDate' && !s.error && s.pending === 0 && engine.getSnapshot().onlyHere.length === 0;
      }, { subscribe: engine.subscribe });
    });
  }

  it('a refusal during the live push (after the catch-up) is named too', async () => {
    const server = await refusingPeer('forbidden');
    const localDb = newLocalDb();
    const engine = engineFor(localDb);
    const cfg = config(server.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('up to date', () => engine.getSnapshot().peers[cfg.id]?.state === 'upToDate', { subscribe: engine.subscribe });
    await localDb.put({ _id: 'note:secret-live', secret: true });
    const refused = await waitFor('the refusal named', () => {
      const s = engine.getSnapshot().peers[cfg.id];
      return s?.error?.reason === 'refused' && s.pending === 1 ? s : null;
    }, { subscribe: engine.subscribe });
    expect(refused.error?.docIds).toEqual(['note:secret-live']);
  });
});

describe('a refused document after a restart', () => {
  it('is still named by a new engine (a reload), and sent again once the peer accepts it', async () => {
    const server = await refusingPeer('forbidden');
    const localDb = newLocalDb();
    const progress = memoryProgress();
    const cfg = config(server.dbUrl('notes'));
    const remote = openRemote(cfg.url, member);
    await localDb.put({ _id: 'note:secret', secret: true });
    const first = new SyncEngine({ localDb, openRemote, progress, logger: silentLogger, backOff: () => 50 });
    first.start();
    await first.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('refused', () => first.getSnapshot().peers[cfg.id]?.error?.reason === 'refused', { subscribe: first.subscribe });
    first.stop();

    // The peer's owner lifts the rule; a reload (a new engine, the same saved progress) names it, then sends it.
    const admin = openRemote(cfg.url, ADMIN);
    const engine = new SyncEngine({ localDb, openRemote, progress, logger: silentLogger, backOff: () => 50 });
    engine.start();
    cleanup.push(() => engine.stop());
    await engine.setPeers([{ config: cfg, credentials: member }]);
    expect(engine.getSnapshot().peers[cfg.id]?.error?.docIds).toEqual(['note:secret']);
    await admin.remove(await admin.get('_design/refuse-secrets'));
    await engine.setPeers([{ config: { ...cfg, isPaused: true }, credentials: member }]);
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('sent again on restart', () => remote.get('note:secret').catch(() => null));
    await waitFor('no longer named', () => {
      const s = engine.getSnapshot().peers[cfg.id];
      return s?.state === 'upToDate' && !s.error && s.pending === 0;
    }, { subscribe: engine.subscribe });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor, type PeerId } from '../../../src/domain/ids';
import type { PeerConfig, PeerCredentials } from '../../../src/domain/peer';
import { assessSafety, summarizeSafety } from '../../../src/sync/safety/dataSafety';
import { silentLogger } from '../../../src/sync/common/logger';
import { SyncEngine, type EnginePeer } from '../../../src/sync/engine/SyncEngine';
import { memoryProgress, newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function peer(options = {}): Promise<PeerServer> {
  const server = await startTestPeer(options);
  cleanup.push(() => server.close());
  return server;
}

function engineFor(localDb = newLocalDb()) {
  const engine = new SyncEngine({
    localDb,
    openRemote,
    progress: memoryProgress(),
    logger: silentLogger,
    backOff: () => 50,
  });
  engine.start();
  cleanup.push(() => engine.stop());
  return { engine, localDb };
}

function config(url: string, paused = false): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: paused, addedAt: new Date().toISOString() };
}

const member = { username: MEMBER.username, password: MEMBER.password };

function stateOf(engine: SyncEngine, id: PeerId) {
  return engine.getSnapshot().peers[id]?.state;
}

describe('SyncEngine against real CouchDB-protocol peers', () => {
  it('pushes local writes and pulls remote writes, live', async () => {
    const server = await peer();
    const { engine, localDb } = engineFor();
    const p: EnginePeer = { config: config(server.dbUrl('notes')), credentials: member };
    await engine.setPeers([p]);
    await localDb.put({ _id: 'note:local', title: 'from device' });
    const remote = openRemote(server.dbUrl('notes'), member);
    await waitFor('push to peer', () => remote.get('note:local').catch(() => null));
    await remote.put({ _id: 'note:remote', title: 'from peer' });
    await waitFor('pull from peer', () => localDb.get('note:remote').catch(() => null));
    // Counts settle a moment after the replication does: wait for all of it.
    await waitFor('up to date, nothing pending, nothing only here', () => {
      const s = engine.getSnapshot().peers[p.config.id];
      return s?.state === 'upToDate' && s.pending === 0 && s.lastSyncedAt && engine.getSnapshot().onlyHere.length === 0;
    }, { subscribe: engine.subscribe });
  });

  it('relays between two peers that never talk to each other', async () => {
    const a = await peer();
    const b = await peer();
    const { engine } = engineFor();
    await engine.setPeers([
      { config: config(a.dbUrl('notes')), credentials: member },
      { config: config(b.dbUrl('notes')), credentials: member },
    ]);
    const remoteA = openRemote(a.dbUrl('notes'), member);
    const remoteB = openRemote(b.dbUrl('notes'), member);
    await remoteA.put({ _id: 'note:a', title: 'written on A' });
    await remoteB.put({ _id: 'note:b', title: 'written on B' });
    await waitFor('A reaches B', () => remoteB.get('note:a').catch(() => null));
    await waitFor('B reaches A', () => remoteA.get('note:b').catch(() => null));
  });

  it('hands a document pulled from one peer straight to the other, without asking it first (revs_diff)', async () => {
    const home = await peer();
    const work = await peer();
    // What the engine asks of the work peer, in order, per document id.
    const asked: Array<[string, string]> = [];
    const spied = (url: string, credentials?: PeerCredentials) => {
      const db = openRemote(url, credentials);
      if (url !== work.dbUrl('notes')) return db;
      const [revsDiff, bulkDocs] = [db.revsDiff.bind(db), db.bulkDocs.bind(db)];
      db.revsDiff = (diff: PouchDB.Core.RevisionDiffOptions) => {
        for (const id of Object.keys(diff)) asked.push(['revsDiff', id]);
        return revsDiff(diff);
      };
      db.bulkDocs = ((docs: Array<{ _id: string }>, options?: PouchDB.Core.BulkDocsOptions) => {
        for (const doc of docs) asked.push(['bulkDocs', doc._id]);
        return bulkDocs(docs, options ?? {});
      }) as typeof db.bulkDocs;
      return db;
    };
    const engine = new SyncEngine({ localDb: newLocalDb(), openRemote: spied, progress: memoryProgress(), logger: silentLogger });
    engine.start();
    cleanup.push(() => engine.stop());
    const [homeCfg, workCfg] = [config(home.dbUrl('notes')), config(work.dbUrl('notes'))];
    await engine.setPeers([{ config: homeCfg, credentials: member }, { config: workCfg, credentials: member }]);
    await waitFor('both live', () => stateOf(engine, homeCfg.id) === 'upToDate' && stateOf(engine, workCfg.id) === 'upToDate', {
      subscribe: engine.subscribe,
    });
    const homeDb = openRemote(home.dbUrl('notes'), member);
    const workDb = openRemote(work.dbUrl('notes'), member);
    await homeDb.put({ _id: 'note:edited', title: 'first' });
    await waitFor('at work', () => workDb.get('note:edited').catch(() => null));
    const first = await homeDb.get('note:edited');
    await homeDb.put({ ...first, title: 'second' });
    await waitFor('the edit at work', async () => (await workDb.get<{ title: string }>('note:edited')).title === 'second');
    // The whole history came along: the work peer has one revision, not two branches.
    const atWork = await workDb.get('note:edited', { revs: true, conflicts: true });
    expect(atWork._conflicts ?? []).toEqual([]);
    expect(atWork._revisions?.ids).toHaveLength(2);
    // Sent before anyone asked whether the work peer had it.
    expect(asked.find(([, id]) => id === 'note:edited')).toEqual(['bulkDocs', 'note:edited']);
  });

  it('counts changes a paused peer has not received, and delivers them on resume', async () => {
    const server = await peer();
    const { engine, localDb } = engineFor();
    const cfg = config(server.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('first sync', () => stateOf(engine, cfg.id) === 'upToDate', { subscribe: engine.subscribe });
    await engine.setPeers([{ config: { ...cfg, isPaused: true }, credentials: member }]);
    expect(stateOf(engine, cfg.id)).toBe('paused');
    await localDb.bulkDocs([{ _id: 'note:1' }, { _id: 'note:2' }, { _id: 'note:3' }]);
    await waitFor('3 pending', () => engine.getSnapshot().peers[cfg.id]?.pending === 3, { subscribe: engine.subscribe });
    expect([...engine.getSnapshot().onlyHere].sort()).toEqual(['note:1', 'note:2', 'note:3']);
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('0 pending after resume', () => engine.getSnapshot().peers[cfg.id]?.pending === 0, {
      subscribe: engine.subscribe,
    });
    const remote = openRemote(server.dbUrl('notes'), member);
    expect((await remote.allDocs()).rows.map((r) => r.id)).toEqual(['note:1', 'note:2', 'note:3']);
  });

  it('counts a document edited twice once, and a peer added later lacks what the first peer already has', async () => {
    const home = await peer();
    const work = await peer();
    const { engine, localDb } = engineFor();
    const homeCfg = config(home.dbUrl('notes'));
    await engine.setPeers([{ config: { ...homeCfg, isPaused: true }, credentials: member }]);
    await localDb.bulkDocs([{ _id: 'note:1' }, { _id: 'note:2' }, { _id: 'note:gone' }]);
    const first = await localDb.get('note:1');
    await localDb.put({ ...first, title: 'edited' });
    await localDb.remove(await localDb.get('note:gone'));
    // Three documents changed (one of them twice, one deleted): three pending, not five.
    await waitFor('3 pending for home', () => engine.getSnapshot().peers[homeCfg.id]?.pending === 3, { subscribe: engine.subscribe });
    await engine.setPeers([{ config: homeCfg, credentials: member }]);
    await waitFor('home has everything', () => engine.getSnapshot().peers[homeCfg.id]?.pending === 0, { subscribe: engine.subscribe });
    expect(engine.getSnapshot().onlyHere).toEqual([]);

    // Work joins paused: everything counts for it again, though home's checkpoint is past all of it.
    const workCfg = config(work.dbUrl('notes'), true);
    await engine.setPeers([{ config: homeCfg, credentials: member }, { config: workCfg, credentials: member }]);
    await waitFor('3 pending for work', () => engine.getSnapshot().peers[workCfg.id]?.pending === 3, { subscribe: engine.subscribe });
    expect(engine.getSnapshot().peers[homeCfg.id]?.pending).toBe(0);
    expect(engine.getSnapshot().onlyHere).toEqual([]);

    // A new change is pending for both until home has it; then only work lacks it.
    await localDb.put({ _id: 'note:3' });
    await waitFor('home sent note:3', () => engine.getSnapshot().peers[homeCfg.id]?.pending === 0 && engine.getSnapshot().peers[workCfg.id]?.pending === 4, {
      subscribe: engine.subscribe,
    });
    expect(engine.getSnapshot().onlyHere).toEqual([]);
  });

  it('with no peer lists nothing (the header says "No peers yet"); a first peer then lacks everything', async () => {
    const server = await peer();
    const { engine, localDb } = engineFor();
    await localDb.bulkDocs([{ _id: 'note:1' }, { _id: 'note:2' }]);
    // Every read of the changes feed, by anyone, from here on.
    const reads: unknown[] = [];
    const changes = localDb.changes.bind(localDb);
    localDb.changes = ((options: unknown) => {
      reads.push(options);
      return changes(options as PouchDB.Core.ChangesOptions);
    });
    let published = 0;
    engine.subscribe(() => (published += 1));
    await engine.setPeers([]);
    await localDb.put({ _id: 'note:3' });
    await waitFor('a recount', () => published > 1, { subscribe: engine.subscribe });
    expect(engine.getSnapshot().onlyHere).toEqual([]);
    expect(reads).toEqual([]);
    const cfg = config(server.dbUrl('notes'), true);
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('3 pending', () => engine.getSnapshot().peers[cfg.id]?.pending === 3, { subscribe: engine.subscribe });
    expect([...engine.getSnapshot().onlyHere].sort()).toEqual(['note:1', 'note:2', 'note:3']);

    // The peer removed again: the feed stops, and nothing is listed.
    await engine.setPeers([]);
    reads.length = 0;
    const before = published;
    await localDb.put({ _id: 'note:4' });
    await waitFor('a recount', () => published > before, { subscribe: engine.subscribe });
    expect(engine.getSnapshot().onlyHere).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('after a catch-up pull, counts what it brought for the other peer, which lacks it', async () => {
    const home = await peer();
    const work = await peer();
    const homeDb = openRemote(home.dbUrl('notes'), member);
    await homeDb.bulkDocs(Array.from({ length: 300 }, (_, i) => ({ _id: `note:home-${i}` })));
    const { engine, localDb } = engineFor();
    await localDb.bulkDocs([{ _id: 'note:mine-1' }, { _id: 'note:mine-2' }]);
    const homeCfg = config(home.dbUrl('notes'));
    const workCfg = config(work.dbUrl('notes'), true);
    await engine.setPeers([{ config: homeCfg, credentials: member }, { config: workCfg, credentials: member }]);
    // Counts are not read during the catch-up pull; they must be right once it is over.
    await waitFor('work lacks all 302, home none', () => {
      const { peers } = engine.getSnapshot();
      return peers[homeCfg.id]?.state === 'upToDate' && peers[homeCfg.id]?.pending === 0 && peers[workCfg.id]?.pending === 302;
    }, { subscribe: engine.subscribe });
    expect(engine.getSnapshot().onlyHere).toEqual([]);
    expect((await homeDb.info()).doc_count).toBe(302);
  });

  it('does not read back what a catch-up push sends: the pending counts start past it', async () => {
    const server = await peer();
    const localDb = newLocalDb();
    const total = 3000;
    await localDb.bulkDocs(Array.from({ length: total }, (_, i) => ({ _id: `note:${String(i).padStart(5, '0')}` })));
    // The pending counts' reads of the local feed (pendingChanges.ts): no `style`, unlike the push's.
    const countReads: Array<string | number> = [];
    const changes = localDb.changes.bind(localDb);
    localDb.changes = (options: PouchDB.Core.ChangesOptions) => {
      if (!options.style) countReads.push(options.since ?? 0);
      return changes(options);
    };
    const { engine } = engineFor(localDb);
    const cfg = config(server.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('everything pushed and counted', () => {
      const s = engine.getSnapshot().peers[cfg.id];
      return s?.state === 'upToDate' && s.pending === 0;
    }, { subscribe: engine.subscribe });
    expect((await openRemote(server.dbUrl('notes'), member).info()).doc_count).toBe(total);
    // Read, but only from where the push left off (between its phases, too).
    expect(countReads.length).toBeGreaterThan(0);
    expect(countReads.filter((since) => Number(since) < total)).toEqual([]);
  });

  it('backs off while a peer is down and catches up when it returns', async () => {
    const first = await startTestPeer();
    const port = first.port;
    const { engine, localDb } = engineFor();
    await localDb.put({ _id: 'note:before', title: 'on the Pi before it lost its data' });
    const cfg = config(first.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('first sync', () => stateOf(engine, cfg.id) === 'upToDate', { subscribe: engine.subscribe });
    await waitFor('pushed before', () => openRemote(first.dbUrl('notes'), member).get('note:before').catch(() => null));
    await first.close();
    await localDb.put({ _id: 'note:offline', title: 'written while the peer was away' });
    await waitFor('backing off', () => stateOf(engine, cfg.id) === 'backingOff', { subscribe: engine.subscribe });
    expect(engine.getSnapshot().peers[cfg.id]?.error?.reason).toBe('network');
    // The same Pi comes back on the same address (its data was in memory, so it is empty).
    const again = await peer({ port });
    await waitFor('delivered after return', () =>
      openRemote(again.dbUrl('notes'), member).get('note:offline').catch(() => null),
    );
    // It came back empty: what it had before is sent again, not skipped by a checkpoint remembered here.
    await waitFor('sent again after return', () =>
      openRemote(again.dbUrl('notes'), member).get('note:before').catch(() => null),
    );
  });

  it('stops and says so when the peer refuses the credentials', async () => {
    const server = await peer();
    const { engine } = engineFor();
    const cfg = config(server.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: { username: 'alice', password: 'wrong' } }]);
    await waitFor('unauthorized', () => stateOf(engine, cfg.id) === 'unauthorized', { subscribe: engine.subscribe });
    expect(engine.getSnapshot().peers[cfg.id]?.error?.reason).toBe('unauthorized');
    // New credentials restart it.
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('up to date with right credentials', () => stateOf(engine, cfg.id) === 'upToDate', {
      subscribe: engine.subscribe,
    });
  });

  it('without credentials a CouchDB 3 style peer refuses, as an error, not a silent stall', async () => {
    const server = await peer();
    const { engine } = engineFor();
    const cfg = config(server.dbUrl('notes'));
    await engine.setPeers([{ config: cfg }]);
    await waitFor('unauthorized', () => stateOf(engine, cfg.id) === 'unauthorized', { subscribe: engine.subscribe });
  });
});

describe('a document the peer refuses', () => {
  it('names the stuck document instead of retrying the same batch forever', async () => {
    const server = await peer({ maxDocumentBytes: 2000 });
    const { engine, localDb } = engineFor();
    const cfg = config(server.dbUrl('notes'));
    await localDb.bulkDocs([
      { _id: 'note:small', body: 'fits' },
      { _id: 'note:huge', body: 'x'.repeat(10_000) },
    ]);
    await engine.setPeers([{ config: cfg, credentials: member }]);
    const status = await waitFor('stuck', () => {
      const s = engine.getSnapshot().peers[cfg.id];
      return s?.state === 'failed' ? s : null;
    }, { subscribe: engine.subscribe });
    expect(status.error?.reason).toBe('stuck');
    expect(status.error?.docIds).toEqual(['note:huge']);
    expect(status.error?.detail).toMatch(/too.large/i);
    const remote = openRemote(server.dbUrl('notes'), member);
    expect((await remote.allDocs()).rows.map((r) => r.id)).toEqual(['note:small']);
  });
});

describe('where is my data safe', () => {
  it('reports exactly which notes a paused peer lacks, from what the peers say', async () => {
    const home = await peer();
    const work = await peer();
    const { engine, localDb } = engineFor();
    const homeCfg = config(home.dbUrl('notes'));
    const workCfg = config(work.dbUrl('notes'));
    await localDb.bulkDocs([{ _id: 'note:before-1' }, { _id: 'note:before-2' }]);
    await engine.setPeers([{ config: homeCfg, credentials: member }, { config: workCfg, credentials: member }]);
    await waitFor('both up to date', () => engine.getSnapshot().peers[workCfg.id]?.pending === 0 && engine.getSnapshot().peers[homeCfg.id]?.pending === 0, { subscribe: engine.subscribe });
    await engine.setPeers([{ config: homeCfg, credentials: member }, { config: { ...workCfg, isPaused: true }, credentials: member }]);
    await localDb.bulkDocs([{ _id: 'note:during-1' }, { _id: 'note:during-2' }, { _id: 'note:during-3' }]);
    const homeDb = openRemote(homeCfg.url, member);
    await waitFor('home has everything', async () => (await homeDb.allDocs()).rows.length === 5);

    const peers = [
      { id: homeCfg.id, db: homeDb },
      { id: workCfg.id, db: openRemote(workCfg.url, member) },
    ];
    const report = await assessSafety(localDb, peers, ['note:']);
    expect(report.total).toBe(5);
    const [homeHolding, workHolding] = report.peers;
    expect(homeHolding).toMatchObject({ isReachable: true, holds: 5, missing: [] });
    expect(workHolding).toMatchObject({ isReachable: true, holds: 2 });
    expect(workHolding?.missing.sort()).toEqual(['note:during-1', 'note:during-2', 'note:during-3']);
    expect(report.holders['note:before-1']).toEqual([homeCfg.id, workCfg.id]);
    expect(report.holders['note:during-1']).toEqual([homeCfg.id]);
    expect(summarizeSafety(report)).toBe('All 5 notes and files are on at least 2 of 3 nodes.');

    // A new note no peer has yet, and one peer gone: both said plainly.
    await engine.setPeers([]);
    await localDb.put({ _id: 'note:after' });
    await home.close();
    const later = await assessSafety(localDb, peers, ['note:']);
    expect(later.peers[0]).toMatchObject({ isReachable: false });
    expect(later.onlyHere.sort()).toEqual(['note:after', 'note:during-1', 'note:during-2', 'note:during-3']);
    expect(summarizeSafety(later)).toBe('4 changes exist only on this device.');
  });
});

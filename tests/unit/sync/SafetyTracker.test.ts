import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import { assessSafety, type SafetyPeer, type SafetyReport } from '../../../src/sync/safety/dataSafety';
import { SafetyTracker } from '../../../src/sync/safety/SafetyTracker';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const PREFIXES = ['note:', 'file:'];
const member = { username: MEMBER.username, password: MEMBER.password };

async function peer(): Promise<PeerServer> {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  return server;
}

/** A real peer this device can be cut off from (its database stays reachable to replication). */
interface Switchable extends SafetyPeer {
  remote: PouchDB.Database;
  isCutOff: boolean;
  /** When set, the peer is cut off after answering this many more requests. */
  answersLeft?: number;
}

function switchable(server: PeerServer): Switchable {
  const url = server.dbUrl('notes');
  const remote = openRemote(url, member);
  const peer: Switchable = {
    id: peerIdFor(url),
    remote,
    isCutOff: false,
    db: {
      revsDiff: (req: PouchDB.Core.RevisionDiffOptions) => {
        if (peer.answersLeft !== undefined && peer.answersLeft-- <= 0) peer.isCutOff = true;
        return peer.isCutOff ? Promise.reject(new Error('connection refused')) : remote.revsDiff(req);
      },
    },
  };
  return peer;
}

/**
 * The report without its time, to compare two checks made at different
 * moments, and without what peers that could not be asked said before
 * (lastAnswers.test.ts): a fresh full check has no such memory.
 */
function content(report: SafetyReport) {
  const forget = <T extends object>(value: T, key: string) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
  return { ...forget(report, 'heldNowhere'), checkedAt: 'any time', peers: report.peers.map((holding) => forget(holding, 'lastAnswer')) };
}

async function setup(peerCount = 2) {
  const localDb = newLocalDb();
  const peers = await Promise.all(Array.from({ length: peerCount }, async () => switchable(await peer())));
  let list: readonly SafetyPeer[] = peers;
  let active = 0;
  let mostAtOnce = 0;
  const tracker = new SafetyTracker({
    localDb,
    prefixes: PREFIXES,
    withPeers: async (ask) => {
      active += 1;
      mostAtOnce = Math.max(mostAtOnce, active);
      try {
        return await ask(list);
      } finally {
        active -= 1;
      }
    },
  });
  return {
    localDb,
    peers,
    tracker,
    setPeers: (next: readonly SafetyPeer[]) => {
      list = next;
    },
    mostAtOnce: () => mostAtOnce,
    /** Checks incrementally and expects exactly what a fresh full check reports. */
    expectSameAsFull: async (kind: 'full' | 'incremental' = 'incremental') => {
      const report = await tracker.check();
      expect(tracker.lastRun?.kind).toBe(kind);
      const full = await assessSafety(localDb, list, PREFIXES);
      expect(content(report)).toEqual(content(full));
      return report;
    },
  };
}

const notes = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ _id: `note:${String(from + i).padStart(4, '0')}`, text: `n${from + i}` }));

async function push(localDb: PouchDB.Database, to: Switchable): Promise<void> {
  await localDb.replicate.to(to.remote);
}

describe('SafetyTracker: incremental answers equal a full check', () => {
  it('through edits, deletions, conflicts, a paused peer catching up and a peer cut off and back', async () => {
    const { localDb, peers, tracker, expectSameAsFull } = await setup();
    const [home, work] = peers as [Switchable, Switchable];
    // More than one page of documents (500), notes and files.
    await localDb.bulkDocs([...notes(0, 620), { _id: 'file:a', name: 'a' }, { _id: 'chunk:x' }]);
    await push(localDb, home);
    const first = await expectSameAsFull('full');
    expect(first.total).toBe(621);
    expect(first.peers[1]?.missing).toHaveLength(621);

    // Nothing changed: the very same report, nothing read.
    expect(await tracker.check()).toBe(first);
    expect(tracker.lastRun).toEqual({ kind: 'incremental', docsRead: 0 });

    // Edits and a new note no peer has.
    const edited = await localDb.get('note:0007');
    await localDb.bulkDocs([{ ...edited, text: 'changed' }, { _id: 'note:new', text: 'new' }]);
    const afterEdit = await expectSameAsFull();
    expect(tracker.lastRun?.docsRead).toBe(2);
    expect(afterEdit.onlyHere).toEqual(['note:0007', 'note:new']);

    // The paused peer catches up: what it lacked is asked again, although nothing changed here.
    await push(localDb, work);
    const caughtUp = await expectSameAsFull();
    expect(caughtUp.peers.map((h) => h.missing)).toEqual([['note:0007', 'note:new'], []]);
    await push(localDb, home);
    expect((await expectSameAsFull()).onlyHere).toEqual([]);

    // A conflict that arrives from a peer (a leaf the other peer lacks), and one made here.
    const onHome = await home.remote.get('note:0010');
    await home.remote.bulkDocs([{ ...onHome, _rev: '2-aaaa', text: 'home' }], { new_edits: false });
    await localDb.replicate.from(home.remote);
    const parent = (await localDb.get('note:0011'))._rev.slice(2);
    const sibling = (hash: string) => ({ _id: 'note:0011', _rev: `2-${hash}`, text: hash, _revisions: { start: 2, ids: [hash, parent] } });
    await localDb.bulkDocs([sibling('bbbb'), sibling('cccc')], { new_edits: false });
    const conflicted = await expectSameAsFull();
    expect(conflicted.holders['note:0010']).toEqual([home.id]);
    expect(conflicted.onlyHere).toEqual(['note:0011']);

    // Deletions: one every peer had (it leaves the total), and the winner of a
    // conflict, which makes the other version current again (one both peers hold).
    const gone = await localDb.get('note:0020');
    const lacked = await localDb.get('note:0010');
    await localDb.bulkDocs([{ ...gone, _deleted: true }, { _id: 'note:0010', _rev: lacked._rev, _deleted: true }]);
    const afterDelete = await expectSameAsFull();
    expect(afterDelete.total).toBe(conflicted.total - 1);
    expect(afterDelete.holders['note:0020']).toBeUndefined();
    expect(afterDelete.holders['note:0010']).toEqual([home.id, work.id]);

    // A peer cut off: it is said plainly, and nothing is assumed for it.
    home.isCutOff = true;
    await localDb.put({ _id: 'note:while-away', text: 'x' });
    const away = await expectSameAsFull();
    expect(away.peers[0]).toMatchObject({ isReachable: false, holds: 0, missing: [] });
    // Meanwhile it receives (from elsewhere) everything; back, it is asked about everything.
    await push(localDb, home);
    home.isCutOff = false;
    await expectSameAsFull('full');
    await push(localDb, work);
    expect((await expectSameAsFull()).onlyHere).toEqual([]);
  });

  it('notices a peer that stops answering even when nothing changed here, and a peer list change', async () => {
    const { localDb, peers, tracker, setPeers, expectSameAsFull } = await setup(2);
    const [home, work] = peers as [Switchable, Switchable];
    await localDb.bulkDocs(notes(0, 10));
    await push(localDb, home);
    await push(localDb, work);
    await expectSameAsFull('full');
    work.isCutOff = true;
    const report = await expectSameAsFull();
    expect(report.peers[1]).toMatchObject({ isReachable: false, error: 'unreachable' });
    expect(report.holders['note:0003']).toEqual([home.id]);

    setPeers([work, home]);
    work.isCutOff = false;
    await expectSameAsFull('full');
    setPeers([home]);
    await expectSameAsFull('full');
    await localDb.put({ _id: 'note:later' });
    await expectSameAsFull();
    expect(tracker.lastRun?.docsRead).toBe(1);
  });

  it('a peer that stops answering halfway through a full check is not counted as holding anything', async () => {
    const { localDb, peers, tracker, expectSameAsFull } = await setup(2);
    const [home, work] = peers as [Switchable, Switchable];
    await localDb.bulkDocs(notes(0, 1200));
    await push(localDb, home);
    await push(localDb, work);
    home.answersLeft = 1;
    const report = await tracker.check();
    expect(tracker.lastRun?.kind).toBe('full');
    expect(report.peers[0]).toMatchObject({ isReachable: false });
    expect(report.holders['note:0001']).toEqual([work.id]);
    home.answersLeft = undefined;
    home.isCutOff = true;
    await expectSameAsFull();
  });

  it('reports a real peer that went down as unreachable, like a full check', async () => {
    const localDb = newLocalDb();
    const server = await startTestPeer();
    const gone = switchable(server);
    const tracker = new SafetyTracker({ localDb, prefixes: PREFIXES, withPeers: (ask) => ask([gone]) });
    await localDb.bulkDocs(notes(0, 3));
    await push(localDb, gone);
    expect((await tracker.check()).onlyHere).toEqual([]);
    await server.close();
    const report = await tracker.check();
    expect(tracker.lastRun?.kind).toBe('incremental');
    expect(content(report)).toEqual(content(await assessSafety(localDb, [gone], PREFIXES)));
    expect(report.onlyHere).toHaveLength(3);
  });

  it('never runs two checks at once, and folds requests made during one into one more', async () => {
    const { localDb, tracker, mostAtOnce } = await setup(1);
    await localDb.bulkDocs(notes(0, 5));
    const first = tracker.check();
    const second = tracker.check();
    const third = tracker.check({ full: true });
    expect(second).toBe(third);
    await Promise.all([first, second, third]);
    expect(mostAtOnce()).toBe(1);
    // The folded request asked for a full check, so the second run was one.
    expect(tracker.lastRun?.kind).toBe('full');
  });
});

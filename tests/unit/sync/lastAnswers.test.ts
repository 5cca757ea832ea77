// #15 item 1: "Where is my data safe?" remembers what a peer confirmed. While
// a peer cannot be asked, the report says what it held when it last answered,
// and when; nothing is assumed for changes made here after that answer, and a
// peer never asked since the app started stays unknown.
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import { summarizeSafety, type SafetyPeer } from '../../../src/sync/safety/dataSafety';
import { SafetyTracker } from '../../../src/sync/safety/SafetyTracker';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const member = { username: MEMBER.username, password: MEMBER.password };
const notes = (n: number) => Array.from({ length: n }, (_, i) => ({ _id: `note:${String(i).padStart(4, '0')}`, text: `n${i}` }));
/** Names and times as given, so the sentence shows which answer it used. */
const wording = { peerName: () => 'pi.local', time: (iso: string) => iso };
const ANSWERED_AT = '2026-01-05T12:03:00.000Z';
const LATER = '2026-01-05T12:40:00.000Z';

async function setup() {
  const localDb = newLocalDb();
  let server: PeerServer = await startTestPeer();
  cleanup.push(() => server.close());
  const url = server.dbUrl('notes');
  const peer: SafetyPeer = { id: peerIdFor(url), db: openRemote(url, member) };
  let clock = ANSWERED_AT;
  const tracker = new SafetyTracker({ localDb, prefixes: ['note:', 'file:'], withPeers: (ask) => ask([peer]), now: () => new Date(clock) });
  return {
    localDb,
    peer,
    tracker,
    setTime: (iso: string) => {
      clock = iso;
    },
    push: () => localDb.replicate.to(openRemote(url, member)),
    down: () => server.close(),
    /** The same peer back on its address, with what it held (pushed again). */
    back: async () => {
      server = await startTestPeer({ port: server.port });
    },
  };
}

describe('#15 the last answer of a peer that cannot be asked', () => {
  it('is reported, with its time, and changes made after it are not assumed to be there', async () => {
    const { localDb, tracker, push, down, setTime } = await setup();
    await localDb.bulkDocs(notes(20));
    await push();
    const answered = await tracker.check();
    expect(summarizeSafety(answered, undefined, wording)).toBe('All 20 notes and files are on 2 of 2 nodes.');

    await down();
    setTime(LATER);
    await localDb.put({ _id: 'note:new', text: 'written while the peer was away' });
    const edited = await localDb.get('note:0003');
    await localDb.put({ ...edited, text: 'edited while the peer was away' });
    const away = await tracker.check();

    expect(away.peers[0]).toMatchObject({
      isReachable: false,
      lastAnswer: { at: ANSWERED_AT, holds: 19, notHeld: ['note:0003', 'note:new'] },
    });
    expect(away.heldNowhere).toEqual(['note:0003', 'note:new']);
    expect(summarizeSafety(away, undefined, wording)).toBe(
      `2 changes exist only on this device; the other 19 were on pi.local when it last answered, ${ANSWERED_AT}.`,
    );
    // A later check while it is still away keeps the same answer and its time.
    await localDb.put({ _id: 'note:later', text: 'x' });
    const later = await tracker.check();
    expect(later.peers[0]?.lastAnswer).toMatchObject({ at: ANSWERED_AT, holds: 19 });
    expect(later.heldNowhere).toEqual(['note:0003', 'note:later', 'note:new']);
  });

  it('says everything was there when nothing changed since', async () => {
    const { localDb, tracker, push, down, setTime } = await setup();
    await localDb.bulkDocs(notes(3));
    await push();
    await tracker.check();
    await down();
    setTime(LATER);
    const away = await tracker.check();
    expect(away.heldNowhere).toEqual([]);
    expect(summarizeSafety(away, undefined, wording)).toBe(
      `All 3 notes and files were on pi.local when it last answered, ${ANSWERED_AT}.`,
    );
  });

  it('stays unknown for a peer never asked since the app started, and is dropped once the peer answers again', async () => {
    const { localDb, tracker, push, down, back } = await setup();
    await localDb.bulkDocs(notes(4));
    await push();
    await down();
    const neverAsked = await tracker.check();
    expect(neverAsked.peers[0]).toMatchObject({ isReachable: false });
    expect(neverAsked.peers[0]?.lastAnswer).toBeUndefined();
    expect(summarizeSafety(neverAsked, undefined, wording)).toBe('4 changes exist only on this device.');

    await back();
    await push();
    const answered = await tracker.check();
    expect(answered.peers[0]).toEqual({ peerId: answered.peers[0]?.peerId, isReachable: true, holds: 4, missing: [] });
    expect(answered.heldNowhere).toBeUndefined();
  });
});

// #20 item 1: "Where is my data safe?" asks each peer on its own clock. A peer
// that accepts the connection and never answers (a hung Pi) is reported as not
// answering after the deadline, and the other peers' answers are not held back.
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import { assessSafety } from '../../../src/sync/safety/dataSafety';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';
import { startSlowPeerProxy } from '../../support/slowPeerProxy';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const member = { username: MEMBER.username, password: MEMBER.password };

describe('#20 the safety check and a hung peer', () => {
  it('reports the peer that answers, and the hung one as not answering, instead of waiting for it', async () => {
    const [home, hung] = [await startTestPeer(), await startTestPeer()];
    cleanup.push(() => home.close(), () => hung.close());
    const proxy = await startSlowPeerProxy(hung.origin);
    cleanup.push(() => proxy.close());
    const localDb = newLocalDb();
    cleanup.push(() => localDb.destroy().then(() => undefined));
    await localDb.bulkDocs([1, 2, 3].map((i) => ({ _id: `note:n${i}`, type: 'note', title: `Note ${i}`, body: '' })));
    const homeDb = openRemote(home.dbUrl('notes'), member);
    await localDb.replicate.to(homeDb);

    proxy.setMode('silent');
    const peers = [
      { id: peerIdFor(home.dbUrl('notes')), db: homeDb },
      { id: peerIdFor(proxy.dbUrl('notes')), db: openRemote(proxy.dbUrl('notes'), member) },
    ];
    const report = await assessSafety(localDb, peers, ['note:']);
    expect(report.peers.map((p) => ({ isReachable: p.isReachable, holds: p.holds, error: p.error }))).toEqual([
      { isReachable: true, holds: 3, error: undefined },
      { isReachable: false, holds: 0, error: 'no answer within 10 s' },
    ]);
    expect(proxy.slowCount).toBeGreaterThan(0);
  }, 30_000);
});

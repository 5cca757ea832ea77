// #15 item 3: a device that wakes up syncs at once. A phone or laptop comes
// back with its connections dead and its retry timer anywhere up to 30 s
// away; SyncEngine.wakeUp retries every peer that is not up to date, now,
// with the backoff started over.
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { silentLogger } from '../../../src/sync/common/logger';
import { SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { memoryProgress, newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';
import { startStallingProxy } from '../../support/stallingProxy';
import { waitFor } from '../../support/waitFor';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const member = { username: MEMBER.username, password: MEMBER.password };
/** Longer than any test here: a peer comes back only if something retries it now. */
const FAR_AWAY_MS = 60_000;

function engineWith(backOff: (previousMs: number) => number) {
  const localDb = newLocalDb();
  const engine = new SyncEngine({ localDb, openRemote, progress: memoryProgress(), logger: silentLogger, backOff });
  engine.start();
  cleanup.push(() => engine.stop());
  return { engine, localDb };
}

function config(url: string): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString() };
}

async function stalledPeer() {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const proxy = await startStallingProxy(server.origin);
  cleanup.push(() => proxy.close());
  return { server, proxy, url: proxy.dbUrl('notes') };
}

describe('#15 SyncEngine.wakeUp', () => {
  it('retries a peer whose push hangs on a dead connection, and the note arrives', async () => {
    const { proxy, url } = await stalledPeer();
    const { engine, localDb } = engineWith(() => FAR_AWAY_MS);
    const peer = { config: config(url), credentials: member };
    const stateOf = () => engine.getSnapshot().peers[peer.config.id]?.state;
    await engine.setPeers([peer]);
    await waitFor('up to date', () => stateOf() === 'upToDate', { subscribe: engine.subscribe });

    // The laptop sleeps: its connections die without a word, and a note is written.
    proxy.away();
    await localDb.put({ _id: 'note:asleep', title: 'written while the network was gone' });
    await waitFor('the push hangs on a dead connection', () => proxy.deadCount >= 2 && stateOf() === 'active', {
      subscribe: engine.subscribe,
    });
    proxy.back();

    const wokeAt = Date.now();
    engine.wakeUp();
    const remote = openRemote(url, member);
    await waitFor('the note reaches the peer', () => remote.get('note:asleep').catch(() => null), { timeoutMs: 2000 });
    expect(Date.now() - wokeAt).toBeLessThan(2000);
    await waitFor('up to date again', () => stateOf() === 'upToDate', { subscribe: engine.subscribe });
  });

  it('retries a peer waiting out its backoff at once, and the backoff starts over', async () => {
    const { server, url } = await stalledPeer();
    const delays: number[] = [];
    const { engine, localDb } = engineWith((previous) => {
      delays.push(previous);
      return FAR_AWAY_MS;
    });
    const peer = { config: config(url), credentials: member };
    const stateOf = () => engine.getSnapshot().peers[peer.config.id]?.state;
    await engine.setPeers([peer]);
    await waitFor('up to date', () => stateOf() === 'upToDate', { subscribe: engine.subscribe });

    await server.close();
    await waitFor('backing off, the next try a minute away', () => stateOf() === 'backingOff', {
      subscribe: engine.subscribe,
    });
    const revived = await startTestPeer({ port: server.port });
    cleanup.push(() => revived.close());
    await localDb.put({ _id: 'note:meanwhile', title: 'written while the peer was down' });

    engine.wakeUp();
    const remote = openRemote(url, member);
    await waitFor('the note reaches the peer', () => remote.get('note:meanwhile').catch(() => null), { timeoutMs: 2000 });
    await waitFor('up to date again', () => stateOf() === 'upToDate', { subscribe: engine.subscribe });
    // Every wait so far was the first after a success or a restart: none grew from the one before.
    expect(delays.every((d) => d === 0)).toBe(true);
  });

  it('leaves alone a peer that is up to date', async () => {
    const { proxy, url } = await stalledPeer();
    const { engine } = engineWith(() => FAR_AWAY_MS);
    const peer = { config: config(url), credentials: member };
    await engine.setPeers([peer]);
    await waitFor('up to date', () => engine.getSnapshot().peers[peer.config.id]?.state === 'upToDate', {
      subscribe: engine.subscribe,
    });
    let states = 0;
    const unsubscribe = engine.subscribe(() => {
      if (engine.getSnapshot().peers[peer.config.id]?.state !== 'upToDate') states += 1;
    });
    engine.wakeUp();
    engine.wakeUp();
    unsubscribe();
    expect(states).toBe(0);
    expect(proxy.deadCount).toBe(0);
  });
});

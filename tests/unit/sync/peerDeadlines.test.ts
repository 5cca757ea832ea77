// A peer that accepts the connection and never answers, or answers a byte a
// second: every request to it has a deadline, and missing one makes the peer
// "away" (backoff, "Offline, retrying"), never "Syncing" forever.
import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { silentLogger } from '../../../src/sync/common/logger';
import { PeerTimeout, withDeadlines, type PeerDeadlines } from '../../../src/sync/remote/peerDeadlines';
import type { PeerState } from '../../../src/sync/engine/peerStatus';
import { SyncEngine } from '../../../src/sync/engine/SyncEngine';
import { memoryProgress, newLocalDb, openRemote, openRemoteWith } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';
import { startSlowPeerProxy } from '../../support/slowPeerProxy';
import { waitFor } from '../../support/waitFor';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Short enough for a test, long enough for a loaded 2-core machine to answer in time. */
const SHORT: PeerDeadlines = { answerMs: 1500, msPerUploadByte: 0, windowMs: 1500, minBytesPerWindow: 64 };
const member = { username: MEMBER.username, password: MEMBER.password };

async function peerBehindProxy() {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const proxy = await startSlowPeerProxy(server.origin);
  cleanup.push(() => proxy.close());
  return { server, proxy };
}

function engineFor(localDb: PouchDB.Database) {
  const engine = new SyncEngine({ localDb, openRemote: openRemoteWith(SHORT), progress: memoryProgress(), logger: silentLogger, backOff: () => 200 });
  engine.start();
  cleanup.push(() => engine.stop());
  return engine;
}

function config(url: string): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString() };
}

/** Every state the peer went through from now on. */
function recordStates(engine: SyncEngine, id: PeerConfig['id']): PeerState[] {
  const states: PeerState[] = [];
  const unsubscribe = engine.subscribe(() => {
    const state = engine.getSnapshot().peers[id]?.state;
    if (state && states.at(-1) !== state) states.push(state);
  });
  cleanup.push(unsubscribe);
  return states;
}

describe('a peer that accepts the connection and never answers', () => {
  for (const mode of ['silent', 'trickle'] as const) {
    it(`(${mode === 'silent' ? 'no answer at all' : 'a byte a second'}) is reported away and retried, and the change arrives once it answers again`, async () => {
      const { server, proxy } = await peerBehindProxy();
      const localDb = newLocalDb();
      const engine = engineFor(localDb);
      const cfg = config(proxy.dbUrl('notes'));
      await engine.setPeers([{ config: cfg, credentials: member }]);
      await waitFor('up to date', () => engine.getSnapshot().peers[cfg.id]?.state === 'upToDate', { subscribe: engine.subscribe });

      proxy.setMode(mode);
      await localDb.put({ _id: 'note:while-hung', body: 'waits for the peer' });
      const away = await waitFor('reported away', () => {
        const s = engine.getSnapshot().peers[cfg.id];
        return s?.state === 'backingOff' ? s : null;
      }, { subscribe: engine.subscribe });
      expect(away.error?.reason).toBe('network');
      expect(away.error?.detail).toMatch(/did not answer|stalled/);
      expect(proxy.slowCount).toBeGreaterThan(0);

      proxy.setMode('pass');
      const remote = openRemote(server.dbUrl('notes'), member);
      await waitFor('the note arrives once the peer answers', () => remote.get('note:while-hung').catch(() => null));
      await waitFor('up to date again', () => engine.getSnapshot().peers[cfg.id]?.state === 'upToDate', { subscribe: engine.subscribe });
    });
  }

  it('an idle live pull (a long-poll the peer holds open) is not cut by the deadlines', async () => {
    const { server, proxy } = await peerBehindProxy();
    const localDb = newLocalDb();
    const engine = engineFor(localDb);
    const cfg = config(proxy.dbUrl('notes'));
    await engine.setPeers([{ config: cfg, credentials: member }]);
    await waitFor('up to date', () => engine.getSnapshot().peers[cfg.id]?.state === 'upToDate', { subscribe: engine.subscribe });
    const states = recordStates(engine, cfg.id);
    // Idle for three deadline windows: what is under test is that nothing happens meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3 * SHORT.windowMs));
    await openRemote(server.dbUrl('notes'), member).put({ _id: 'note:later', body: 'pulled through the same long-poll' });
    await waitFor('pulled', () => localDb.get('note:later').catch(() => null));
    expect(states).not.toContain('backingOff');
  });
});

describe('withDeadlines', () => {
  it('fails a request whose answer never comes with a PeerTimeout, and leaves a long-poll feed open past its headers', async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      // A long-poll: headers at once (as CouchDB sends them), then nothing until a change.
      if (req.url?.includes('feed=longpoll')) res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      held.push(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      server.close(() => resolve());
    }));
    const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const fetch = withDeadlines((input, init) => globalThis.fetch(input, init), SHORT);
    const started = Date.now();
    await expect(fetch(`${origin}/notes/_revs_diff`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(PeerTimeout);
    expect(Date.now() - started).toBeLessThan(SHORT.answerMs * 3);

    const feed = await fetch(`${origin}/notes/_changes?feed=longpoll&heartbeat=10000`);
    const reader = feed.body?.getReader();
    const outcome = await Promise.race([
      reader?.read().then(() => 'ended', () => 'failed'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 2 * SHORT.windowMs)),
    ]);
    expect(outcome).toBe('still open');
    await reader?.cancel();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerId } from '../../../src/domain/ids';
import type { PeerStore } from '../../../src/storage/peerStore';
import type { SafetyReport } from '../../../src/sync/safety/dataSafety';
import { silentLogger } from '../../../src/sync/common/logger';
import type { SyncEngine, SyncSnapshot } from '../../../src/sync/engine/SyncEngine';
import { SyncHost, type SyncHostDeps } from '../../../src/sync/engine/SyncHost';

const hosts: SyncHost[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const host of hosts.splice(0)) host.stop();
  vi.useRealTimers();
});

/** An engine whose snapshots the test sets. */
function fakeEngine() {
  const listeners = new Set<() => void>();
  let snapshot: SyncSnapshot = { peers: {}, onlyHere: [] };
  const engine = {
    start: () => undefined,
    setPeers: () => Promise.resolve(),
    retryNow: () => undefined,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  };
  return {
    engine: engine as unknown as SyncEngine,
    emit: (onlyHere: readonly string[]) => {
      snapshot = { peers: { ['peer:x' as PeerId]: { state: 'upToDate' } }, onlyHere };
      for (const listener of listeners) listener();
    },
  };
}

const store: PeerStore = {
  list: () => Promise.resolve([]),
  save: () => Promise.resolve(),
  remove: () => Promise.resolve(),
  getCredentials: () => Promise.resolve(undefined),
  setCredentials: () => Promise.resolve(),
};

const onePeer: PeerStore = {
  ...store,
  list: () => Promise.resolve([{ id: 'peer:x' as PeerId, url: 'http://127.0.0.1:5984/notes', isPaused: false, addedAt: '2026-11-26T00:00:00.000Z' }]),
};

type Posted = { type: string; sync?: SyncSnapshot; report?: SafetyReport };

/** A BroadcastChannel stand-in: delivers a clone of each message to every other tab. */
function bus() {
  const tabs: Array<{ posted: Posted[]; deliver?: (event: MessageEvent) => void }> = [];
  return (): { channel: NonNullable<SyncHostDeps['channel']>; posted: Posted[] } => {
    const tab: (typeof tabs)[number] = { posted: [] };
    tabs.push(tab);
    const channel = {
      postMessage: (message: Posted) => {
        tab.posted.push(message);
        for (const other of tabs) if (other !== tab) other.deliver?.({ data: structuredClone(message) } as MessageEvent);
      },
      addEventListener: (_type: string, listener: (event: MessageEvent) => void) => {
        tab.deliver = listener;
      },
    };
    return { channel: channel as unknown as NonNullable<SyncHostDeps['channel']>, posted: tab.posted };
  };
}

function startHost(deps: Partial<SyncHostDeps>): SyncHost {
  const host = new SyncHost({ store, createEngine: () => fakeEngine().engine, logger: silentLogger, ...deps });
  host.start();
  hosts.push(host);
  return host;
}

/** A tab that never gets the leader lock. */
const neverLeads = { request: () => new Promise<never>(() => undefined) } as unknown as LockManager;

function report(onlyHere: string[]): SafetyReport {
  return { checkedAt: new Date().toISOString(), total: 1, peers: [], onlyHere, holders: {} };
}

describe('SyncHost: what it posts and keeps', () => {
  it('posts onlyHere only when it changed, and keeps the same array while its content is the same', async () => {
    const tab = bus();
    const { engine, emit } = fakeEngine();
    const leaderTab = tab();
    const leader = startHost({ createEngine: () => engine, channel: leaderTab.channel });
    const mirrorTab = tab();
    const mirror = startHost({ channel: mirrorTab.channel, locks: neverLeads });
    await vi.waitFor(() => expect(leader.getSnapshot().isLeader).toBe(true));

    emit(['note:a']);
    const first = leader.getSnapshot().onlyHere;
    const mirrored = mirror.getSnapshot().onlyHere;
    expect(mirrored).toEqual(['note:a']);
    leaderTab.posted.length = 0;

    emit(first);
    emit(['note:a']);
    expect(leaderTab.posted.map((m) => m.type)).toEqual(['peer-statuses', 'peer-statuses']);
    expect(leader.getSnapshot().onlyHere).toBe(first);
    expect(mirror.getSnapshot().onlyHere).toBe(mirrored);
    expect(mirror.getSnapshot().statuses).toEqual({ 'peer:x': { state: 'upToDate' } });

    emit(['note:a', 'note:b']);
    expect(leaderTab.posted.at(-1)?.type).toBe('status');
    expect(mirror.getSnapshot().onlyHere).toEqual(['note:a', 'note:b']);

    // A tab that asks for the state gets onlyHere, and keeps its array if the content is the same.
    const kept = mirror.getSnapshot().onlyHere;
    mirrorTab.channel.postMessage({ type: 'status-request' });
    expect(leaderTab.posted.at(-1)?.sync?.onlyHere).toEqual(['note:a', 'note:b']);
    expect(mirror.getSnapshot().onlyHere).toBe(kept);
  });

  it('checks safety once changes settle, fully every period, and keeps an unchanged report without posting it', async () => {
    const { engine, emit } = fakeEngine();
    const tab = bus();
    const leaderTab = tab();
    const later = report([]);
    const answers = [report(['note:a']), later, later];
    const checkSafety = vi.fn<NonNullable<SyncHostDeps['checkSafety']>>(() => Promise.resolve(answers.shift() ?? later));
    const host = startHost({ store: onePeer, createEngine: () => engine, channel: leaderTab.channel, checkSafety, safetyFullCheckMs: 60_000 });
    await vi.waitFor(() => expect(host.getSnapshot().isLeader).toBe(true));
    await vi.waitFor(() => expect(host.getSnapshot().peers).toHaveLength(1));
    const safetyPosts = () => leaderTab.posted.filter((m) => m.type === 'safety').length;

    emit(['note:a']);
    emit(['note:a']);
    await vi.advanceTimersByTimeAsync(800);
    expect(checkSafety).toHaveBeenCalledTimes(1);
    expect(checkSafety).toHaveBeenLastCalledWith({});
    expect(host.getSnapshot().safety?.onlyHere).toEqual(['note:a']);
    // Alone, the leader does not clone the report for nobody.
    expect(safetyPosts()).toBe(0);

    const mirror = startHost({ channel: tab().channel, locks: neverLeads });
    expect(mirror.getSnapshot().safety?.onlyHere).toEqual(['note:a']);
    emit([]);
    await vi.advanceTimersByTimeAsync(800);
    expect(host.getSnapshot().safety).toBe(later);
    expect(mirror.getSnapshot().safety?.onlyHere).toEqual([]);
    const posts = safetyPosts();
    const renders = vi.fn();
    host.subscribe(renders);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(checkSafety).toHaveBeenLastCalledWith({ full: true });
    expect(host.getSnapshot().safety).toBe(later);
    expect(safetyPosts()).toBe(posts);
    expect(renders).not.toHaveBeenCalled();
  });

  it('with no peer, never checks safety: there is nobody to ask', async () => {
    const { engine, emit } = fakeEngine();
    const checkSafety = vi.fn<NonNullable<SyncHostDeps['checkSafety']>>(() => Promise.resolve(report([])));
    const host = startHost({ createEngine: () => engine, checkSafety, safetyFullCheckMs: 60_000 });
    await vi.waitFor(() => expect(host.getSnapshot().isLeader).toBe(true));
    emit(['note:a']);
    await vi.advanceTimersByTimeAsync(60_000 + 800);
    expect(checkSafety).not.toHaveBeenCalled();
  });

  it('a new leader hears from the tabs that were already open', async () => {
    const tab = bus();
    const mirrorTab = tab();
    const mirror = startHost({ channel: mirrorTab.channel, locks: neverLeads });
    const { engine, emit } = fakeEngine();
    const leader = startHost({ createEngine: () => engine, channel: tab().channel });
    await vi.waitFor(() => expect(leader.getSnapshot().isLeader).toBe(true));
    expect(mirrorTab.posted.filter((m) => m.type === 'status-request')).toHaveLength(2);
    emit(['note:z']);
    expect(mirror.getSnapshot().onlyHere).toEqual(['note:z']);
  });
});

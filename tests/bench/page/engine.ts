// Helpers the bench page's measurements share: the peer target, p2pcloud's
// SyncEngine started as the app starts it, and waiting for a condition.
import PouchDB from 'pouchdb-browser';
import type { PeerId } from '../../../src/domain/ids';
import type { PeerCredentials } from '../../../src/domain/peer';
import { silentLogger } from '../../../src/sync/common/logger';
import { reopenable } from '../../../src/storage/reopenableDb';
import { SyncEngine, type PushProgressStore } from '../../../src/sync/engine/SyncEngine';

/** A peer database and the member credentials to reach it. */
export interface Target {
  url: string;
  username: string;
  password: string;
}

/** Resolves once `check` holds, checking when `subscribe` reports a change and every 100 ms. */
export async function until(check: () => Promise<boolean>, subscribe?: (listener: () => void) => () => void): Promise<void> {
  let wake = () => undefined as void;
  const unsubscribe = subscribe?.(() => wake());
  try {
    while (!(await check())) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  } finally {
    unsubscribe?.();
  }
}

function memoryProgress(): PushProgressStore {
  const map = new Map<PeerId, string | number>();
  return {
    get: (id) => Promise.resolve(map.get(id)),
    set: (id, seq) => {
      map.set(id, seq);
      return Promise.resolve();
    },
  };
}

/** The mesh passphrase of the encrypted peers the bench syncs with. */
export const BENCH_PASSPHRASE = 'bench mesh passphrase';

/**
 * Starts p2pcloud's SyncEngine with one peer; resolves once it reports up to
 * date and `done` holds, with a function that stops it. With `encrypted`, the
 * peer is marked encrypted and the engine has the mesh passphrase.
 */
export async function startEngine(local: PouchDB.Database, t: Target, done: () => Promise<boolean>, encrypted = false): Promise<() => void> {
  // The app hands the engine its local database through the reopening handle
  // (storage/reopenableDb.ts), so the bench does too: its cost is measured.
  let opens = 0;
  const localDb = reopenable({ open: () => (opens++ === 0 ? local : new PouchDB(local.name, { auto_compaction: false })) }).db;
  const engine = new SyncEngine({ localDb, openRemote, progress: memoryProgress(), logger: silentLogger });
  engine.start();
  const id = `peer:${t.url}` as PeerId;
  const isUpToDate = () => engine.getSnapshot().peers[id]?.state === 'upToDate';
  await engine.setPeers([
    {
      config: { id, url: t.url, isPaused: false, addedAt: new Date().toISOString(), ...(encrypted ? { encrypted } : {}) },
      credentials: { username: t.username, password: t.password },
      ...(encrypted ? { passphrase: BENCH_PASSPHRASE } : {}),
    },
  ]);
  await until(async () => isUpToDate() && (await done()), engine.subscribe);
  return () => engine.stop();
}

/** Opens a remote as the app does, without creating it. */
export function openRemote(url: string, credentials?: PeerCredentials): PouchDB.Database {
  return new PouchDB(url, { skip_setup: true, ...(credentials ? { auth: credentials } : {}) });
}

/** The peer database of `t` with its member credentials. */
export const remoteOf = (t: Target): PouchDB.Database => openRemote(t.url, { username: t.username, password: t.password });

// PouchDB for Node-side tests: the same PouchDB 9 replication the app ships,
// with an in-memory local adapter and the HTTP adapter for real peers.
import { nodePouchDB } from '../../scripts/lib/peerServer.mjs';
import type { PeerCredentials } from '../../src/domain/peer';
import type { PushProgressStore } from '../../src/sync/engine/SyncEngine';
import type { PeerId } from '../../src/domain/ids';
import { withDeadlines, type PeerDeadlines } from '../../src/sync/remote/peerDeadlines';

const PouchDB = nodePouchDB();

let localCount = 0;

/** A fresh, empty in-memory database standing in for a device's IndexedDB. */
export function newLocalDb(): PouchDB.Database {
  localCount += 1;
  return new PouchDB(`device-${localCount}-${Date.now()}`, { adapter: 'memory' });
}

/** A handle on a peer database, authenticated like the app's. */
export function openRemote(url: string, credentials?: PeerCredentials): PouchDB.Database {
  return new PouchDB(url, {
    skip_setup: true,
    ...(credentials ? { auth: { username: credentials.username, password: credentials.password } } : {}),
  });
}

/**
 * Opens peer handles the way the app does, with deadlines on every request
 * (src/sync/remote/peerDeadlines.ts), on Node's own fetch.
 */
export function openRemoteWith(limits: PeerDeadlines): (url: string, credentials?: PeerCredentials) => PouchDB.Database {
  const fetch = withDeadlines((input, init) => globalThis.fetch(input, init), limits);
  return (url, credentials) =>
    new PouchDB(url, {
      skip_setup: true,
      fetch,
      ...(credentials ? { auth: { username: credentials.username, password: credentials.password } } : {}),
    });
}

/** Push progress (and refused documents) kept in memory. */
export function memoryProgress(): PushProgressStore {
  const map = new Map<PeerId, string | number>();
  const refused = new Map<PeerId, Record<string, string>>();
  return {
    get: (id) => Promise.resolve(map.get(id)),
    set: (id, seq) => {
      map.set(id, seq);
      return Promise.resolve();
    },
    getRefused: (id) => Promise.resolve(refused.get(id)),
    setRefused: (id, docs) => {
      refused.set(id, docs);
      return Promise.resolve();
    },
  };
}

// This device's peer list and peer credentials, in IndexedDB through
// idb-keyval (store "p2pcloud-peers"), never in the replicated PouchDB.
// Credentials live under their own keys so that listing peers never reads them.
import { createStore, del, get, set, update, type UseStore } from 'idb-keyval';
import type { PeerId } from '../domain/ids';
import type { PeerConfig, PeerCredentials } from '../domain/peer';
import type { PushProgressStore } from '../sync/SyncEngine';

/** Where peers and their credentials are kept on this device. */
export interface PeerStore {
  list(): Promise<PeerConfig[]>;
  save(peer: PeerConfig): Promise<void>;
  remove(id: PeerId): Promise<void>;
  getCredentials(id: PeerId): Promise<PeerCredentials | undefined>;
  setCredentials(id: PeerId, credentials: PeerCredentials | undefined): Promise<void>;
}

const PEERS_KEY = 'peers';

/** The browser's {@link PeerStore} and push progress, in one idb-keyval store. */
export function createIdbPeerStore(): PeerStore & { progress: PushProgressStore } {
  const store: UseStore = createStore('p2pcloud-peers', 'keyval');
  const list = async () => ((await get<PeerConfig[]>(PEERS_KEY, store)) ?? []).slice();
  return {
    list,
    // update() reads and writes in one IndexedDB transaction, so two tabs
    // changing the list at once cannot drop each other's peer.
    save: (peer) =>
      update<PeerConfig[]>(
        PEERS_KEY,
        (peers = []) => (peers.some((p) => p.id === peer.id) ? peers.map((p) => (p.id === peer.id ? peer : p)) : [...peers, peer]),
        store,
      ),
    async remove(id) {
      await update<PeerConfig[]>(PEERS_KEY, (peers = []) => peers.filter((p) => p.id !== id), store);
      await del(`credentials:${id}`, store);
      await del(`pushed:${id}`, store);
    },
    getCredentials: (id) => get<PeerCredentials>(`credentials:${id}`, store),
    async setCredentials(id, credentials) {
      if (credentials) await set(`credentials:${id}`, credentials, store);
      else await del(`credentials:${id}`, store);
    },
    progress: {
      get: (id) => get<string | number>(`pushed:${id}`, store),
      set: (id, seq) => set(`pushed:${id}`, seq, store),
    },
  };
}

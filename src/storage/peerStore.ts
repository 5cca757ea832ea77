// The mesh's peer list and this device's own settings for each peer.
// - Shared: one `peer:<url>` document per peer in the replicated PouchDB, so a
//   peer added on one device appears on every device. No secrets in it.
// - This device only, in IndexedDB through idb-keyval (store "p2pcloud-peers"):
//   credentials (`credentials:<id>`), pause and user name (`local:<id>`),
//   push progress (`pushed:<id>`), the documents the peer refused (`refused:<id>`),
//   the revisions of an encrypted peer that did not open (`unreadable:<id>`), the
//   mesh passphrase of encrypted peers (`mesh-passphrase`) and server admin logins
//   (`admin:<server>`). Credentials and the passphrase live under their own keys so
//   listing peers never reads them.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { PEER_ID_PREFIX, type PeerId } from '../domain/ids';
import type { PeerConfig, PeerCredentials } from '../domain/peer';
import type { PushProgressStore } from '../sync/engine/SyncEngine';

/** Where peers and their credentials are kept. */
export interface PeerStore {
  list(): Promise<PeerConfig[]>;
  /** Saves the shared part (replicated) and this device's part (local) of a peer. */
  save(peer: PeerConfig): Promise<void>;
  /** Removes the peer from the mesh, on every device. */
  remove(id: PeerId): Promise<void>;
  getCredentials(id: PeerId): Promise<PeerCredentials | undefined>;
  setCredentials(id: PeerId, credentials: PeerCredentials | undefined): Promise<void>;
  /** The mesh passphrase of encrypted peers (issue #16), on this device only. */
  getPassphrase?(): Promise<string | undefined>;
  setPassphrase?(passphrase: string | undefined): Promise<void>;
}

/**
 * A peer document as replicated.
 * @remarks Its content depends only on the peer (no time, no device name), so
 * two devices adding the same peer while apart write the very same revision,
 * and the mesh sees one peer, not a conflict.
 */
interface PeerDoc {
  _id: PeerId;
  _rev?: string;
  type: 'peer';
  schemaVersion: 1;
  url: string;
  needsLogin?: boolean;
  /** The peer holds only ciphertext: no device may send it anything plain. */
  encrypted?: boolean;
}

interface LocalSettings {
  isPaused?: boolean;
  username?: string;
  /** When this device first knew the peer, for a stable order. */
  addedAt?: string;
}

/** Reads a peer document defensively: it came from the mesh, maybe from an older or newer app. */
function toShared(doc: Record<string, unknown>): Pick<PeerConfig, 'id' | 'url' | 'needsLogin' | 'encrypted'> | undefined {
  const id = doc['_id'];
  const url = doc['url'];
  if (typeof id !== 'string' || typeof url !== 'string' || id !== `${PEER_ID_PREFIX}${url}`) return undefined;
  if (!/^https?:\/\/[^/@\s]+\/\S+$/.test(url)) return undefined;
  return {
    id: id as PeerId,
    url,
    ...(doc['needsLogin'] === true ? { needsLogin: true } : {}),
    ...(doc['encrypted'] === true ? { encrypted: true } : {}),
  };
}

function peerDoc(url: string, needsLogin: boolean, rev?: string, encrypted = false): PeerDoc {
  return {
    _id: `${PEER_ID_PREFIX}${url}` as PeerId,
    ...(rev ? { _rev: rev } : {}),
    type: 'peer',
    schemaVersion: 1,
    url,
    ...(needsLogin ? { needsLogin: true } : {}),
    ...(encrypted ? { encrypted: true } : {}),
  };
}

/**
 * Versions of one peer's document can still differ (one device knew it needs
 * a login, another did not). They hold no one's words, so they are merged
 * here, the same way on every device (a login is needed, and the peer is
 * encrypted, if any version says so: a device never sends plain documents to
 * a peer another device marked encrypted); the merged content is deterministic, so devices doing this at once
 * write identical revisions.
 */
async function settlePeerConflict(db: PouchDB.Database, id: string, revs: string[]): Promise<void> {
  const versions = await Promise.all(revs.map((rev) => db.get<PeerDoc>(id, { rev })));
  const [winner] = versions;
  if (!winner) return;
  const merged = peerDoc(winner.url, versions.some((v) => v.needsLogin), winner._rev, versions.some((v) => v.encrypted));
  const losers = versions.slice(1).map((v) => ({ _id: v._id, _rev: v._rev, _deleted: true }));
  await db.bulkDocs([merged, ...losers]);
}

/** The browser's {@link PeerStore} and push progress. */
export function createPeerStore(db: PouchDB.Database): PeerStore & {
  progress: PushProgressStore;
  admins: { get: (server: string) => Promise<PeerCredentials | undefined>; set: (server: string, c: PeerCredentials) => Promise<void> };
} {
  const store: UseStore = createStore('p2pcloud-peers', 'keyval');
  const local = (id: PeerId) => get<LocalSettings>(`local:${id}`, store).then((s) => s ?? {});
  return {
    async list() {
      const res = await db.allDocs({
        include_docs: true,
        conflicts: true,
        startkey: PEER_ID_PREFIX,
        endkey: `${PEER_ID_PREFIX}\uffff`,
      });
      const peers: PeerConfig[] = [];
      for (const row of res.rows) {
        const conflicts = (row.doc as { _conflicts?: string[] } | undefined)?._conflicts;
        if (conflicts?.length) await settlePeerConflict(db, row.id, [row.value.rev, ...conflicts]);
        const shared = row.doc ? toShared(row.doc as unknown as Record<string, unknown>) : undefined;
        if (!shared) continue;
        const mine = await local(shared.id);
        peers.push({
          ...shared,
          isPaused: mine.isPaused === true,
          addedAt: mine.addedAt ?? '',
          ...(mine.username ? { username: mine.username } : {}),
        });
      }
      return peers.sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : a.url < b.url ? -1 : 1));
    },
    async save(peer) {
      const mine = await local(peer.id);
      const settings: LocalSettings = { isPaused: peer.isPaused, username: peer.username, addedAt: mine.addedAt ?? peer.addedAt };
      await set(`local:${peer.id}`, settings, store);
      const existing = await db.get<PeerDoc>(peer.id).catch(() => undefined);
      // Pausing is this device's business: only write the shared document
      // when it is new or learns that the peer needs a login or is encrypted
      // (neither is ever unlearnt).
      if (existing && (existing.needsLogin || !peer.needsLogin) && (existing.encrypted || !peer.encrypted)) return;
      await db.put(peerDoc(peer.url, !!peer.needsLogin || !!existing?.needsLogin, existing?._rev, !!peer.encrypted || !!existing?.encrypted));
    },
    async remove(id) {
      const existing = await db.get(id).catch(() => undefined);
      if (existing) await db.remove(existing);
      await del(`local:${id}`, store);
      await del(`credentials:${id}`, store);
      await del(`pushed:${id}`, store);
      await del(`refused:${id}`, store);
      await del(`unreadable:${id}`, store);
    },
    getCredentials: (id) => get<PeerCredentials>(`credentials:${id}`, store),
    async setCredentials(id, credentials) {
      if (credentials) await set(`credentials:${id}`, credentials, store);
      else await del(`credentials:${id}`, store);
    },
    getPassphrase: () => get<string>('mesh-passphrase', store),
    async setPassphrase(passphrase) {
      if (passphrase) await set('mesh-passphrase', passphrase, store);
      else await del('mesh-passphrase', store);
    },
    // Server admin logins, entered to link servers; on this device only.
    admins: {
      get: (server) => get<PeerCredentials>(`admin:${server}`, store),
      set: (server, credentials) => set(`admin:${server}`, credentials, store),
    },
    progress: {
      get: (id) => get<string | number>(`pushed:${id}`, store),
      set: (id, seq) => set(`pushed:${id}`, seq, store),
      getRefused: (id) => get<Record<string, string>>(`refused:${id}`, store),
      setRefused: (id, refused) => set(`refused:${id}`, refused, store),
      getUnreadable: (id) => get<Record<string, string>>(`unreadable:${id}`, store),
      setUnreadable: (id, unreadable) => set(`unreadable:${id}`, unreadable, store),
    },
  };
}

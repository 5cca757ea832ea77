import PouchDB from 'pouchdb-browser';
import { FILE_ID_PREFIX } from '../domain/file';
import { NOTE_ID_PREFIX, PEER_ID_PREFIX, peerIdFor, type PeerId } from '../domain/ids';
import type { PeerCredentials } from '../domain/peer';
import { ConflictStore } from '../storage/conflicts';
import { createDeviceNameStore, type DeviceNameStore } from '../storage/deviceName';
import { FileConflictStore } from '../storage/fileConflicts';
import { FilesStore } from '../storage/files';
import { NotesStore } from '../storage/notes';
import { watchChanges } from '../storage/changes';
import { watchIdbClose } from '../storage/idbWatch';
import { reopenable, type ReopenableDb } from '../storage/reopenableDb';
import { createPeerStore } from '../storage/peerStore';
import { SchemaNotices } from '../storage/schemaGate';
import type { SafetyReport } from '../sync/safety/dataSafety';
import { locateChunks, type ChunkHolding } from '../sync/safety/locateChunks';
import { createLogger, type Logger } from '../sync/common/logger';
import { withDeadlines } from '../sync/remote/peerDeadlines';
import { PeerDirectory } from '../sync/peers/PeerDirectory';
import { SafetyTracker } from '../sync/safety/SafetyTracker';
import { SyncEngine } from '../sync/engine/SyncEngine';
import { ServerLinks } from '../sync/peers/serverLinks';
import { SyncHost } from '../sync/engine/SyncHost';
import { shareConnections } from '../sync/remote/sharedConnections';
import { DatabaseRecreator } from '../sync/peers/DatabaseRecreator';
import { listenForWakeUp } from './wakeUp';
import { whenPeerPaused } from './whenPeerPaused';

/** Name of the device's local database (IndexedDB, through PouchDB's default `idb` adapter). */
export const LOCAL_DB_NAME = 'p2pcloud';

/** How long the recreator waits for this device's sync with the peer to stop. */
const PAUSE_WAIT_MS = 15_000;

/** Everything the UI may use. Nothing else creates PouchDB instances or the engine. */
export interface Services {
  db: PouchDB.Database;
  /** Whether that database can be used: the browser may close it under the app, and it is opened again. */
  localDb: Pick<ReopenableDb, 'state' | 'problem' | 'subscribe'>;
  notes: NotesStore;
  /** Files, stored as content-addressed chunks that sync like any document. */
  files: FilesStore;
  conflicts: ConflictStore;
  /** Competing versions of files (name and folder) and their resolution. */
  fileConflicts: FileConflictStore;
  deviceName: DeviceNameStore;
  peers: PeerDirectory;
  sync: SyncHost;
  /**
   * Asks every peer which of this device's notes it holds at their latest revision:
   * about what may have changed since the last check, or about everything with `full`.
   */
  checkSafety: (options?: { full?: boolean }) => Promise<SafetyReport>;
  /** Asks every peer how many of these chunks (a file's parts) it holds. */
  locateChunks: (hashes: readonly string[]) => Promise<ChunkHolding[]>;
  /** Server-to-server links (CouchDB `_replicator`). */
  links: ServerLinks;
  /** Recreates a peer's database on its server, to drop the plain copies an encrypted peer still holds. */
  recreator: DatabaseRecreator;
  /** Whether this tab has met a note written by a newer version of the app (domain/schema.ts). */
  schema: SchemaNotices;
  logger: Logger;
}

/**
 * Wires the app together.
 * @remarks Keeps PouchDB's default `idb` adapter on purpose: apache/pouchdb#9018
 * reports data loss with the newer `indexeddb` adapter.
 */
export function createServices(): Services {
  const logger = createLogger('p2pcloud');
  // One handle for the whole app that reopens itself when the browser closes
  // IndexedDB under it (storage/reopenableDb.ts).
  const localDb = reopenable({
    open: () => new PouchDB(LOCAL_DB_NAME, { auto_compaction: false }),
    watch: watchIdbClose,
    log: (message, detail) => logger.warn(message, detail),
  });
  const db = localDb.db;
  const store = createPeerStore(db);
  let peersChanged: (() => void) | undefined;
  const deviceName = createDeviceNameStore(globalThis.localStorage, navigator.userAgent);
  // Every request to a peer gets a deadline: one that never answers is away, not "Syncing" forever.
  const peerFetch = withDeadlines((input, init) => fetch(input, init));
  // One for every handle on a peer: live pulls to one server share its few connections.
  const sharedFetch = shareConnections(peerFetch);
  const openRemote = (url: string, credentials?: PeerCredentials) =>
    new PouchDB(url, {
      fetch: sharedFetch,
      // Never create a database as a side effect of syncing: a typo in a peer
      // address must not quietly create an empty database on someone's server.
      skip_setup: true,
      ...(credentials ? { auth: { username: credentials.username, password: credentials.password } } : {}),
    });
  const sync = new SyncHost({
    store,
    logger: logger.child('sync'),
    channel: typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('p2pcloud-sync'),
    locks: navigator.locks,
    checkSafety: (options) => checkSafety(options),
    // The peer list is replicated: follow peers added or removed on other devices.
    watchPeers: (onChange) => {
      peersChanged = onChange;
      return () => {
        peersChanged = undefined;
      };
    },
    createEngine: () =>
      new SyncEngine({ localDb: db, openRemote, progress: store.progress, logger: logger.child('sync:peer') }),
  });
  // A device back from sleep or the background retries its peers at once.
  listenForWakeUp(sync);
  // Closed by the browser, the database may have been emptied: peers start over and fill it again.
  localDb.onReopened((why) => {
    if (why === 'closed') sync.localDbReopened();
  });
  const peers = new PeerDirectory({
    store,
    probe: { fetch: (input, init) => fetch(input, init), canDetectCors: true },
    pageProtocol: location.protocol,
    onChanged: () => sync.peersChanged(),
  });
  /** Runs `ask` with a handle on every known peer, closed afterwards. */
  const withPeers = async <T>(ask: (peers: { id: PeerId; db: PouchDB.Database }[]) => Promise<T>): Promise<T> => {
    const peerList = await store.list();
    const peers = await Promise.all(
      peerList.map(async (p) => ({ id: p.id, db: openRemote(p.url, await store.getCredentials(p.id)) })),
    );
    try {
      return await ask(peers);
    } finally {
      for (const peer of peers) peer.db.close().catch(() => undefined);
    }
  };
  // One tracker for the app, so checks never overlap and each builds on the last.
  const safety = new SafetyTracker({ localDb: db, prefixes: [NOTE_ID_PREFIX, FILE_ID_PREFIX], withPeers });
  const checkSafety = (options?: { full?: boolean }) => safety.check(options);
  const links = new ServerLinks({
    credentialsFor: async (url) => store.getCredentials(peerIdFor(url)),
    admins: store.admins,
    fetch: (input, init) => fetch(input, init),
    isEncrypted: async (url) => (await store.list()).some((p) => p.url === url && p.encrypted === true),
  });
  const files = new FilesStore(db, {
    deviceName: deviceName.get,
    ...(navigator.storage?.estimate ? { estimate: () => navigator.storage.estimate() } : {}),
  });
  const partFreed = files.freedPartsWatcher((err) => logger.warn('bringing back the parts of a kept file failed', String(err)));
  // One feed for what the app follows in the background, for the life of the
  // page, in every tab (a restore twice is a conflict, ignored): each live
  // feed reads the database again after every write, a note typed included.
  watchChanges(db, (id, isDeleted) => {
    if (id.startsWith(PEER_ID_PREFIX)) peersChanged?.();
    else partFreed(id, isDeleted);
  });
  const schema = new SchemaNotices();
  // One for the app: an attempt cut short after the delete is finished by the next, from what it kept.
  const recreator = new DatabaseRecreator({
    localDb: db,
    peers,
    fetch: (input, init) => fetch(input, init),
    whenPaused: (id) => whenPeerPaused(sync, id, PAUSE_WAIT_MS),
  });
  return {
    db,
    localDb,
    schema,
    checkSafety,
    locateChunks: (hashes) => withPeers((peers) => locateChunks(peers, hashes)),
    links,
    recreator,
    notes: new NotesStore(db, deviceName.get, undefined, { onNewerSchema: schema.noteNewer }),
    files,
    conflicts: new ConflictStore(db, { onNewerSchema: schema.noteNewer }),
    fileConflicts: new FileConflictStore(db),
    deviceName,
    peers,
    sync,
    logger,
  };
}

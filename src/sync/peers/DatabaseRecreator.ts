// Recreating a peer's database from the app: this device stops syncing with it meanwhile, then sends it everything again.
import type { PeerId } from '../../domain/ids';
import type { PeerConfig, PeerCredentials } from '../../domain/peer';
import { recreateDatabase, type RecreateResult, type ServerSettings } from './recreateDatabase';

/** Collaborators of {@link DatabaseRecreator}. */
export interface DatabaseRecreatorDeps {
  localDb: PouchDB.Database;
  /** The peer directory (PeerDirectory): pausing on this device, marking encrypted on every device. */
  peers: {
    list(): Promise<PeerConfig[]>;
    setPaused(id: PeerId, isPaused: boolean): Promise<void>;
    setEncrypted(id: PeerId): Promise<void>;
  };
  /** Resolves once this device's sync no longer runs for the peer (its status says paused). */
  whenPaused: (id: PeerId) => Promise<void>;
  fetch: typeof fetch;
}

/**
 * Recreates a peer's database (recreateDatabase.ts) with this device's sync
 * out of the way: paused on this device first, so that nothing it sends
 * lands in the old database after the copy or in the new one before its
 * `_security` is back; resumed afterwards, when the sync's catch-up finds
 * no checkpoint on the new database and sends everything again, sealed for
 * an encrypted peer.
 * @remarks With `encrypt`, the peer is marked encrypted on every device
 * before its database is recreated, never after: a device that learns it
 * late would otherwise send plain documents into the clean database. What
 * an attempt cut short after deleting leaves to finish is kept here, in
 * memory only, for the next attempt. The admin login is used and dropped.
 */
export class DatabaseRecreator {
  private readonly unfinished = new Map<PeerId, ServerSettings>();

  constructor(private readonly deps: DatabaseRecreatorDeps) {}

  async recreate(id: PeerId, admin: PeerCredentials, options: { encrypt?: boolean } = {}): Promise<RecreateResult> {
    const { peers, localDb, fetch, whenPaused } = this.deps;
    const peer = (await peers.list()).find((p) => p.id === id);
    if (!peer) return { ok: false, problem: { kind: 'failed', step: 'reading', status: 0, detail: 'this peer is no longer in the list' } };
    if (options.encrypt) await peers.setEncrypted(id);
    await peers.setPaused(id, true);
    let result: RecreateResult | undefined;
    try {
      await whenPaused(id);
      const saved = this.unfinished.get(id);
      result = await recreateDatabase({ url: peer.url, admin, localDb, fetch, ...(saved ? { saved } : {}) });
      if (result.ok) this.unfinished.delete(id);
      else if (result.saved) this.unfinished.set(id, result.saved);
      return result;
    } finally {
      // Recreated: sync again, even if it was paused before (sending everything again is the point).
      // Not recreated: as the user had it.
      await peers.setPaused(id, result?.ok ? false : peer.isPaused);
    }
  }
}

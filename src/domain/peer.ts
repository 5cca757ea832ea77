import type { PeerId } from './ids';

/**
 * A peer of the mesh: a CouchDB-protocol database every device live-syncs with.
 * @remarks The list of peers is itself replicated (one `peer:<url>` document
 * each), so a peer added on one device appears on all. Never holds
 * credentials: those are kept apart, on the device that entered them only
 * (see storage/peerStore.ts), so a peer list can be shown, logged or
 * replicated without leaking a password.
 */
export interface PeerConfig {
  id: PeerId;
  /** Database URL with no user name or password in it. */
  url: string;
  /** True when the user paused syncing with this peer on this device (not replicated). */
  isPaused: boolean;
  /** When this device first knew the peer (kept on this device, for a stable order). */
  addedAt: string;
  /** True when the peer refuses anonymous access, so each device must sign in. */
  needsLogin?: boolean;
  /** User name this device signs in with, if any (the password is stored apart). */
  username?: string;
  /**
   * True when the peer holds only ciphertext (issue #16): every device
   * seals what it sends there and opens what it reads, with the mesh
   * passphrase, which is kept on each device apart, like credentials.
   */
  encrypted?: boolean;
}

/** A user name and password for one peer. */
export interface PeerCredentials {
  username: string;
  password: string;
}

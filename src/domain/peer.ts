import type { PeerId } from './ids';

/**
 * A peer of this device: a CouchDB-protocol database it live-syncs with.
 * @remarks Never holds credentials: those are kept apart, on this device only
 * (see storage/peerStore.ts), so that a peer list can be shown, logged or
 * replicated without leaking a password.
 */
export interface PeerConfig {
  id: PeerId;
  /** Database URL with no user name or password in it. */
  url: string;
  /** True when the user paused syncing with this peer. */
  isPaused: boolean;
  addedAt: string;
  /** User name used to sign in, if any (the password is stored apart). */
  username?: string;
}

/** A user name and password for one peer. */
export interface PeerCredentials {
  username: string;
  password: string;
}

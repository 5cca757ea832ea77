// The closed set of states a peer can be in, and how the UI summarises them.
import type { SyncErrorReason } from '../common/errors';

/** The state of syncing with one peer. */
export const PeerState = {
  /** Starting, or the first answer is not in yet. */
  connecting: 'connecting',
  /** Changes are moving in at least one direction. */
  active: 'active',
  /** Both directions caught up and listening for more. */
  upToDate: 'upToDate',
  /** The peer is away; retrying with capped backoff. */
  backingOff: 'backingOff',
  /** This device's storage is full: what the peer has waits, retried with backoff until space is freed. */
  storageFull: 'storageFull',
  /** The peer refused the credentials; waits for new ones. */
  unauthorized: 'unauthorized',
  /** A failure retrying cannot fix; see the reason. */
  failed: 'failed',
  /** Paused by the user on this device. */
  paused: 'paused',
  /** Learnt from the mesh; needs credentials entered on this device first. */
  signInNeeded: 'signInNeeded',
  /**
   * Marked encrypted (here, or by another device: the peer holds sealed
   * documents, error reason 'sealed'); needs the mesh passphrase entered on
   * this device first.
   */
  passphraseNeeded: 'passphraseNeeded',
} as const;
export type PeerState = (typeof PeerState)[keyof typeof PeerState];

/** What the app shows for one peer. */
export interface PeerStatus {
  state: PeerState;
  /** When both directions last caught up (ISO time), if ever. */
  lastSyncedAt?: string;
  /** Local changes this peer has not received yet; undefined while unknown. */
  pending?: number;
  /**
   * Hashes of this device's file chunks among those changes: what is still
   * to upload to this peer, so each file can show how far its upload got.
   */
  unsentChunks?: readonly string[];
  error?: { reason: SyncErrorReason; detail: string; docIds?: string[] };
  /**
   * While this device's storage is full (error reason 'quota'): how many of
   * the peer's changes are not stored here yet; `isAtLeast` when counting stopped early.
   */
  waiting?: { count: number; isAtLeast: boolean };
  /** Design documents the peer holds, which this app neither pulls nor relays (designDocs.ts). */
  designDocs?: readonly string[];
}

/** Combines the push and pull states into the peer's one state. */
export function combineStates(push: PeerState, pull: PeerState): PeerState {
  const order: PeerState[] = ['paused', 'unauthorized', 'failed', 'passphraseNeeded', 'storageFull', 'backingOff', 'active', 'connecting', 'upToDate'];
  for (const state of order) if (push === state || pull === state) return state;
  return 'connecting';
}

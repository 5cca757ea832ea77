import type { HostSnapshot } from '../sync/engine/SyncHost';
import type { PeerStatus } from '../sync/engine/peerStatus';
import { waitingChanges } from './notifications/syncEventToNotice';

/** The header's one-line answer to "where are my changes?". */
export interface SyncSummary {
  tone: 'ok' | 'waiting' | 'error' | 'offline' | 'alone';
  text: string;
}

/** Sums up every peer's status; errors first, then waiting changes, then offline. */
export function summarizeSync(snapshot: HostSnapshot): SyncSummary {
  const active = snapshot.peers.filter((p) => !p.isPaused);
  if (active.length === 0) {
    const n = snapshot.onlyHere.length;
    const why = snapshot.peers.length ? 'Sync paused' : 'No peers';
    if (n) return { tone: 'alone', text: `${why}: ${plural(n, 'change')} only on this device` };
    return { tone: 'alone', text: snapshot.peers.length ? 'Sync paused' : 'No peers yet' };
  }
  const statuses = active.map((p) => snapshot.statuses[p.id]);
  // Before anything else: nothing more can arrive here until space is freed.
  const full = statuses.filter((s) => s?.state === 'storageFull');
  if (full.length) {
    const most = full.reduce<PeerStatus['waiting']>((a, s) => (s?.waiting && (!a || s.waiting.count > a.count) ? s.waiting : a), undefined);
    const isOne = most?.count === 1 && !most.isAtLeast;
    return { tone: 'error', text: most ? `This device is full: ${waitingChanges(most)} from peers ${isOne ? 'is' : 'are'} waiting` : 'This device is full' };
  }
  // A peer that refused a document syncs on, yet lacks it: never "up to date".
  const errors = statuses.filter((s) => s?.state === 'failed' || s?.state === 'unauthorized' || s?.error?.reason === 'refused' || s?.error?.reason === 'unreadable').length;
  if (errors) return { tone: 'error', text: `${plural(errors, 'peer')} with an error` };
  // A peer marked encrypted, or found holding sealed documents, waits for the mesh passphrase.
  const passphrase = statuses.filter((s) => s?.state === 'passphraseNeeded').length;
  if (passphrase) return { tone: 'error', text: `Enter the mesh passphrase for ${plural(passphrase, 'peer')}` };
  const signIn = statuses.filter((s) => s?.state === 'signInNeeded').length;
  if (signIn === statuses.length) return { tone: 'error', text: `Sign in to use ${plural(signIn, 'peer')}` };
  const waiting = Math.max(0, ...statuses.map((s) => s?.pending ?? 0));
  const isOffline = statuses.every((s) => s?.state === 'backingOff');
  if (isOffline) {
    return { tone: 'offline', text: waiting ? `Offline: ${plural(waiting, 'change')} waiting` : 'Offline, retrying' };
  }
  if (waiting) return { tone: 'waiting', text: `${plural(waiting, 'change')} waiting` };
  if (statuses.every((s) => s?.state === 'upToDate' || s?.state === 'signInNeeded')) {
    return signIn
      ? { tone: 'waiting', text: `Up to date; sign in to use ${plural(signIn, 'more peer')}` }
      : { tone: 'ok', text: 'All peers up to date' };
  }
  return { tone: 'waiting', text: 'Syncing…' };
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

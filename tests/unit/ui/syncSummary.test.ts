// The header's one line, for the states that must never read as "Syncing…" or "up to date".
import { describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import type { PeerStatus } from '../../../src/sync/engine/peerStatus';
import { summarizeSync } from '../../../src/ui/syncSummary';

function peer(url: string): PeerConfig {
  return { id: peerIdFor(url), url, isPaused: false, addedAt: '2026-12-03T00:00:00.000Z' };
}

const home = peer('http://127.0.0.1:5984/notes');
const work = peer('http://127.0.0.1:5985/notes');
const summary = (a: PeerStatus, b: PeerStatus) =>
  summarizeSync({ peers: [home, work], statuses: { [home.id]: a, [work.id]: b }, onlyHere: [], isLeader: true });
const upToDate: PeerStatus = { state: 'upToDate', pending: 0 };

describe('the header summary', () => {
  it('says the device is full, and how many changes from peers wait, before anything else', () => {
    const full: PeerStatus = { state: 'storageFull', error: { reason: 'quota', detail: 'QuotaExceededError' }, waiting: { count: 42, isAtLeast: false } };
    expect(summary(full, upToDate)).toEqual({ tone: 'error', text: 'This device is full: 42 changes from peers are waiting' });
    const one: PeerStatus = { ...full, waiting: { count: 1, isAtLeast: false } };
    expect(summary(one, upToDate).text).toBe('This device is full: 1 change from peers is waiting');
    const many: PeerStatus = { ...full, waiting: { count: 10_000, isAtLeast: true } };
    expect(summary(many, { state: 'failed', error: { reason: 'stuck', detail: '' } }).text).toBe(
      'This device is full: at least 10,000 changes from peers are waiting',
    );
    const uncounted: PeerStatus = { state: 'storageFull', error: { reason: 'quota', detail: '' } };
    expect(summary(uncounted, upToDate).text).toBe('This device is full');
  });

  it('asks for the mesh passphrase rather than showing "Syncing…" for a peer that waits for it', () => {
    const sealed: PeerStatus = { state: 'passphraseNeeded', error: { reason: 'sealed', detail: '', docIds: ['note:a'] } };
    expect(summary(sealed, upToDate)).toEqual({ tone: 'error', text: 'Enter the mesh passphrase for 1 peer' });
  });
});

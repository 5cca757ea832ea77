// Waits until the tab that runs sync reports a peer paused: the recreator touches a database only then.
import type { PeerId } from '../domain/ids';

/** What is read of the sync host: its snapshot of peer states, and changes to it. */
interface SyncStates {
  subscribe: (listener: () => void) => () => void;
  getSnapshot: () => { statuses: Record<string, { state?: string } | undefined> };
}

/**
 * Resolves once `id` is reported paused (the syncing tab may be another
 * one); rejects after `timeoutMs` with words for the person.
 */
export function whenPeerPaused(sync: SyncStates, id: PeerId, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const isPaused = () => sync.getSnapshot().statuses[id]?.state === 'paused';
    if (isPaused()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('Syncing with this peer did not stop on this device, so its database was not touched. Try again.'));
    }, timeoutMs);
    const unsubscribe = sync.subscribe(() => {
      if (!isPaused()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

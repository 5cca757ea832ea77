// The recreator of peers' databases, built once from the services the Peers page already has.
import { useMemo } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerId } from '../../../domain/ids';
import { DatabaseRecreator } from '../../../sync/peers/DatabaseRecreator';

/** How long to wait for this device's sync with the peer to stop before giving up. */
const PAUSE_WAIT_MS = 15_000;

/**
 * One {@link DatabaseRecreator} for the page.
 * @remarks Built here rather than in app/createServices.ts only because that
 * file is not this feature's to change; it holds no state the app needs
 * elsewhere but what an interrupted attempt must finish, kept while the page is open.
 */
export function useDatabaseRecreator(): DatabaseRecreator {
  const { db, peers, sync } = useServices();
  return useMemo(
    () =>
      new DatabaseRecreator({
        localDb: db,
        peers,
        fetch: (input, init) => fetch(input, init),
        whenPaused: (id) => whenPaused(sync, id),
      }),
    [db, peers, sync],
  );
}

/** Resolves once the syncing tab reports the peer paused (it may be another tab). */
function whenPaused(sync: { subscribe: (l: () => void) => () => void; getSnapshot: () => { statuses: Record<string, { state?: string } | undefined> } }, id: PeerId): Promise<void> {
  return new Promise((resolve, reject) => {
    const isPaused = () => sync.getSnapshot().statuses[id]?.state === 'paused';
    if (isPaused()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error('Syncing with this peer did not stop on this device, so its database was not touched. Try again.'));
    }, PAUSE_WAIT_MS);
    const unsubscribe = sync.subscribe(() => {
      if (!isPaused()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

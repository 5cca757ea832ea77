import { useSyncExternalStore } from 'react';
import { useServices } from '../../app/ServicesContext';
import type { HostSnapshot } from '../../sync/engine/SyncHost';

/** Peers, their live sync status and the changes only on this device, in every tab. */
export function useSyncStatus(): HostSnapshot {
  const { sync } = useServices();
  return useSyncExternalStore(sync.subscribe, sync.getSnapshot);
}

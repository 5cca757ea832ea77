import type { SafetyReport } from '../../sync/safety/dataSafety';
import { useSyncStatus } from './useSyncStatus';

/**
 * Where this device's notes are safe, as the peers report it. The tab that
 * runs sync asks the peers (after changes settle) and shares the answer with
 * every other tab, so extra tabs add no traffic.
 */
export function useDataSafety(): SafetyReport | undefined {
  return useSyncStatus().safety;
}

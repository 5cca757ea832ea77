import { useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import { watchChanges } from '../../storage/changes';
import type { SafetyReport } from '../../sync/dataSafety';
import { useSyncStatus } from './useSyncStatus';

const SETTLE_MS = 800;

/**
 * Where this device's notes are safe, as the peers report it; asked again
 * when notes change or a peer's sync status moves, once things settle.
 */
export function useDataSafety(): SafetyReport | undefined {
  const { db, checkSafety, logger } = useServices();
  const { statuses, peers } = useSyncStatus();
  const [report, setReport] = useState<SafetyReport | undefined>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => watchChanges(db, () => setGeneration((g) => g + 1)), [db]);
  useEffect(() => {
    let isCurrent = true;
    const timer = setTimeout(() => {
      checkSafety()
        .then((r) => isCurrent && setReport(r))
        .catch((err: unknown) => logger.warn('checking data safety failed', String(err)));
    }, SETTLE_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [checkSafety, logger, generation, statuses, peers]);
  return report;
}

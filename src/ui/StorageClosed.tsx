import { useSyncExternalStore } from 'react';
import { useServices } from '../app/ServicesContext';

/**
 * Says so when the browser closed this device's storage and it could not be
 * opened again (storage/reopenableDb.ts): nothing typed from then on can be
 * saved, and only a reload helps. A close that reopens is not shown: the
 * app carries on and nothing was lost.
 */
export function StorageClosed() {
  const { localDb } = useServices();
  const state = useSyncExternalStore(localDb.subscribe, localDb.state);
  if (state !== 'unavailable') return null;
  return (
    <div className="storage-closed" role="alert" data-testid="storage-closed">
      <span>
        This device’s storage is closed, so nothing you type now is saved. {localDb.problem()} Copy any text you
        have not saved yet, then reload p2pcloud.
      </span>
      <button type="button" onClick={() => location.reload()}>
        Reload
      </button>
    </div>
  );
}

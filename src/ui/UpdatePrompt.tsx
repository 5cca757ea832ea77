import { useSyncExternalStore } from 'react';
import type { AppUpdater } from '../pwa/registerSW';

/** Offers a waiting new version; reloads only when the user clicks. */
export function UpdatePrompt({ updater }: { updater: AppUpdater }) {
  const isAvailable = useSyncExternalStore(updater.subscribe, updater.isUpdateAvailable);
  if (!isAvailable) return null;
  return (
    <div className="update-prompt" role="status">
      A new version of p2pcloud is available. Your notes are saved.
      <button type="button" onClick={() => updater.applyUpdate()}>
        Reload to update
      </button>
    </div>
  );
}

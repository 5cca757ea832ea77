import { useEffect, useSyncExternalStore } from 'react';
import { useServices } from '../app/ServicesContext';
import type { AppUpdater } from '../pwa/registerSW';

/**
 * Offers a waiting new version; reloads only when the user clicks. Also
 * appears once this tab has read a note a newer version wrote (it shows
 * such notes but does not edit them; domain/schema.ts), and then looks
 * for that version at once.
 */
export function UpdatePrompt({ updater }: { updater: AppUpdater }) {
  const { schema } = useServices();
  const isAvailable = useSyncExternalStore(updater.subscribe, updater.isUpdateAvailable);
  const isBehind = useSyncExternalStore(schema.subscribe, schema.hasSeenNewer);
  useEffect(() => {
    if (isBehind) updater.checkNow();
  }, [isBehind, updater]);
  if (!isAvailable && !isBehind) return null;
  return (
    <div className="update-prompt" role="status" data-testid="update-prompt">
      {isBehind
        ? 'A newer version of p2pcloud wrote some of your notes; this one shows them but does not edit them. Your notes are saved.'
        : 'A new version of p2pcloud is available. Your notes are saved.'}
      <button type="button" onClick={() => updater.applyUpdate()}>
        Reload to update
      </button>
    </div>
  );
}

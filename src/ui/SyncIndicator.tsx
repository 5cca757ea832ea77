import { useSyncStatus } from './hooks/useSyncStatus';
import { summarizeSync } from './syncSummary';

/** The header badge: all up to date, N changes waiting, offline, or an error. */
export function SyncIndicator() {
  const summary = summarizeSync(useSyncStatus());
  return (
    <a href="#/peers" className={`sync-indicator tone-${summary.tone}`} data-testid="sync-indicator" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {summary.text}
    </a>
  );
}

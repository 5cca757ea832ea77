import { useStorageInfo } from '../../hooks/useStorageInfo';

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Settings: what this device stores and whether the browser may evict it. */
export function SettingsPage() {
  const storage = useStorageInfo();
  return (
    <div className="settings-page">
      <h1>Settings</h1>
      <section aria-label="Storage">
        <h2>Storage on this device</h2>
        <p data-testid="storage-persisted">
          {storage.isPersisted === undefined
            ? 'Checking storage…'
            : storage.isPersisted
              ? 'Persistent storage granted: the browser will not clear your notes to free space.'
              : 'Persistent storage not granted: under storage pressure the browser may clear data that no peer has yet. Installing the app usually grants it.'}
        </p>
        {storage.usage !== undefined && (
          <p data-testid="storage-usage">
            Using {formatBytes(storage.usage)}
            {storage.quota ? ` of ${formatBytes(storage.quota)} available to the app` : ''}.
          </p>
        )}
      </section>
    </div>
  );
}

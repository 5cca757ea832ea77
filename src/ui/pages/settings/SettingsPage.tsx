import { useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { useStorageInfo } from '../../hooks/useStorageInfo';
import { ExportImport } from './ExportImport';

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

/** Settings: this device's name, what it stores, whether the browser may evict it, and export and import of everything. */
export function SettingsPage() {
  const storage = useStorageInfo();
  const { deviceName } = useServices();
  const [name, setName] = useState(deviceName.get);
  return (
    <div className="settings-page">
      <h1>Settings</h1>
      <section aria-label="This device">
        <h2>This device</h2>
        <label className="field">
          Device name (recorded with every change, shown when versions compete)
          <input
            aria-label="Device name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              deviceName.set(e.target.value);
            }}
            onBlur={() => setName(deviceName.get())}
          />
        </label>
      </section>
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
      <ExportImport />
    </div>
  );
}

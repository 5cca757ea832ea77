// This device's name, kept in localStorage under "p2pcloud:device-name" on
// this device only. Read synchronously because every write records it.
import { defaultDeviceName } from '../domain/device';

const KEY = 'p2pcloud:device-name';

/** The device name store: read on every write, changed from Settings. */
export interface DeviceNameStore {
  get: () => string;
  set: (name: string) => void;
}

/** A {@link DeviceNameStore} on localStorage, falling back to memory where there is none. */
export function createDeviceNameStore(storage: Storage | undefined, userAgent: string): DeviceNameStore {
  let memory = defaultDeviceName(userAgent);
  return {
    get: () => storage?.getItem(KEY)?.trim() || memory,
    set: (name) => {
      const trimmed = name.trim().slice(0, 80);
      memory = trimmed || defaultDeviceName(userAgent);
      if (trimmed) storage?.setItem(KEY, trimmed);
      else storage?.removeItem(KEY);
    },
  };
}

import { useEffect, useState } from 'react';

/** What the browser says about this app's storage. */
export interface StorageInfo {
  /** Undefined when the browser has no Storage API. */
  isPersisted?: boolean;
  usage?: number;
  quota?: number;
}

/** Whether persistent storage was granted (asked for at start-up) and the space used. */
export function useStorageInfo(): StorageInfo {
  const [info, setInfo] = useState<StorageInfo>({});
  useEffect(() => {
    let isCurrent = true;
    const storage = navigator.storage;
    if (!storage?.persist) return;
    const read = async () => {
      const isPersisted = await storage.persisted();
      const { usage, quota } = await storage.estimate();
      if (isCurrent) setInfo({ isPersisted, usage, quota });
    };
    read().catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, []);
  return info;
}

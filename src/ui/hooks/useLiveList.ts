import { useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import { watchChanges } from '../../storage/changes';

/** A list read from the local database, with its loading state. */
export interface LiveList<T> {
  items: T[];
  isLoading: boolean;
  error?: Error;
}

/**
 * Runs `load` now and again whenever a relevant document changes (written
 * here, in another tab, or arriving from a peer), once per burst.
 * @param load must be stable (module-level or memoised), or the list reloads on every render.
 * @param isRelevant must be stable too; which document ids affect the list.
 * @param settleMs how long a burst may pause before the list reloads (a
 * replication batch or the chunks of a large file arrive one by one).
 */
export function useLiveList<T>(
  load: () => Promise<T[]>,
  isRelevant: (docId: string) => boolean,
  settleMs: number,
): LiveList<T> {
  const { db } = useServices();
  const [state, setState] = useState<LiveList<T>>({ items: [], isLoading: true });
  useEffect(() => {
    let isCurrent = true;
    let request = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      // Drop answers to requests that a newer one has replaced.
      const id = ++request;
      load()
        .then((items) => {
          if (isCurrent && id === request) setState({ items, isLoading: false });
        })
        .catch((error: unknown) => {
          if (isCurrent) setState((s) => ({ ...s, isLoading: false, error: error as Error }));
        });
    };
    run();
    const stop = watchChanges(db, (docId) => {
      if (!isRelevant(docId)) return;
      clearTimeout(timer);
      timer = setTimeout(run, settleMs);
    });
    return () => {
      isCurrent = false;
      clearTimeout(timer);
      stop();
    };
  }, [db, load, isRelevant, settleMs]);
  return state;
}

import { useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import type { Note } from '../../domain/note';
import { watchChanges } from '../../storage/changes';

/** Every note, newest first, kept live as local writes, other tabs and peers change them. */
export function useNotes(): { notes: Note[]; isLoading: boolean; error?: Error } {
  const { db, notes: store } = useServices();
  const [state, setState] = useState<{ notes: Note[]; isLoading: boolean; error?: Error }>({
    notes: [],
    isLoading: true,
  });
  useEffect(() => {
    let isCurrent = true;
    let request = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      // Drop answers to requests that a newer one has replaced.
      const id = ++request;
      store
        .list()
        .then((notes) => {
          if (isCurrent && id === request) setState({ notes, isLoading: false });
        })
        .catch((error: unknown) => {
          if (isCurrent) setState((s) => ({ ...s, isLoading: false, error: error as Error }));
        });
    };
    load();
    const stop = watchChanges(db, () => {
      // A replication batch brings many changes at once: reload once per burst.
      clearTimeout(timer);
      timer = setTimeout(load, 16);
    });
    return () => {
      isCurrent = false;
      clearTimeout(timer);
      stop();
    };
  }, [db, store]);
  return state;
}

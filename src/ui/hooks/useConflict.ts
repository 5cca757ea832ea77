import { useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import type { NoteId } from '../../domain/ids';
import type { NoteConflict } from '../../storage/conflicts';
import { watchChanges } from '../../storage/changes';

/** A note's competing versions, live: undefined once resolved (here or on another device). */
export function useConflict(id: NoteId): { conflict?: NoteConflict; isLoading: boolean; error?: Error } {
  const { db, conflicts } = useServices();
  const [state, setState] = useState<{ conflict?: NoteConflict; isLoading: boolean; error?: Error }>({ isLoading: true });
  useEffect(() => {
    let isCurrent = true;
    let request = 0;
    const load = () => {
      const mine = ++request;
      conflicts
        .load(id)
        .then((conflict) => {
          if (isCurrent && mine === request) setState({ conflict, isLoading: false });
        })
        .catch((error: unknown) => {
          if (isCurrent) setState({ isLoading: false, error: error as Error });
        });
    };
    load();
    const stop = watchChanges(db, (changed) => {
      if (changed === id) load();
    });
    return () => {
      isCurrent = false;
      stop();
    };
  }, [db, conflicts, id]);
  return state;
}

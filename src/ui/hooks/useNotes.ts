import { useCallback } from 'react';
import { useServices } from '../../app/ServicesContext';
import { isNoteId } from '../../domain/ids';
import type { Note } from '../../domain/note';
import { useLiveList } from './useLiveList';

/** Every note, newest first, kept live as local writes, other tabs and peers change them. */
export function useNotes(): { notes: Note[]; isLoading: boolean; error?: Error } {
  const { notes: store } = useServices();
  const load = useCallback(() => store.list(), [store]);
  const { items, isLoading, error } = useLiveList(load, isNoteId, 16);
  return { notes: items, isLoading, ...(error ? { error } : {}) };
}

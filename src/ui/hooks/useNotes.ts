import { useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import type { Note } from '../../domain/note';
import { loadNotesHead, saveNotesHead } from '../pages/notes/notesHead';
import { applyNoteChanges } from '../pages/notes/sortedNotes';

/** The note list as the Notes page shows it. */
export interface NotesState {
  /** Newest first. Until `isComplete`, only the newest rows remembered from the last visit. */
  notes: Note[];
  isLoading: boolean;
  /** True once every note has been read from the database; only then may a note be opened. */
  isComplete: boolean;
  error?: Error;
}

/** Performance mark made each time changed notes reach the list. */
export const NOTES_CHANGED_MARK = 'p2pcloud:notes-changed';

/** How often, at most, the remembered newest rows are saved while notes change. */
const HEAD_SAVE_MS = 1000;

/**
 * Every note, newest first, kept live as local writes, other tabs and peers
 * change them.
 * @remarks Starts with the newest rows remembered from the last visit
 * ({@link loadNotesHead}), reads the database once, then applies each change
 * from the changes feed to the sorted list, never re-reading all notes.
 */
export function useNotes(): NotesState {
  const { notes: store, logger } = useServices();
  const [state, setState] = useState<NotesState>(() => {
    const head = loadNotesHead();
    return { notes: head ?? [], isLoading: !head, isComplete: false };
  });
  useEffect(() => {
    let isCurrent = true;
    let stop = () => undefined as void;
    let headTimer: ReturnType<typeof setTimeout> | undefined;
    let sorted: Note[] = [];
    const byId = new Map<string, Note>();
    const fail = (err: unknown) => {
      if (isCurrent) setState((s) => ({ ...s, isLoading: false, error: err as Error }));
    };
    store
      .readAll()
      .then(({ notes, since }) => {
        if (!isCurrent) return;
        sorted = notes;
        for (const note of notes) byId.set(note.id, note);
        setState({ notes, isLoading: false, isComplete: true });
        saveNotesHead(notes);
        stop = store.watch(
          since,
          (changes) => {
            // Lets the bench (scripts/bench/app.mjs) split a note's propagation
            // into replication up to this device's changes feed, and the UI after it.
            performance.mark(NOTES_CHANGED_MARK);
            sorted = applyNoteChanges(sorted, byId, changes);
            setState({ notes: sorted, isLoading: false, isComplete: true });
            headTimer ??= setTimeout(() => {
              headTimer = undefined;
              saveNotesHead(sorted);
            }, HEAD_SAVE_MS);
          },
          (err) => {
            logger.error('following note changes failed', String(err));
            fail(err);
          },
        );
      })
      .catch(fail);
    return () => {
      isCurrent = false;
      if (headTimer) {
        clearTimeout(headTimer);
        saveNotesHead(sorted);
      }
      stop();
    };
  }, [store, logger]);
  return state;
}

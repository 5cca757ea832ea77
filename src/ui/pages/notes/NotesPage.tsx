import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { Note } from '../../../domain/note';
import { useDataSafety } from '../../hooks/useDataSafety';
import { useNotes } from '../../hooks/useNotes';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { ConflictResolver } from '../conflicts/ConflictResolver';
import { ImportState } from '../settings/ImportState';
import { useImport } from '../../hooks/useImport';
import { HistoryPanel } from './HistoryPanel';
import { NoteEditor } from './NoteEditor';
import { NoteList } from './NoteList';
import { NoteSearch } from './noteSearch';

/** Notes: search, list, and the editor of the selected note. */
export function NotesPage({ initialId }: { initialId?: Note['id'] }) {
  const { notes: store, logger } = useServices();
  const { notes, isLoading, isComplete, error } = useNotes();
  const { onlyHere, peers } = useSyncStatus();
  const safety = useDataSafety();
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<Note['id'] | undefined>(initialId);
  const [panel, setPanel] = useState<'edit' | 'resolve' | 'history'>(initialId ? 'resolve' : 'edit');
  const select = (id: Note['id'] | undefined) => {
    setSelectedId(id);
    setPanel('edit');
  };
  const { importing, runImport, cancelImport, dismiss } = useImport();
  // Markdown files or a zip dropped on Notes are imported as Settings → Import would.
  const drop = (event: DragEvent<HTMLDivElement>) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    void runImport([...event.dataTransfer.files]);
  };
  const [search] = useState(() => new NoteSearch());
  useEffect(() => (isComplete ? search.prepare(notes) : undefined), [search, notes, isComplete]);
  const visible = useMemo(() => search.filter(notes, query), [search, notes, query]);
  const onlyHereSet = useMemo(() => new Set(onlyHere), [onlyHere]);
  // Until the database has been read the rows are remembered summaries
  // without bodies: opening one would put an empty body in the editor.
  // Memoised: a search keystroke re-renders the page, and looking through
  // 50,000 notes for the selected one took several ms of each.
  const selected = useMemo(
    () => (isComplete && selectedId ? notes.find((n) => n.id === selectedId) : undefined),
    [isComplete, notes, selectedId],
  );

  const create = () => {
    // Close the current note at once: keystrokes typed while the new note is
    // being created must not land in the previous one.
    select(undefined);
    store
      .create({ title: '', body: '' })
      .then((note) => {
        setQuery('');
        select(note.id);
      })
      .catch((err: unknown) => logger.error('creating a note failed', String(err)));
  };

  return (
    <div
      className="notes-page"
      data-testid="notes-drop-zone"
      onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()}
      onDrop={drop}
    >
      <aside className="notes-side">
        {importing.kind !== 'idle' && (
          <section className="notice ok" aria-label="Import">
            <ImportState importing={importing} onCancel={cancelImport} />
            {importing.kind !== 'running' && (
              <button type="button" onClick={dismiss}>
                Close
              </button>
            )}
          </section>
        )}
        <div className="notes-tools">
          <input
            type="search"
            aria-label="Search notes"
            placeholder="Search notes"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="button" className="primary" onClick={create}>
            New note
          </button>
        </div>
        {error && <p className="error">Could not read notes: {error.message}</p>}
        {isLoading ? <p className="empty">Loading…</p> : (
          <NoteList notes={visible} selectedId={selectedId} onlyHere={onlyHereSet} onSelect={select} resetKey={query} />
        )}
        {/* data-query: which search the list answers (the bench times keystrokes by it). */}
        <p className="count" data-testid="note-count" data-query={query}>
          {!isComplete ? 'Reading notes…' : query ? `${visible.length} of ${notes.length} notes` : `${notes.length} notes`}
        </p>
      </aside>
      {selected && panel === 'resolve' && <ConflictResolver id={selected.id} onDone={() => setPanel('edit')} />}
      {selected && panel === 'history' && <HistoryPanel id={selected.id} onClose={() => setPanel('edit')} />}
      {selected && panel === 'edit' && (
        <NoteEditor
          key={selected.id}
          note={selected}
          onDeleted={() => select(undefined)}
          onResolve={() => setPanel('resolve')}
          onHistory={() => setPanel('history')}
          safeOn={safety?.holders[selected.id]?.map((id) => peers.find((p) => p.id === id)?.url ?? id)}
        />
      )}
      {!selected && selectedId && !isComplete && (
        <section className="note-editor placeholder">
          <p>Opening the note…</p>
        </section>
      )}
      {!selected && !(selectedId && !isComplete) && (
        <section className="note-editor placeholder">
          <p>Select a note, or create one. Everything is saved on this device first and synced to your peers.</p>
        </section>
      )}
    </div>
  );
}

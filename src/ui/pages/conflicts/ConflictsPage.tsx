import { useState } from 'react';
import { displayTitle, type Note } from '../../../domain/note';
import { useNotes } from '../../hooks/useNotes';
import { FileConflictList } from '../files/FileConflictList';
import { ConflictResolver } from './ConflictResolver';

/** Every note with competing versions, or deleted elsewhere while edited here. */
export function ConflictsPage() {
  const { notes, isLoading } = useNotes();
  const conflicted = notes.filter((n) => n.hasConflicts || n.isDeletedElsewhere);
  const [selectedId, setSelectedId] = useState<Note['id'] | undefined>();
  const selected = conflicted.find((n) => n.id === selectedId);
  return (
    <div className="conflicts-page">
      <h1>Conflicts</h1>
      <p className="lede">
        When the same note is changed on two devices before they sync, every version is kept. Nothing is decided
        for you: pick one, or merge them, and the result reaches every device and peer.
      </p>
      {!isLoading && conflicted.length === 0 && <p className="empty">No conflicts. Every note has one version.</p>}
      <ul className="note-list" aria-label="Conflicted notes">
        {conflicted.map((note) => (
          <li key={note.id}>
            <button
              type="button"
              className="note-item"
              data-testid="conflict-item"
              aria-current={note.id === selectedId ? 'true' : undefined}
              onClick={() => setSelectedId(note.id)}
            >
              <span className="note-title">{displayTitle(note)}</span>
              <span className="note-meta">{note.hasConflicts ? 'competing versions' : 'deleted on another device'}</span>
            </button>
          </li>
        ))}
      </ul>
      {selected && <ConflictResolver key={selected.id} id={selected.id} onDone={() => setSelectedId(undefined)} />}
      <FileConflictList />
    </div>
  );
}

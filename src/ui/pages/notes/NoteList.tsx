import { displayTitle, type Note } from '../../../domain/note';

/** The list of notes, newest first, with marks for conflicts and changes no peer has. */
export function NoteList({
  notes,
  selectedId,
  onlyHere,
  onSelect,
}: {
  notes: readonly Note[];
  selectedId?: string;
  onlyHere: ReadonlySet<string>;
  onSelect: (id: Note['id']) => void;
}) {
  if (notes.length === 0) return <p className="empty">No notes here.</p>;
  return (
    <ul className="note-list" aria-label="Notes">
      {notes.map((note) => (
        <li key={note.id}>
          <button
            type="button"
            className="note-item"
            aria-current={note.id === selectedId ? 'true' : undefined}
            data-testid="note-item"
            onClick={() => onSelect(note.id)}
          >
            <span className="note-title">{displayTitle(note)}</span>
            <span className="note-meta">
              {note.updatedAt ? new Date(note.updatedAt).toLocaleString() : ''}
              {note.hasConflicts && <span className="badge conflict">conflict</span>}
              {note.isDeletedElsewhere && <span className="badge conflict">deleted on another device</span>}
              {onlyHere.has(note.id) && (
                <span className="badge only-here" title="No peer has this change yet">
                  only on this device
                </span>
              )}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

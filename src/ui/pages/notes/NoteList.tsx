import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { displayTitle, type Note } from '../../../domain/note';

/** Every row has this height (px), so the rows on screen follow from the scroll position alone. */
export const ROW_HEIGHT = 56;
/** Rows rendered beyond each edge of the visible part, so fast scrolling shows no blank rows. */
const OVERSCAN = 8;
/** Viewport height assumed until the list has been measured. */
const FIRST_GUESS_PX = 900;

/** The rows of `count` to render for a viewport at `top` of `height` pixels: [first, end). */
export function rowWindow(count: number, top: number, height: number): [number, number] {
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  return [first, Math.max(first, end)];
}

/**
 * The list of notes, newest first, with marks for conflicts and changes no
 * peer has.
 * @remarks Virtualised: only the rows in view (and a few around) are in the
 * DOM, so 50,000 notes scroll and re-render as cheaply as 50.
 * @param resetKey scrolls back to the top when it changes (a new search).
 */
export function NoteList({
  notes,
  selectedId,
  onlyHere,
  onSelect,
  resetKey,
}: {
  notes: readonly Note[];
  selectedId?: string;
  onlyHere: ReadonlySet<string>;
  onSelect: (id: Note['id']) => void;
  resetKey?: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: FIRST_GUESS_PX });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight || FIRST_GUESS_PX });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  const [first, end] = rowWindow(notes.length, view.top, view.height);
  return (
    <div
      className="note-scroller"
      ref={scroller}
      onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight || FIRST_GUESS_PX })}
    >
      {notes.length === 0 ? (
        <p className="empty">No notes here.</p>
      ) : (
        <ul className="note-list" aria-label="Notes" style={{ height: notes.length * ROW_HEIGHT }}>
          {notes.slice(first, end).map((note, k) => (
            <li key={note.id} style={{ top: (first + k) * ROW_HEIGHT, height: ROW_HEIGHT }} aria-setsize={notes.length} aria-posinset={first + k + 1}>
              <NoteRow note={note} isSelected={note.id === selectedId} isOnlyHere={onlyHere.has(note.id)} onSelect={onSelect} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NoteRow({ note, isSelected, isOnlyHere, onSelect }: { note: Note; isSelected: boolean; isOnlyHere: boolean; onSelect: (id: Note['id']) => void }) {
  return (
    <button
      type="button"
      className="note-item"
      aria-current={isSelected ? 'true' : undefined}
      data-testid="note-item"
      onClick={() => onSelect(note.id)}
    >
      <span className="note-title">{displayTitle(note)}</span>
      {/* Marks before the time: a row has one line for both, and the marks matter more. */}
      <span className="note-meta">
        {note.hasConflicts && <span className="badge conflict">conflict</span>}
        {note.isDeletedElsewhere && <span className="badge conflict">deleted on another device</span>}
        {isOnlyHere && (
          <span className="badge only-here" title="No peer has this change yet">
            only on this device
          </span>
        )}
        {note.updatedAt ? new Date(note.updatedAt).toLocaleString() : ''}
      </span>
    </button>
  );
}

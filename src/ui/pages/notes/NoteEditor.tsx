import { useEffect, useRef, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { Note, NoteDraft } from '../../../domain/note';
import { NewerSchemaError } from '../../../domain/schema';
import { classifyError } from '../../../sync/common/errors';
import { MarkdownView } from './MarkdownView';

const SAVE_DELAY_MS = 300;

const SAVE_STATE_TEXT = {
  saved: 'Saved on this device',
  saving: 'Saving…',
  error: 'Not saved yet: the browser refused the write. Your text is still here; keep this tab open and try again.',
  full: 'Not saved: this device is out of storage space. Your text is still here; free some space and type again to retry.',
  newer: 'Not saved: a newer version of p2pcloud changed this note meanwhile, and this one does not write over it. Your text is still here: copy it, then reload to edit.',
} as const;

/** Shown instead of editing a note a newer version of the app wrote (domain/schema.ts). */
const NEWER_VERSION_TEXT = 'A newer version of p2pcloud wrote this; reload to edit.';

/**
 * Edits one note, saving as the user types.
 * @remarks While the user has unsaved words the editor never replaces them
 * with a version that arrived from elsewhere; once saved, it follows the
 * stored note live.
 */
export function NoteEditor({
  note,
  onDeleted,
  onResolve,
  onHistory,
  safeOn,
}: {
  note: Note;
  onDeleted: () => void;
  onResolve: () => void;
  onHistory: () => void;
  /** Peers that hold this note's latest version, as they last reported; undefined while unknown. */
  safeOn?: readonly string[];
}) {
  const { notes, logger } = useServices();
  const [draft, setDraft] = useState<NoteDraft>({ title: note.title, body: note.body });
  const [saveState, setSaveState] = useState<keyof typeof SAVE_STATE_TEXT>('saved');
  /** Read only: this build would rewrite it in an older shape, and that would replicate. */
  const isNewer = note.isFromNewerVersion === true;
  const [deleteNotice, setDeleteNotice] = useState<string | undefined>();
  /** A second Delete while one is on its way would record a second deletion. */
  const [isDeleting, setIsDeleting] = useState(false);
  const isMounted = useRef(true);
  useEffect(() => {
    isMounted.current = true;
    return () => {
      isMounted.current = false;
    };
  }, []);
  const dirty = useRef(false);
  const latest = useRef(draft);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** The revision what is on screen is based on: the one a Delete means (NotesStore.remove). */
  const shownRev = useRef(note.rev);
  /** The save on its way, if any: a Delete waits for it, to mean the revision it writes. */
  const savingNow = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    if (dirty.current) return;
    setDraft({ title: note.title, body: note.body });
    latest.current = { title: note.title, body: note.body };
    shownRev.current = note.rev;
  }, [note.rev, note.title, note.body]);

  const save = () => {
    clearTimeout(timer.current);
    if (!dirty.current) return;
    const saving = latest.current;
    setSaveState('saving');
    savingNow.current = notes
      .update(note.id, saving)
      .then((saved) => {
        shownRev.current = saved.rev;
        if (latest.current === saving) dirty.current = false;
        setSaveState(dirty.current ? 'saving' : 'saved');
      })
      .catch((err: unknown) => {
        logger.error('saving a note failed', String(err));
        // The words stay in the editor (and dirty), so nothing typed is lost;
        // the next keystroke or blur tries again.
        setSaveState(err instanceof NewerSchemaError ? 'newer' : classifyError(err) === 'quota' ? 'full' : 'error');
      });
  };

  // Save what is typed when the editor goes away (another note, another page).
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  });
  useEffect(() => () => saveRef.current(), []);

  const change = (patch: Partial<NoteDraft>) => {
    if (isNewer) return;
    const next = { ...latest.current, ...patch };
    latest.current = next;
    dirty.current = true;
    setDraft(next);
    setSaveState('saving');
    clearTimeout(timer.current);
    timer.current = setTimeout(save, SAVE_DELAY_MS);
  };

  const remove = () => {
    clearTimeout(timer.current);
    dirty.current = false;
    setDeleteNotice(undefined);
    setIsDeleting(true);
    savingNow.current
      .catch(() => undefined)
      .then(() => notes.remove(note.id, shownRev.current))
      .then((outcome) => {
        // Another note may be open by now: closing it is not this delete's business.
        if (!isMounted.current) return;
        if (outcome === 'deleted') return onDeleted();
        setDeleteNotice('Not deleted: another device changed this note a moment ago. Both are kept; use Resolve to choose.');
      })
      .catch((err: unknown) => {
        logger.error('deleting a note failed', String(err));
        if (!isMounted.current) return;
        setDeleteNotice(
          classifyError(err) === 'quota'
            ? 'Not deleted: this device is out of storage space. Free some space, then try again.'
            : 'Not deleted: the browser refused the change. Try again.',
        );
      })
      .finally(() => {
        if (isMounted.current) setIsDeleting(false);
      });
  };

  return (
    <section className="note-editor" aria-label="Note editor">
      <div className="editor-bar">
        <span className={`save-state ${saveState}`} data-testid="save-state">
          {SAVE_STATE_TEXT[saveState]}
        </span>
        {(note.hasConflicts || note.isDeletedElsewhere) && (
          <span className="badge conflict" data-testid="conflict-banner">
            {note.hasConflicts ? 'This note has conflicting versions' : 'Deleted on another device while edited here'}
            <button type="button" onClick={onResolve}>
              Resolve…
            </button>
          </span>
        )}
        <span className="editor-by">{note.updatedBy ? `Last edit: ${note.updatedBy}` : ''}</span>
        <button type="button" onClick={onHistory}>
          History
        </button>
        <button type="button" className="danger" onClick={remove} disabled={isDeleting || isNewer}>
          Delete
        </button>
      </div>
      {isNewer && (
        <p className="notice problem" role="status" data-testid="newer-schema">
          {NEWER_VERSION_TEXT}
        </p>
      )}
      {deleteNotice && (
        <p className="hint" role="status" data-testid="delete-notice">
          {deleteNotice}
        </p>
      )}
      {safeOn && (
        <p className="hint" data-testid="note-holders">
          {safeOn.length ? `Latest version also on: ${safeOn.join(', ')}` : 'Latest version only on this device'}
        </p>
      )}
      <input
        className="title-input"
        aria-label="Title"
        placeholder="Title"
        value={draft.title}
        readOnly={isNewer}
        onChange={(e) => change({ title: e.target.value })}
        onBlur={save}
      />
      <div className="editor-panes">
        <textarea
          aria-label="Body (Markdown)"
          placeholder="Write in Markdown…"
          value={draft.body}
          readOnly={isNewer}
          onChange={(e) => change({ body: e.target.value })}
          onBlur={save}
        />
        <MarkdownView source={draft.body} />
      </div>
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { NoteId } from '../../../domain/ids';
import type { NoteVersion } from '../../../storage/conflicts';
import { versionByline } from '../conflicts/VersionColumn';
import { MarkdownView } from './MarkdownView';

/**
 * Earlier versions of a note still stored on this device. Restoring one is a
 * new edit, so it syncs like any other.
 */
export function HistoryPanel({ id, onClose }: { id: NoteId; onClose: () => void }) {
  const { conflicts, notes, logger } = useServices();
  const [versions, setVersions] = useState<NoteVersion[] | undefined>();
  const [shown, setShown] = useState<NoteVersion | undefined>();
  useEffect(() => {
    let isCurrent = true;
    conflicts
      .history(id)
      .then((v) => isCurrent && setVersions(v))
      .catch((err: unknown) => logger.error('reading history failed', String(err)));
    return () => {
      isCurrent = false;
    };
  }, [conflicts, id, logger]);
  const restore = (v: NoteVersion) => {
    notes
      .update(id, { title: v.title, body: v.body })
      .then(onClose)
      .catch((err: unknown) => logger.error('restoring failed', String(err)));
  };
  return (
    <section className="note-editor history" aria-label="History">
      <div className="editor-bar">
        <h2>Earlier versions on this device</h2>
        <button type="button" onClick={onClose}>
          Back to the note
        </button>
      </div>
      {versions === undefined && <p className="empty">Loading…</p>}
      {versions?.length === 0 && <p className="empty">No earlier versions are stored on this device.</p>}
      <ul className="history-list">
        {versions?.map((v) => (
          <li key={v.rev} data-testid="history-version">
            <button type="button" onClick={() => setShown(v)} aria-pressed={shown?.rev === v.rev}>
              <strong>{v.title || 'Untitled'}</strong> “{v.body.split('\n')[0]?.slice(0, 60)}”: {versionByline(v)}
            </button>
            <button type="button" onClick={() => restore(v)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
      {shown && <MarkdownView source={shown.body} />}
    </section>
  );
}

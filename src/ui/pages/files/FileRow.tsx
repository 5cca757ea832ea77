import { useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize, type FileEntry } from '../../../domain/file';
import { FileConflictPanel } from './FileConflictPanel';
import { FileThumbnail } from './FileThumbnail';
import { FileTransfer } from './FileTransfer';
import { InlineEdit } from './InlineEdit';
import { saveFile } from './saveFile';

type Mode = 'view' | 'rename' | 'move' | 'confirm-delete' | 'resolve';

/**
 * One file in the list: what it is, whether all of it is here, and what can be done with it.
 * @remarks Open shows the file inside the app (FileViewer.tsx), never as a
 * page of the app's origin: a file from a peer could be an HTML page.
 */
export function FileRow({ file, onOpen }: { file: FileEntry; onOpen: (file: FileEntry) => void }) {
  const { files, logger } = useServices();
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const act = (label: string, work: () => Promise<unknown>) => {
    setBusy(label);
    setProblem(undefined);
    work()
      .catch((err: unknown) => {
        setProblem(err instanceof Error ? err.message : String(err));
        logger.warn(`${label} failed`, String(err));
      })
      .finally(() => setBusy(undefined));
  };

  const download = () => act('Preparing download', async () => saveFile(await files.read(file.id), file.name));

  return (
    <li className="file-row" data-testid="file-row" aria-label={file.name}>
      <FileThumbnail file={file} />
      <div className="file-main">
        <span className="file-name" data-testid="file-name">{file.name}</span>
        <span className="note-meta">
          <span>{file.mimeType}</span>
          <span data-testid="file-size">{formatSize(file.size)}</span>
          <span>{file.addedAt ? new Date(file.addedAt).toLocaleString() : ''}</span>
          <span data-testid="file-added-by">added by {file.addedBy || 'unknown device'}</span>
          {file.folder && <span data-testid="file-folder">in {file.folder}</span>}
          {file.hasConflicts && <span className="badge conflict" data-testid="file-conflict">conflict</span>}
          {file.isDeletedElsewhere && (
            <span className="badge conflict" data-testid="file-deleted-elsewhere">deleted on another device</span>
          )}
          {file.isComplete ? (
            <span className="badge state-upToDate" data-testid="file-status">complete</span>
          ) : (
            <span className="badge only-here" data-testid="file-status">
              incomplete: {file.presence.present} of {file.presence.total} parts here
            </span>
          )}
        </span>
        <FileTransfer file={file} />
        {mode === 'rename' && (
          <InlineEdit label={`New name for ${file.name}`} initial={file.name} onCancel={() => setMode('view')}
            onSave={(name) => act('Renaming', () => files.rename(file.id, name).then(() => setMode('view')))} />
        )}
        {mode === 'move' && (
          <InlineEdit label={`Folder for ${file.name}`} initial={file.folder} onCancel={() => setMode('view')}
            onSave={(folder) => act('Moving', () => files.move(file.id, folder).then(() => setMode('view')))} />
        )}
        {mode === 'resolve' && <FileConflictPanel file={file} onDone={() => setMode('view')} />}
        {mode === 'confirm-delete' && (
          <div className="file-actions">
            <span>Delete “{file.name}” on every device?</span>
            <button type="button" className="danger" onClick={() => act('Deleting', () => files.remove(file.id))}>
              Delete everywhere
            </button>
            <button type="button" onClick={() => setMode('view')}>Keep it</button>
          </div>
        )}
        {mode === 'view' && (
          <div className="file-actions">
            <button type="button" disabled={!file.isComplete || !!busy} onClick={() => onOpen(file)}>Open</button>
            <button type="button" disabled={!file.isComplete || !!busy} onClick={download}>Download</button>
            <button type="button" onClick={() => setMode('rename')}>Rename</button>
            <button type="button" onClick={() => setMode('move')}>Move</button>
            <button type="button" className="danger" onClick={() => setMode('confirm-delete')}>Delete</button>
            {(file.hasConflicts || file.isDeletedElsewhere) && (
              <button type="button" className="primary" onClick={() => setMode('resolve')}>Resolve…</button>
            )}
          </div>
        )}
        {busy && <span className="hint" role="status">{busy}…</span>}
        {problem && <p className="error" role="alert">{problem}</p>}
      </div>
    </li>
  );
}

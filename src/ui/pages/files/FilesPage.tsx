import { useMemo, useState } from 'react';
import { foldersOf, isInFolder, normaliseFolder, type FileEntry } from '../../../domain/file';
import { useFileUploads, useFiles } from '../../hooks/useFiles';
import { AddFiles } from './AddFiles';
import { FileViewer } from './FileViewer';
import { FileRow } from './FileRow';
import { ShareIntake } from './ShareIntake';
import { makeThumbnail } from './thumbnail';

/** Files: add any file, see every device's files, open (inside the app), download, rename, move, delete. */
export function FilesPage() {
  const { files, isLoading, error } = useFiles();
  const { uploads, add, clear } = useFileUploads(makeThumbnail);
  const [folder, setFolder] = useState('');
  const [target, setTarget] = useState('');
  const [previewId, setPreviewId] = useState<FileEntry['id'] | undefined>();
  const folders = useMemo(() => foldersOf(files), [files]);
  const visible = useMemo(() => files.filter((f) => isInFolder(f, folder)), [files, folder]);
  const preview = files.find((f) => f.id === previewId && f.isComplete);

  return (
    <div className="files-page">
      <div className="files-side">
        <h1>Files</h1>
        <div className="files-tools">
          <label className="field">
            Add to folder
            <input value={target} placeholder="(top level)" onChange={(e) => setTarget(e.target.value)} />
          </label>
          <label className="field">
            Show folder
            <select value={folder} onChange={(e) => setFolder(e.target.value)}>
              <option value="">All folders</option>
              {folders.map((f) => (
                <option key={f} value={f}>{f}</option>
              ))}
            </select>
          </label>
        </div>
        <ShareIntake folder={normaliseFolder(target)} />
        <AddFiles uploads={uploads} onAdd={(picked) => add(picked, normaliseFolder(target))} onClear={clear} />
        {error && <p className="error" role="alert">Could not read files: {error.message}</p>}
        {isLoading ? <p className="empty">Loading…</p> : visible.length === 0 ? (
          <p className="empty">No files here yet.</p>
        ) : (
          <ul className="file-list" aria-label="Files">
            {visible.map((file) => (
              <FileRow key={file.id} file={file} onOpen={(f) => setPreviewId(f.id)} />
            ))}
          </ul>
        )}
        <p className="count" data-testid="file-count">
          {folder ? `${visible.length} of ${files.length} files` : `${files.length} files`}
        </p>
      </div>
      {preview && <FileViewer key={preview.id} file={preview} onClose={() => setPreviewId(undefined)} />}
    </div>
  );
}

import { useState } from 'react';
import type { FileId } from '../../../domain/file';
import { useFiles } from '../../hooks/useFiles';
import { FileConflictPanel } from './FileConflictPanel';

/**
 * Files with competing versions, or deleted on another device while changed
 * here, each opening its {@link FileConflictPanel}; renders nothing when there are none.
 */
export function FileConflictList() {
  const { files } = useFiles();
  const [openId, setOpenId] = useState<FileId | undefined>();
  const conflicted = files.filter((f) => f.hasConflicts || f.isDeletedElsewhere);
  if (conflicted.length === 0) return null;
  return (
    <section aria-label="Conflicted files">
      <h2>Files</h2>
      <ul className="note-list">
        {conflicted.map((file) => (
          <li key={file.id} data-testid="file-conflict-item">
            <button type="button" className="note-item" aria-expanded={openId === file.id} onClick={() => setOpenId(file.id)}>
              <span className="note-title">{file.name}</span>
              <span className="note-meta">{file.hasConflicts ? 'competing versions' : 'deleted on another device'}</span>
            </button>
            {openId === file.id && <FileConflictPanel file={file} onDone={() => setOpenId(undefined)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

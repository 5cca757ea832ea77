import { useState, type DragEvent } from 'react';
import { formatSize } from '../../../domain/file';
import type { Upload } from '../../hooks/useFiles';

/** The file picker and drop zone, with each file's progress while it is hashed and written. */
export function AddFiles({
  uploads,
  onAdd,
  onClear,
}: {
  uploads: readonly Upload[];
  onAdd: (files: File[]) => void;
  onClear: () => void;
}) {
  const [isOver, setIsOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setIsOver(false);
    const picked = [...e.dataTransfer.files];
    if (picked.length) onAdd(picked);
  };
  return (
    <section className="add-files" aria-label="Add files">
      <div
        className={`drop-zone${isOver ? ' over' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setIsOver(true);
        }}
        onDragLeave={() => setIsOver(false)}
        onDrop={drop}
      >
        <label className="file-picker">
          <span>Drop files here, or </span>
          <input
            type="file"
            multiple
            aria-label="Choose files"
            onChange={(e) => {
              const picked = [...(e.target.files ?? [])];
              // Clear it so picking the same file again still fires a change.
              e.target.value = '';
              if (picked.length) onAdd(picked);
            }}
          />
        </label>
      </div>
      {uploads.length > 0 && (
        <ul className="upload-list" aria-label="Files being added">
          {uploads.map((u) => (
            <li key={u.key} data-testid="upload" aria-label={u.name}>
              <span className="file-name">{u.name}</span>
              <progress max={u.progress.total || 1} value={u.state === 'done' ? u.progress.total || 1 : u.progress.bytesWritten}
                aria-label={`Adding ${u.name}`} />
              <span className="hint" data-testid="upload-state">{describe(u)}</span>
              {u.error && <span className="error" role="alert">{u.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {uploads.some((u) => u.state === 'done' || u.state === 'failed') && (
        <button type="button" onClick={onClear}>Clear finished</button>
      )}
    </section>
  );
}

function describe(u: Upload): string {
  const { bytesHashed, bytesWritten, total } = u.progress;
  if (u.state === 'waiting') return 'Waiting';
  if (u.state === 'failed') return 'Not added';
  if (u.state === 'done') return `Added (${formatSize(total)})`;
  return `Hashed ${formatSize(bytesHashed)}, saved ${formatSize(bytesWritten)} of ${formatSize(total)}`;
}

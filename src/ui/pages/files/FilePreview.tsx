import { useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize, isImageType, isPdfType, type FileEntry } from '../../../domain/file';
import { useBlobUrl } from './useBlobUrl';

/** Shows an image or PDF inside the app, from its verified content. */
export function FilePreview({ file, onClose }: { file: FileEntry; onClose: () => void }) {
  const { files } = useServices();
  const [read, setRead] = useState(0);
  const content = useBlobUrl(`${file.id}@${file.sha256}`, () => files.read(file.id, setRead));
  return (
    <section className="file-preview" aria-label={`Preview of ${file.name}`}>
      <div className="editor-bar">
        <h2>{file.name}</h2>
        <button type="button" onClick={onClose}>
          Close preview
        </button>
      </div>
      {content.state === 'loading' && (
        <p className="hint">
          Reading and checking… {formatSize(read)} of {formatSize(file.size)}
        </p>
      )}
      {content.state === 'failed' && <p role="alert" className="error">{content.error}</p>}
      {content.state === 'ready' && isImageType(file.mimeType) && (
        <img className="preview-image" src={content.url} alt={file.name} data-testid="file-preview-image" />
      )}
      {content.state === 'ready' && isPdfType(file.mimeType) && (
        <iframe className="preview-pdf" src={content.url} title={`PDF: ${file.name}`} data-testid="file-preview-pdf" />
      )}
    </section>
  );
}

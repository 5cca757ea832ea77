import { useEffect, useRef, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize, type FileEntry } from '../../../domain/file';
import { saveFile } from './saveFile';
import { TEXT_SHOWN_BYTES, useFileView, type ReadyView } from './useFileView';

/**
 * Shows a file inside the app, from its verified content, only in forms that
 * run no script (see domain/fileView.ts); anything else is offered for download.
 * @remarks A file comes from any peer. Nothing here navigates to it: a tab
 * showing a `blob:` URL is a page of the app's origin (and Chromium's own
 * image and media pages there break under the app's style policy), so a
 * bigger view is this element in full screen.
 */
export function FileViewer({ file, onClose }: { file: FileEntry; onClose: () => void }) {
  const { files } = useServices();
  const [read, setRead] = useState(0);
  const shown = useFileView(`${file.id}@${file.sha256}`, file, () => files.read(file.id, setRead));
  const section = useRef<HTMLElement>(null);
  // On a phone the viewer sits below the list: bring it into sight.
  useEffect(() => {
    section.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <section ref={section} className="file-preview" aria-label={`Preview of ${file.name}`}>
      <div className="editor-bar">
        <h2>{file.name}</h2>
        {shown.state === 'ready' && (
          <button type="button" onClick={() => saveFile(shown.content, file.name)}>Download</button>
        )}
        {shown.state === 'ready' && shown.url && shown.view.kind !== 'audio' && (
          <button type="button" onClick={() => fullScreen(section.current)}>Full screen</button>
        )}
        <button type="button" onClick={onClose}>Close preview</button>
      </div>
      {shown.state === 'loading' && (
        <p className="hint">
          Reading and checking… {formatSize(read)} of {formatSize(file.size)}
        </p>
      )}
      {shown.state === 'failed' && <p role="alert" className="error">{shown.error}</p>}
      {shown.state === 'ready' && <Shown file={file} shown={shown} />}
    </section>
  );
}

/** Shows the viewer's picture, video or PDF on the whole screen (Escape returns). */
function fullScreen(section: HTMLElement | null): void {
  const shown = section?.querySelector<HTMLElement>('.preview-image, .preview-pdf');
  shown?.requestFullscreen?.().catch(() => undefined);
}

function Shown({ file, shown }: { file: FileEntry; shown: ReadyView }) {
  const { view, url } = shown;
  switch (view.kind) {
    case 'image':
    case 'svg':
      // An SVG inside <img> is a picture only: its scripts and event handlers never run.
      return <img className="preview-image" src={url} alt={file.name} data-testid="file-preview-image" />;
    case 'pdf':
      return <iframe className="preview-pdf" src={url} title={`PDF: ${file.name}`} data-testid="file-preview-pdf" />;
    case 'video':
      return <video className="preview-image" src={url} controls data-testid="file-preview-video" />;
    case 'audio':
      return <audio src={url} controls data-testid="file-preview-audio" />;
    case 'text':
      return (
        <>
          <pre className="preview-text" data-testid="file-preview-text">{shown.text}</pre>
          {shown.isTruncated && (
            <p className="hint">Showing the first {formatSize(TEXT_SHOWN_BYTES)}. Download it to read all of it.</p>
          )}
        </>
      );
    case 'none':
      return (
        <p className="hint" role="status" data-testid="file-not-opened">
          {view.isActiveContent
            ? `p2pcloud does not open ${view.label} itself: a page from a peer could run as the app and read your notes, files and passwords. `
            : `p2pcloud cannot show ${view.label} itself. `}
          Download it to open it with another program.
        </p>
      );
  }
}

import { useServices } from '../../../app/ServicesContext';
import type { FileEntry } from '../../../domain/file';
import { useBlobUrl } from './useBlobUrl';

/** The small image stored with an image file (it syncs with the file doc, so it shows before the content arrives). */
export function FileThumbnail({ file }: { file: FileEntry }) {
  const { files } = useServices();
  const thumb = useBlobUrl(`${file.id}@${file.rev}`, () =>
    file.hasThumbnail ? files.thumbnail(file.id) : Promise.resolve(undefined),
  );
  if (thumb.state !== 'ready') return <span className="file-icon" aria-hidden="true">{iconFor(file.mimeType)}</span>;
  return <img className="file-thumb" src={thumb.url} alt={`Thumbnail of ${file.name}`} data-testid="file-thumbnail" />;
}

function iconFor(mimeType: string): string {
  if (mimeType.startsWith('image/')) return '🖼';
  if (mimeType === 'application/pdf') return '📄';
  if (mimeType.startsWith('video/')) return '🎞';
  if (mimeType.startsWith('audio/')) return '🎵';
  return '📦';
}

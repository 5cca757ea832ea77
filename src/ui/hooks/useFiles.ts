import { useCallback, useRef, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import { CHUNK_ID_PREFIX, FILE_ID_PREFIX, type AddProgress, type FileEntry } from '../../domain/file';
import { FileError } from '../../storage/files';
import { useLiveList } from './useLiveList';

const isFileOrChunk = (docId: string) => docId.startsWith(FILE_ID_PREFIX) || docId.startsWith(CHUNK_ID_PREFIX);

/**
 * Every file, newest first, with how much of each is on this device, kept
 * live as files and their chunks are written here or arrive from peers.
 */
export function useFiles(): { files: FileEntry[]; isLoading: boolean; error?: Error } {
  const { files: store } = useServices();
  const load = useCallback(() => store.list(), [store]);
  // Chunks of a large file arrive one by one: reload once per burst, not per chunk.
  const { items, isLoading, error } = useLiveList(load, isFileOrChunk, 100);
  return { files: items, isLoading, ...(error ? { error } : {}) };
}

/** One file being added, as shown while it is hashed and written. */
export interface Upload {
  key: number;
  name: string;
  progress: AddProgress;
  state: 'waiting' | 'adding' | 'done' | 'failed';
  error?: string;
}

/**
 * Adds files one after the other (so only one chunk is ever in memory) and
 * reports each one's progress.
 * @param makeThumbnail makes the small JPEG stored with an image; may return undefined.
 */
export function useFileUploads(makeThumbnail: (file: File) => Promise<Blob | undefined>) {
  const { files: store, logger } = useServices();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const nextKey = useRef(0);

  const patch = useCallback((key: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = useCallback(
    (picked: readonly File[], folder: string) => {
      for (const file of picked) {
        const key = ++nextKey.current;
        const progress = { bytesHashed: 0, bytesWritten: 0, total: file.size };
        setUploads((list) => [...list, { key, name: file.name, progress, state: 'waiting' }]);
        const run = async () => {
          patch(key, { state: 'adding' });
          const thumbnail = await makeThumbnail(file).catch(() => undefined);
          await store.add({ file, folder, ...(thumbnail ? { thumbnail } : {}), onProgress: (p) => patch(key, { progress: p }) });
          patch(key, { state: 'done' });
        };
        queue.current = queue.current.then(run).catch((err: unknown) => {
          const message = err instanceof FileError ? err.message : `Adding “${file.name}” failed: ${String(err)}`;
          if (!(err instanceof FileError)) logger.error('adding a file failed', String(err));
          patch(key, { state: 'failed', error: message });
        });
      }
    },
    [logger, makeThumbnail, patch, store],
  );

  /** Forgets finished and failed uploads. */
  const clear = useCallback(() => setUploads((list) => list.filter((u) => u.state === 'waiting' || u.state === 'adding')), []);

  return { uploads, add, clear };
}

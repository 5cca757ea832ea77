import { useResource } from './useResource';

/** What loading a Blob for display came to: no URL when there is no Blob. */
export type BlobUrlState = { state: 'loading' } | { state: 'none' } | { state: 'ready'; url: string } | { state: 'failed'; error: string };

/**
 * An object URL for a Blob loaded by `load`, revoked when `key` changes or
 * the component goes away, so previews never leak the file's memory.
 * @param key identifies what to load; a new key loads again.
 */
export function useBlobUrl(key: string, load: () => Promise<Blob | undefined>): BlobUrlState {
  const loaded = useResource(
    key,
    async () => {
      const blob = await load();
      return blob ? URL.createObjectURL(blob) : undefined;
    },
    (url) => url && URL.revokeObjectURL(url),
  );
  if (loaded.state !== 'ready') return loaded;
  return loaded.value ? { state: 'ready', url: loaded.value } : { state: 'none' };
}

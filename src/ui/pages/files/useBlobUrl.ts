import { useEffect, useState } from 'react';

/** What loading a Blob for display came to. */
export type BlobUrlState = { state: 'loading' } | { state: 'none' } | { state: 'ready'; url: string } | { state: 'failed'; error: string };

/**
 * An object URL for a Blob loaded by `load`, revoked when `key` changes or
 * the component goes away, so previews never leak the file's memory.
 * @param key identifies what to load; a new key loads again.
 */
export function useBlobUrl(key: string, load: () => Promise<Blob | undefined>): BlobUrlState {
  const [state, setState] = useState<BlobUrlState & { key?: string }>({ state: 'loading' });
  useEffect(() => {
    let url: string | undefined;
    let isCurrent = true;
    load()
      .then((blob) => {
        if (!isCurrent) return;
        if (!blob) return setState({ state: 'none', key });
        url = URL.createObjectURL(blob);
        setState({ state: 'ready', url, key });
      })
      .catch((err: unknown) => {
        if (isCurrent) setState({ state: 'failed', error: err instanceof Error ? err.message : String(err), key });
      });
    return () => {
      isCurrent = false;
      if (url) URL.revokeObjectURL(url);
    };
    // `load` is recreated on every render; `key` says when it means something new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state.key === key ? state : { state: 'loading' };
}

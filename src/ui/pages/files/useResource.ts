import { useEffect, useState } from 'react';

/** What loading something for display came to. */
export type ResourceState<T> = { state: 'loading' } | { state: 'failed'; error: string } | { state: 'ready'; value: T };

/**
 * Loads what `key` names and releases it (an object URL, say) when the key
 * changes or the component goes away, also when it arrives after that.
 * @param key identifies what to load; a new key loads again.
 * @param load recreated on every render; `key` says when it means something new.
 */
export function useResource<T>(key: string, load: () => Promise<T>, release: (value: T) => void): ResourceState<T> {
  const [state, setState] = useState<ResourceState<T> & { key?: string }>({ state: 'loading' });
  useEffect(() => {
    let loaded: { value: T } | undefined;
    let isCurrent = true;
    load()
      .then((value) => {
        if (!isCurrent) return release(value);
        loaded = { value };
        setState({ state: 'ready', value, key });
      })
      .catch((err: unknown) => {
        if (isCurrent) setState({ state: 'failed', error: err instanceof Error ? err.message : String(err), key });
      });
    return () => {
      isCurrent = false;
      if (loaded) release(loaded.value);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state.key === key ? state : { state: 'loading' };
}

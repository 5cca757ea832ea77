import { useSyncExternalStore } from 'react';

/** The app's pages. Hash routes work offline and from any static host. */
export type Route = 'notes' | 'files' | 'conflicts' | 'peers' | 'settings' | 'join';

function current(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '');
  if (hash.startsWith('join?')) return 'join';
  return hash === 'peers' || hash === 'settings' || hash === 'conflicts' || hash === 'files' ? hash : 'notes';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The page shown now, following the address bar. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, current);
}

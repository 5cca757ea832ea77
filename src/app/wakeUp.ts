/**
 * The browser events that mean "this device just woke up", turned into one
 * call to the sync engine (SyncHost.wakeUp), so that a phone whose page was
 * in the background or a laptop that slept syncs at once instead of waiting
 * on dead connections and a retry timer up to 30 s away.
 */

/** What {@link listenForWakeUp} calls; SyncHost in the app. */
export interface Wakeable {
  wakeUp(): void;
}

/** The page objects whose events are listened to; the real window and document in the app. */
export interface WakeUpSources {
  window: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  document: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
}

/**
 * Events less than this apart are one waking: a resume, the page shown and
 * its pageshow come together, and each call would start the peers over again.
 */
const SAME_WAKING_MS = 1000;

/**
 * Calls `sync.wakeUp()` when the page becomes visible, is restored from the
 * back/forward cache (`pageshow`), resumes after being frozen (Page
 * Lifecycle `resume`), or the browser goes back online.
 * @remarks `online` always wakes: the network may return a moment after the
 * page was shown, when the peers just failed to answer. Returns a function
 * that stops listening.
 */
export function listenForWakeUp(
  sync: Wakeable,
  sources: WakeUpSources = { window, document },
  now: () => number = () => Date.now(),
): () => void {
  let lastWake = -Infinity;
  const wake = (isAlways: boolean) => {
    if (!isAlways && now() - lastWake < SAME_WAKING_MS) return;
    lastWake = now();
    sync.wakeUp();
  };
  const onVisibility = () => {
    if (sources.document.visibilityState === 'visible') wake(false);
  };
  const onResume = () => wake(false);
  // Only a page restored from the back/forward cache: the first pageshow is the page loading.
  const onPageShow = (event: Event) => {
    if ((event as PageTransitionEvent).persisted) wake(false);
  };
  const onOnline = () => wake(true);
  sources.document.addEventListener('visibilitychange', onVisibility);
  sources.document.addEventListener('resume', onResume);
  sources.window.addEventListener('pageshow', onPageShow);
  sources.window.addEventListener('online', onOnline);
  return () => {
    sources.document.removeEventListener('visibilitychange', onVisibility);
    sources.document.removeEventListener('resume', onResume);
    sources.window.removeEventListener('pageshow', onPageShow);
    sources.window.removeEventListener('online', onOnline);
  };
}

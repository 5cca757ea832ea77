import { Workbox } from 'workbox-window';

/** Tells the UI a new version is waiting, and applies it when the user says so. */
export interface AppUpdater {
  subscribe: (listener: () => void) => () => void;
  isUpdateAvailable: () => boolean;
  /**
   * Activates the waiting version and reloads once it controls the page;
   * with none waiting (no service worker, or none found yet), reloads.
   */
  applyUpdate: () => void;
  /** Asks the server for a new version now rather than at the next hourly look. */
  checkNow: () => void;
}

const HOUR = 60 * 60 * 1000;

/**
 * Registers the service worker (production builds only; there is none in dev).
 * @remarks Never reloads by itself: the reload happens only from
 * {@link AppUpdater.applyUpdate}, which the user triggers from the prompt.
 */
export function registerServiceWorker(): AppUpdater {
  const listeners = new Set<() => void>();
  let isWaiting = false;
  let workbox: Workbox | undefined;
  if (import.meta.env.PROD && 'serviceWorker' in navigator) {
    workbox = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    workbox.addEventListener('waiting', () => {
      isWaiting = true;
      for (const listener of listeners) listener();
    });
    workbox
      .register()
      .then((registration) => {
        // Installed apps can stay open for days; look for a new version hourly.
        setInterval(() => void registration?.update().catch(() => undefined), HOUR);
      })
      .catch(() => undefined);
  }
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isUpdateAvailable: () => isWaiting,
    applyUpdate: () => {
      if (!workbox || !isWaiting) return window.location.reload();
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    },
    checkNow: () => void workbox?.update().catch(() => undefined),
  };
}

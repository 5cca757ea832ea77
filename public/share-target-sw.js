// Web Share Target: receives files, text and links that the operating system
// shares to the installed app, and stages them in IndexedDB (database
// `p2pcloud-share`, store `shares`, one record per share under a fresh id)
// until the app has added them to PouchDB (src/pwa/shareTarget.ts reads and
// clears them). Loaded into the generated service worker with
// `workbox.importScripts` (vite.config.ts), so this listener is registered
// before Workbox's own and answers the share's POST, which Workbox's routes
// (GET only) would pass to the network. It never opens PouchDB.
(() => {
  /** Keep in step with SHARE_STAGING in src/pwa/shareTarget.ts (a unit test checks). */
  const STAGING = { dbName: 'p2pcloud-share', dbVersion: 1, store: 'shares', shareParam: 'share', errorParam: 'share-error' };

  /** The manifest's share_target action, resolved against this worker's scope. */
  const actionUrl = () => new URL('share-target', self.registration.scope).href;

  /**
   * What a share carried. Empty file parts (an empty file input sends one
   * with no name and no bytes) are not files anyone shared.
   */
  function sharedContent(form) {
    const str = (name) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const files = form.getAll('files').filter((f) => typeof f === 'object' && f !== null && !(f.size === 0 && f.name === ''));
    return { title: str('title'), text: str('text'), url: str('url'), files };
  }

  /** Where the app opens after a share: the Files view, told which share (or what went wrong). */
  function landingUrl(scope, param, value) {
    const url = new URL(scope);
    url.search = `?${new URLSearchParams({ [param]: value })}`;
    // The app routes by hash; the search part carries the share id past the router.
    url.hash = '#/files';
    return url.href;
  }

  function openStaging() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(STAGING.dbName, STAGING.dbVersion);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STAGING.store)) req.result.createObjectStore(STAGING.store, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('the share staging database is blocked by an open tab'));
    });
  }

  async function stage(record) {
    const db = await openStaging();
    try {
      await new Promise((resolve, reject) => {
        const tx = db.transaction(STAGING.store, 'readwrite');
        tx.objectStore(STAGING.store).put(record);
        // Resolve on complete, not on the request's success: only then is the share on disk.
        tx.oncomplete = () => resolve(undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('the staging transaction was aborted'));
      });
    } finally {
      db.close();
    }
  }

  async function receive(request) {
    const scope = self.registration.scope;
    const failed = (code) => Response.redirect(landingUrl(scope, STAGING.errorParam, code), 303);
    let content;
    try {
      content = sharedContent(await request.formData());
    } catch {
      return failed('unreadable');
    }
    if (!content.files.length && !content.title && !content.text && !content.url) return failed('empty');
    const id = self.crypto.randomUUID();
    try {
      await stage({ id, receivedAt: new Date().toISOString(), ...content });
    } catch (err) {
      return failed(err && err.name === 'QuotaExceededError' ? 'storage-full' : 'not-stored');
    }
    // 303: the browser follows with a GET, so a reload never re-posts the share.
    return Response.redirect(landingUrl(scope, STAGING.shareParam, id), 303);
  }

  self.addEventListener('fetch', (event) => {
    const { request } = event;
    if (request.method !== 'POST' || request.url.split(/[?#]/)[0] !== actionUrl()) return;
    event.respondWith(receive(request));
  });

  // For the unit test that keeps this script and the app in step; harmless in the worker.
  self.p2pcloudShareTarget = { STAGING, sharedContent, landingUrl };
})();

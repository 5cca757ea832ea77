import { lazy, type ComponentType } from 'react';

/**
 * A page loaded when first opened, that says so when its code cannot be
 * loaded, instead of taking the whole app down to the error screen.
 * @remarks The code of a page is a separate file with a hashed name. A tab
 * opened before p2pcloud was updated on the server asks for a file that is
 * gone; a tab offline before the service worker stored the files cannot
 * fetch it. Retrying in place does not help: a browser remembers a failed
 * module import and fails it again. Reloading does, and nothing written is
 * at stake: notes and files live in this device's database, not in the page.
 */
export function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  return lazy(async () => {
    try {
      return { default: await load() };
    } catch {
      return { default: PageLoadFailed };
    }
  });
}

function PageLoadFailed() {
  return (
    <section className="page-load-failed" role="alert">
      <h1>This page could not be loaded</h1>
      <p>
        p2pcloud may have been updated since this tab was opened, or this device is offline and had not stored this page
        yet. Reload to open it. Your notes and files are not affected: they are on this device.
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </section>
  );
}

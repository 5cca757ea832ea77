// Devices of the app bench: browser contexts running the built app, driven
// through its UI the way a person (and the e2e page models) would.
import { installProbes } from './appProbes.mjs';
import { CHROMIUM } from './chromium.mjs';

export { CHROMIUM };


/** Generous: a 50,000-note pull on 2 shared cores takes minutes. */
const SYNC_TIMEOUT_MS = 10 * 60_000;

/** Prepares a context as a device: probes in every page it opens. */
export async function asDevice(context) {
  await context.addInitScript(installProbes);
  return context;
}

/** Opens the app at `route` in a new page of the device and waits for its shell. */
export async function openApp(context, origin, route) {
  const page = await context.newPage();
  await page.goto(`${origin}/#/${route}`);
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  return page;
}

/** Adds a peer on the Peers page and waits until this device is up to date with every peer. */
export async function addPeer(page, target, timeout = SYNC_TIMEOUT_MS) {
  await addPeerForm(page, target);
  // The peer's own badge, as the e2e page model waits: the header's summary
  // also counts peers learnt from the mesh that this device cannot use.
  const state = page.getByRole('listitem', { name: target.url }).getByTestId('peer-state');
  await state
    .filter({ hasText: /^Up to date$/ })
    .waitFor({ timeout })
    .catch(async (err) => {
      throw new Error(`peer ${target.url} still "${await state.textContent()}"`, { cause: err });
    });
}

async function addPeerForm(page, target) {
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  const form = page.getByRole('form', { name: 'Add a peer' });
  await form.getByLabel('Database URL').fill(target.url);
  await form.getByLabel('User name').fill(target.username);
  await form.getByLabel('Password').fill(target.password);
  await form.getByRole('button', { name: 'Add peer' }).click();
  await page.getByRole('status').filter({ hasText: 'Syncing starts now' }).waitFor();
}

/** Goes to Notes through the navigation and waits for the page. */
export async function gotoNotes(page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await page.getByRole('button', { name: 'New note' }).waitFor();
}

/**
 * Waits until the service worker is active: the app shell is precached, so
 * the next page opened starts offline (the app does not claim open pages).
 */
export async function serviceWorkerReady(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** JS heap in use after a full garbage collection, in bytes (CDP). */
export async function heapAfterGc(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  } finally {
    await cdp.detach();
  }
}

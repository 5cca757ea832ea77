// Every end-to-end test imports `test` and `expect` from here. Fixtures start
// the real parts: the built app on a loopback port, and CouchDB-protocol peers
// with authentication on. Each test gets a fresh browser context (a fresh
// device: its own IndexedDB and service worker).
import { test as base, expect } from '@playwright/test';
import { resolve } from 'node:path';
import { startStaticServer, type StaticServer } from '../../scripts/lib/staticServer.mjs';
import { startTestPeer, type PeerServer } from '../support/peers';
import { Device } from './page-models/Device';
import { watchContext } from './pageFaults';

export { MEMBER, ADMIN } from '../support/peers';

interface Fixtures {
  /** Starts a peer; stopped after the test. */
  startPeer: (options?: Parameters<typeof startTestPeer>[0]) => Promise<PeerServer>;
  /**
   * Faults of the test's own context: uncaught errors, rejections nobody
   * handled, Content-Security-Policy violations (see ./pageFaults.ts).
   * Asserted empty after every test.
   */
  pageErrors: string[];
  /**
   * Opens another device (its own browser context: own IndexedDB, own
   * service worker) with the given name; closed after the test, and its
   * uncaught errors count as the test's.
   */
  openDevice: (name: string) => Promise<Device>;
}

/**
 * The built app the tests serve: dist/, or APP_DIST (a build of its own, so
 * a rebuild of dist/ meanwhile cannot pull files from under a running suite).
 */
export const APP_ROOT = resolve(process.env['APP_DIST'] ?? 'dist');

interface WorkerFixtures {
  app: StaticServer;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  app: [
    async ({}, use) => {
      const server = await startStaticServer({ root: APP_ROOT });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ app }, use) => use(app.origin),
  startPeer: async ({}, use) => {
    const started: PeerServer[] = [];
    await use(async (options) => {
      const peer = await startTestPeer(options);
      started.push(peer);
      return peer;
    });
    await Promise.all(started.map((p) => p.close()));
  },
  openDevice: async ({ browser, app, pageErrors }, use) => {
    const opened: Device[] = [];
    await use(async (name) => {
      const device = await Device.open(browser, app.origin, name, pageErrors);
      opened.push(device);
      return device;
    });
    await Promise.all(opened.map((d) => d.close()));
  },
  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      watchContext(context, errors);
      await use(errors);
      // No error, and no unhandled promise rejection, may escape the app.
      expect(errors).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

// Sync engines and test peers for Node-side tests, each stopped after its test.
import { afterEach } from 'vitest';
import { silentLogger } from '../../src/sync/common/logger';
import { SyncEngine, type SyncEngineDeps } from '../../src/sync/engine/SyncEngine';
import { memoryProgress, openRemote } from './nodePouch';
import { startTestPeer, type PeerServer } from './peers';

/**
 * Call once at the top of a test file. `engineFor` starts an engine on a
 * local database (real peers, a 50 ms backoff unless `deps` say otherwise),
 * `peer` a test peer; both are stopped after each test, with anything pushed
 * on `cleanup`, last first.
 */
export function engineHarness() {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return {
    cleanup,
    peer: async (options?: Parameters<typeof startTestPeer>[0]): Promise<PeerServer> => {
      const server = await startTestPeer(options);
      cleanup.push(() => server.close());
      return server;
    },
    engineFor: (localDb: PouchDB.Database, deps: Partial<SyncEngineDeps> = {}): SyncEngine => {
      const engine = new SyncEngine({ localDb, openRemote, progress: memoryProgress(), logger: silentLogger, backOff: () => 50, ...deps });
      engine.start();
      cleanup.push(() => engine.stop());
      return engine;
    },
  };
}

// The files round trip of issue #4, device by device: a file picked on device
// A is added through the app's FilesStore and pushed to the peer by the
// SyncEngine; on device B (another browser profile, its own IndexedDB) the
// engine pulls it and FilesStore reads it back. scripts/bench/files.mjs
// drives both devices and samples their memory from outside.
import PouchDB from 'pouchdb-browser';
import { Sha256, chunkIdFor, type FileId } from '../../../src/domain/file';
import { FilesStore } from '../../../src/storage/files';
import { remoteOf, startEngine, type Target } from './engine';

/** The app's database name does not matter here: each device is its own browser profile. */
const DB_NAME = 'files-bench-device';

const device = () => new PouchDB(DB_NAME, { auto_compaction: false });

const store = (db: PouchDB.Database) =>
  new FilesStore(db, {
    deviceName: () => 'bench device',
    ...(navigator.storage?.estimate ? { estimate: () => navigator.storage.estimate() } : {}),
  });

/** The longest main-thread task seen since the page loaded (issue #4: none over 200 ms during a transfer). */
let longestTask = 0;
if (PerformanceObserver.supportedEntryTypes.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestTask = Math.max(longestTask, entry.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/** Milliseconds a step took and the longest task during it. */
async function step<T>(work: () => Promise<T>): Promise<T & { ms: number; longestTaskMs: number }> {
  longestTask = 0;
  const start = performance.now();
  const result = await work();
  return { ...result, ms: performance.now() - start, longestTaskMs: longestTask };
}

/** True once `db` has the file document and every chunk document it lists. */
async function holdsFile(db: PouchDB.Database, id: FileId, chunks: readonly string[]): Promise<boolean> {
  const keys = [id, ...[...new Set(chunks)].map(chunkIdFor)];
  const res = await db.allDocs({ keys });
  return res.rows.every((row) => 'value' in row && !row.value.deleted);
}

export const filesBench = {
  /** Device A: adds the file chosen in `#file` (set by the driver), as the Files page does. */
  filesAdd: () =>
    step(async () => {
      const input = document.querySelector<HTMLInputElement>('#file');
      const file = input?.files?.[0];
      if (!file) throw new Error('no file chosen');
      const added = await store(device()).add({ file });
      return { id: added.id, chunks: added.chunks, size: added.size, sha256: added.sha256 };
    }),

  /** Device A: syncs with the peer until the peer holds the file and all its chunks. */
  filesPush: (t: Target, id: FileId, chunks: string[]) =>
    step(async () => {
      const stop = await startEngine(device(), t, () => holdsFile(remoteOf(t), id, chunks));
      stop();
      return {};
    }),

  /** Device B: syncs with the peer until the file is complete here. */
  filesPull: (t: Target, id: FileId) =>
    step(async () => {
      const files = store(device());
      const stop = await startEngine(device(), t, async () => !!(await files.get(id))?.isComplete);
      stop();
      return {};
    }),

  /**
   * Device B: reads the file back through FilesStore (which checks it against
   * its recorded SHA-256) and hashes what it got, for the driver to compare
   * with the SHA-256 of the file it picked on device A.
   */
  filesVerify: (id: FileId) =>
    step(async () => {
      const blob = await store(device()).read(id);
      const hash = new Sha256();
      const piece = 4 * 1024 * 1024;
      for (let at = 0; at < blob.size; at += piece) {
        hash.update(new Uint8Array(await blob.slice(at, at + piece).arrayBuffer()));
      }
      return { sha256: hash.hex(), size: blob.size };
    }),
};

// How many of a peer's changes this device has not stored yet: what a full device shows it is missing.
import { readCheckpoint, replicationId } from '../catchUp/fastCheckpoint';

/** Counting stops here: past it the app says "at least". */
export const WAITING_COUNT_LIMIT = 10_000;

/** A count of the peer's changes not stored here; `isAtLeast` when there may be more. */
export interface WaitingCount {
  count: number;
  isAtLeast: boolean;
}

/**
 * Counts the changes in the peer's feed after the pull checkpoint (the same
 * one PouchDB and the catch-up resume from), design documents left out as
 * the pull leaves them (remote/designDocs.ts).
 * @remarks Only asked while this device is full, so one request of ids is
 * cheap next to the batches the pull could not store.
 */
export async function countWaiting(localDb: PouchDB.Database, remoteDb: PouchDB.Database): Promise<WaitingCount> {
  const since = await readCheckpoint(remoteDb, localDb, await replicationId(remoteDb, localDb));
  const res = await remoteDb.changes({ since, limit: WAITING_COUNT_LIMIT });
  const count = res.results.filter((change) => !change.id.startsWith('_design/')).length;
  return { count, isAtLeast: res.results.length >= WAITING_COUNT_LIMIT };
}

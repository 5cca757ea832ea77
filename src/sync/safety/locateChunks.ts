// Which peers hold the pieces of a file, for the Files page's transfer status.
import type { PeerId } from '../../domain/ids';
import { CHUNK_ID_PREFIX } from '../../domain/file';
import { describeError } from '../common/errors';

/** How much of a set of chunks one peer holds, or why it could not say. */
export interface ChunkHolding {
  peerId: PeerId;
  /** How many of the asked chunks the peer has (its latest revision is not a deletion). */
  present: number;
  total: number;
  /** Set when the peer did not answer (away, refused the login...). */
  error?: string;
}

/**
 * Asks every peer which of `hashes` it holds, one `_all_docs?keys=` request
 * per peer and at most 200 keys each: to tell a person where the rest of an
 * incomplete file is. Reads only; answers in the order of `peers`.
 */
export async function locateChunks(
  peers: readonly { id: PeerId; db: PouchDB.Database }[],
  hashes: readonly string[],
): Promise<ChunkHolding[]> {
  const keys = [...new Set(hashes)].map((hash) => `${CHUNK_ID_PREFIX}${hash}`);
  return Promise.all(
    peers.map(async ({ id, db }): Promise<ChunkHolding> => {
      try {
        let present = 0;
        for (let i = 0; i < keys.length; i += 200) {
          const res = await db.allDocs({ keys: keys.slice(i, i + 200) });
          for (const row of res.rows) {
            if ('value' in row && row.value && !row.value.deleted) present += 1;
          }
        }
        return { peerId: id, present, total: keys.length };
      } catch (err) {
        return { peerId: id, present: 0, total: keys.length, error: describeError(err) };
      }
    }),
  );
}

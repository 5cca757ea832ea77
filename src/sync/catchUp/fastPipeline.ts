/** How many batches are fetched ahead of the one being written. */
const AHEAD = 2;

/**
 * Writes batches while the next ones are being fetched, so that the
 * source's requests overlap the target's writes (fastReplicate.ts).
 * @param batches fetches a batch per `next()`; asking ahead starts the fetch early.
 * @param write writes one batch; resolves false when it was the last one.
 * @returns false when cancelled before the end.
 * @throws the first error of a fetch or a write; batches fetched ahead are dropped.
 */
export async function writeWhileFetching<T>(
  batches: AsyncIterator<T>,
  isCancelled: () => boolean,
  write: (batch: T) => Promise<boolean>,
): Promise<boolean> {
  const ahead: Array<Promise<IteratorResult<T>>> = [];
  for (;;) {
    while (ahead.length < AHEAD) {
      const next = batches.next();
      // A rejection is seen when this is awaited below; this only keeps an abandoned one quiet.
      next.catch(() => undefined);
      ahead.push(next);
    }
    const next = await ahead.shift();
    if (!next || next.done) return !isCancelled();
    if (isCancelled()) return false;
    if (!(await write(next.value))) return true;
  }
}

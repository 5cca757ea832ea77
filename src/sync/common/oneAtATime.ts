// One run of some work at a time: a call made while a run is on its way gets
// that run's promise, so a burst of triggers costs one pass (retrying the
// documents a peer refused or that did not open, say).

/**
 * Wraps `work` so that it runs one call at a time; calls made meanwhile join
 * the run on its way (with its arguments, not theirs), and the next call
 * after it settles starts a new one.
 */
export function oneAtATime<A extends unknown[]>(work: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running: Promise<void> | undefined;
  return (...args) =>
    (running ??= work(...args).finally(() => {
      running = undefined;
    }));
}

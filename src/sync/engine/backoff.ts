/** Options for {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay after a failure, in ms. */
  initialMs?: number;
  /** The cap: a peer that has been away for hours is still tried this often. */
  maxMs?: number;
  /** Source of randomness in [0, 1), injectable for tests. */
  random?: () => number;
}

/**
 * A capped, jittered exponential backoff in the shape PouchDB's
 * `back_off_function` expects: given the previous delay, return the next.
 * @remarks Jitter keeps a household of devices from hammering a Raspberry Pi
 * in lockstep when it comes back.
 */
export function createBackoff(options: BackoffOptions = {}): (previousMs: number) => number {
  const initial = options.initialMs ?? 1000;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  return (previousMs) => {
    const base = previousMs <= 0 ? initial : Math.min(previousMs * 2, max);
    // Full jitter between half and all of the base delay.
    return Math.round(Math.min(max, base * (0.5 + random() * 0.5)));
  };
}

// Long loops of small async steps (thousands of notes, a zip's directory)
// run as one task when every step is a microtask: the page neither renders
// nor takes input until the loop ends. A breather lets them give the page a
// turn every few milliseconds.

/** Longest stretch of work before the page gets to render and take input. */
const SLICE_MS = 12;

/** Tells a loop when it has run long enough, and pauses it for one turn of the event loop. */
export interface Breather {
  isDue(): boolean;
  pause(): Promise<void>;
  /** Pauses only when due. */
  maybePause(): Promise<void>;
}

/** A {@link Breather} giving the page a turn every `sliceMs`. */
export function breather(sliceMs = SLICE_MS): Breather {
  let since = performance.now();
  const isDue = () => performance.now() - since > sliceMs;
  const pause = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    since = performance.now();
  };
  return { isDue, pause, maybePause: () => (isDue() ? pause() : Promise.resolve()) };
}

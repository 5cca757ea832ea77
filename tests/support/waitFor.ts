/**
 * Resolves once `check` returns a truthy value, re-checking whenever `subscribe`
 * reports a change (and on a short poll for state that has no event, such as a
 * remote database). Fails with `what` after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; subscribe?: (listener: () => void) => () => void } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let wake: () => void = () => undefined;
  const unsubscribe = options.subscribe?.(() => wake());
  try {
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  } finally {
    unsubscribe?.();
  }
}

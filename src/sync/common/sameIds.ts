/**
 * True when both lists hold the same ids in the same order (at once when
 * they are the same array). The engine, the host and the safety tracker
 * use it to hand on the previous array when nothing changed, so that React
 * and the other tabs are not given a new list of thousands of ids for nothing.
 */
export function sameIds(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a === b || (a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]));
}

/** One line of a line-based diff between an old text `a` and a new text `b`. */
export type DiffOp = { kind: 'same' | 'removed' | 'added'; text: string };

type Edit = 'same' | 'removed' | 'added';

/**
 * Past this many edits a search stops and restarts from the furthest point it
 * reached: Myers keeps O(D²) numbers to walk its path back, and once two versions
 * differ this much a perfectly minimal diff no longer helps anyone read them.
 */
const MAX_EDIT_DISTANCE = 1000;

/**
 * Line-based diff of two texts, split on `'\n'`.
 * @remarks
 * Keeping the `same` and `removed` lines in order gives back `a`; keeping the
 * `same` and `added` lines gives back `b`. The diff is minimal (a longest common
 * subsequence of lines) unless the texts differ by more than
 * {@link MAX_EDIT_DISTANCE} lines, where it stays valid but may be longer.
 * Within each changed block the removed lines come before the added ones.
 */
export function lineDiff(a: string, b: string): DiffOp[] {
  return diffLines(a.split('\n'), b.split('\n'));
}

/**
 * {@link lineDiff} for texts that are already split into lines.
 * @remarks Same guarantees as {@link lineDiff}; the inputs are not modified.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  // Edits to notes are local, so trimming the shared ends usually leaves a tiny
  // middle for the quadratic part.
  const shorter = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;

  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const ops: DiffOp[] = [];
  for (let i = 0; i < prefix; i++) ops.push({ kind: 'same', text: a[i] ?? '' });
  appendEdits(ops, midA, midB, shortestEdit(midA, midB));
  for (let i = a.length - suffix; i < a.length; i++) ops.push({ kind: 'same', text: a[i] ?? '' });
  return ops;
}

/** Turns an edit script into ops, putting each block's removals before its additions. */
function appendEdits(ops: DiffOp[], a: readonly string[], b: readonly string[], edits: readonly Edit[]): void {
  let x = 0;
  let y = 0;
  let added: DiffOp[] = [];
  for (const edit of edits) {
    if (edit === 'removed') {
      ops.push({ kind: 'removed', text: a[x++] ?? '' });
      continue;
    }
    if (edit === 'added') {
      added.push({ kind: 'added', text: b[y++] ?? '' });
      continue;
    }
    for (const op of added) ops.push(op);
    added = [];
    ops.push({ kind: 'same', text: a[x] ?? '' });
    x++;
    y++;
  }
  for (const op of added) ops.push(op);
}

/** Maps equal lines to equal numbers so the search compares integers, not strings. */
function intern(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const toIds = (lines: readonly string[]): Int32Array =>
    Int32Array.from(lines, (line) => {
      let id = ids.get(line);
      if (id === undefined) {
        id = ids.size;
        ids.set(line, id);
      }
      return id;
    });
  return [toIds(a), toIds(b)];
}

/**
 * Shortest edit script turning `linesA` into `linesB`, found in bounded stretches:
 * when a search hits the limit, the best path so far is kept and the rest is
 * searched afresh, so memory stays bounded and the result stays close to minimal.
 */
function shortestEdit(linesA: readonly string[], linesB: readonly string[]): Edit[] {
  const [a, b] = intern(linesA, linesB);
  const edits: Edit[] = [];
  let x = 0;
  let y = 0;
  for (;;) {
    const stretch = boundedSearch(a.subarray(x), b.subarray(y));
    for (const edit of stretch.edits) edits.push(edit);
    if (stretch.done) return edits;
    x += stretch.x;
    y += stretch.y;
  }
}

interface Stretch {
  edits: Edit[];
  /** Where the edits end, in lines of a and b; only meaningful when not `done`. */
  x: number;
  y: number;
  done: boolean;
}

/**
 * Myers' greedy O(ND) search, stopped after {@link MAX_EDIT_DISTANCE} rounds.
 * `v[k]` holds the furthest x reached on diagonal k = x − y; a copy of it is kept
 * after every round so the path can be walked back.
 */
function boundedSearch(a: Int32Array, b: Int32Array): Stretch {
  const n = a.length;
  const m = b.length;
  const maxD = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxD; d++) {
    for (let k = -d; k <= d; k += 2) {
      // Come down from diagonal k+1 (an addition) or right from k−1 (a removal),
      // whichever got further; diagonals of the other parity are untouched this round.
      const down = k === -d || (k !== d && at(v, offset + k - 1) < at(v, offset + k + 1));
      let x = down ? at(v, offset + k + 1) : at(v, offset + k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return { edits: walkBack(trace, d, n, m), x: n, y: m, done: true };
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  return stopAtFurthest(trace, maxD, n, m);
}

/** Ends a search that hit the limit at the in-range point that got furthest. */
function stopAtFurthest(trace: readonly Int32Array[], d: number, n: number, m: number): Stretch {
  const last = trace[d] ?? new Int32Array(0);
  let best = { x: 0, y: 0 };
  for (let k = -d; k <= d; k += 2) {
    const x = at(last, k + d);
    const y = x - k;
    // Points past either end are artefacts of the search, not real alignments.
    if (x <= n && y <= m && x + y > best.x + best.y) best = { x, y };
  }
  if (best.x + best.y > 0) return { edits: walkBack(trace, d, best.x, best.y), ...best, done: false };
  // No progress is possible this way; replacing everything still gives a valid diff.
  const edits = [...Array<Edit>(n).fill('removed'), ...Array<Edit>(m).fill('added')];
  return { edits, x: n, y: m, done: true };
}

/** Rebuilds, from the saved rounds, the path that reached (x, y) in round `dEnd`. */
function walkBack(trace: readonly Int32Array[], dEnd: number, xEnd: number, yEnd: number): Edit[] {
  const reversed: Edit[] = [];
  let x = xEnd;
  let y = yEnd;
  for (let d = dEnd; d > 0; d--) {
    const prev = trace[d - 1] ?? new Int32Array(0);
    // `prev` covers diagonals −(d−1)…d−1, stored from index 0.
    const k = x - y;
    const down = k === -d || (k !== d && at(prev, k - 1 + d - 1) < at(prev, k + 1 + d - 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prev, prevK + d - 1);
    const snakeStart = down ? prevX : prevX + 1;
    for (; x > snakeStart; x--, y--) reversed.push('same');
    reversed.push(down ? 'added' : 'removed');
    x = prevX;
    y = prevX - prevK;
  }
  for (; x > 0; x--) reversed.push('same');
  return reversed.reverse();
}

function at(array: Int32Array, index: number): number {
  return array[index] ?? 0;
}

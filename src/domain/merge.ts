import { diffLines } from './lineDiff';

/** One version of a note taking part in a merge. */
export interface Side {
  text: string;
  /** Shown in conflict markers, e.g. "Pixel 8, 25 Nov 14:02". */
  label: string;
}

/**
 * Outcome of {@link mergeText}.
 * @remarks When `isClean` is false, `text` holds conflict markers that the user
 * still has to resolve.
 */
export type MergeResult = { isClean: true; text: string } | { isClean: false; text: string };

/** Base lines `start…end` (end exclusive) that one side replaced by `lines`. */
interface Hunk {
  start: number;
  end: number;
  lines: string[];
  /** 0 for the canonically first side, 1 for the other. */
  side: 0 | 1;
}

/** Hunks from both sides that touch the same base lines and are settled together. */
interface Group {
  start: number;
  end: number;
  hunks: Hunk[];
}

/**
 * Line-based three-way merge of two versions of a note.
 * @remarks
 * - With a `base`: a change made by one side only is taken, the same change
 *   made by both is taken once, and different changes to the same base lines
 *   become a conflict hunk between `<<<<<<< label`, `=======` and `>>>>>>> label`.
 * - Without a base: equal texts merge cleanly; otherwise both whole texts are
 *   put between markers (a newline ending both stays after the markers).
 * - Symmetric: swapping `a` and `b` gives exactly the same result, markers
 *   included, so two devices settling one conflict end with one document.
 * - Never discards text: every line of `a` or `b` that is not in `base` appears
 *   in the result.
 */
export function mergeText(base: string | undefined, a: Side, b: Side): MergeResult {
  const [first, second] = canonicalOrder(a, b);
  if (first.text === second.text) return { isClean: true, text: first.text };
  if (base === undefined) return wholeConflict(first, second);
  if (first.text === base) return { isClean: true, text: second.text };
  if (second.text === base) return { isClean: true, text: first.text };

  const baseLines = base.split('\n');
  const hunks = [
    ...hunksOf(baseLines, first.text.split('\n'), 0),
    ...hunksOf(baseLines, second.text.split('\n'), 1),
  ].sort((x, y) => x.start - y.start || x.end - y.end || x.side - y.side);

  const out: string[] = [];
  let isClean = true;
  let pos = 0;
  for (const group of groupHunks(hunks)) {
    pushAll(out, baseLines, pos, group.start);
    isClean = settleGroup(out, baseLines, group, first.label, second.label) && isClean;
    pos = group.end;
  }
  pushAll(out, baseLines, pos, baseLines.length);
  const text = out.join('\n');
  return isClean ? { isClean: true, text } : { isClean: false, text };
}

/**
 * Merges a single-line title.
 * @remarks If one side kept the base title, the other side's title wins; if
 * both agree, that title. Otherwise both non-empty titles are kept, in code-unit
 * order joined with " / ", so the result does not depend on the argument order.
 */
export function mergeTitles(base: string | undefined, a: string, b: string): string {
  if (a === b) return a;
  if (base !== undefined && a === base) return b;
  if (base !== undefined && b === base) return a;
  return [a, b]
    .filter((title) => title.trim() !== '')
    .sort(compareCodeUnits)
    .join(' / ');
}

/**
 * Puts the sides in a fixed order so the merge cannot depend on which device
 * calls it. Code-unit comparison, not localeCompare: devices may differ in locale.
 */
function canonicalOrder(a: Side, b: Side): [Side, Side] {
  const order = compareCodeUnits(a.text, b.text) || compareCodeUnits(a.label, b.label);
  return order <= 0 ? [a, b] : [b, a];
}

function compareCodeUnits(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The changed blocks of `side` relative to `base`, in base order. */
function hunksOf(base: readonly string[], side: readonly string[], tag: 0 | 1): Hunk[] {
  const hunks: Hunk[] = [];
  let pos = 0;
  let open: Hunk | undefined;
  for (const op of diffLines(base, side)) {
    if (op.kind === 'same') {
      open = undefined;
      pos++;
      continue;
    }
    if (!open) {
      open = { start: pos, end: pos, lines: [], side: tag };
      hunks.push(open);
    }
    if (op.kind === 'removed') open.end = ++pos;
    else open.lines.push(op.text);
  }
  return hunks;
}

/**
 * Groups hunks (sorted by position) that must be settled together.
 * @remarks Hunks of one side never touch each other, since a diff separates its
 * blocks by at least one unchanged line. Hunks of different sides go together
 * when their base ranges overlap, or when both insert at the same place, since
 * then no order between the insertions is right. An insertion right before or
 * after a change of the other side has one natural place and stays apart.
 */
function groupHunks(hunks: readonly Hunk[]): Group[] {
  const groups: Group[] = [];
  for (const hunk of hunks) {
    const last = groups.at(-1);
    const bothInsertHere =
      last !== undefined && last.start === last.end && hunk.start === hunk.end && hunk.start === last.start;
    if (last && (hunk.start < last.end || bothInsertHere)) {
      last.hunks.push(hunk);
      last.end = Math.max(last.end, hunk.end);
    } else {
      groups.push({ start: hunk.start, end: hunk.end, hunks: [hunk] });
    }
  }
  return groups;
}

/** Writes the merged lines of one group; returns false when it had to write a conflict. */
function settleGroup(out: string[], base: readonly string[], group: Group, label0: string, label1: string): boolean {
  const ofFirst = group.hunks.filter((hunk) => hunk.side === 0);
  const ofSecond = group.hunks.filter((hunk) => hunk.side === 1);
  const first = applyHunks(base, ofFirst, group.start, group.end);
  const second = applyHunks(base, ofSecond, group.start, group.end);
  if (ofSecond.length === 0 || sameLines(first, second)) {
    pushAll(out, first, 0, first.length);
    return true;
  }
  if (ofFirst.length === 0) {
    pushAll(out, second, 0, second.length);
    return true;
  }
  pushConflict(out, first, second, label0, label1);
  return false;
}

/** One side's version of base lines `start…end`, given its hunks inside that range. */
function applyHunks(base: readonly string[], hunks: readonly Hunk[], start: number, end: number): string[] {
  const lines: string[] = [];
  let pos = start;
  for (const hunk of hunks) {
    pushAll(lines, base, pos, hunk.start);
    pushAll(lines, hunk.lines, 0, hunk.lines.length);
    pos = hunk.end;
  }
  pushAll(lines, base, pos, end);
  return lines;
}

/**
 * Writes a conflict hunk. Lines both versions share at either end are written
 * once, outside the markers, so the user only compares what really differs.
 */
function pushConflict(out: string[], x: readonly string[], y: readonly string[], labelX: string, labelY: string): void {
  const shorter = Math.min(x.length, y.length);
  let prefix = 0;
  while (prefix < shorter && x[prefix] === y[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && x[x.length - 1 - suffix] === y[y.length - 1 - suffix]) suffix++;
  pushAll(out, x, 0, prefix);
  out.push(`<<<<<<< ${oneLine(labelX)}`);
  pushAll(out, x, prefix, x.length - suffix);
  out.push('=======');
  pushAll(out, y, prefix, y.length - suffix);
  out.push(`>>>>>>> ${oneLine(labelY)}`);
  pushAll(out, x, x.length - suffix, x.length);
}

/** Both whole texts between markers, for versions that share no known ancestor. */
function wholeConflict(first: Side, second: Side): MergeResult {
  // A final newline on both is kept outside so the markers sit on their own lines.
  const shareFinalNewline = first.text.endsWith('\n') && second.text.endsWith('\n');
  const trim = (text: string): string => (shareFinalNewline ? text.slice(0, -1) : text);
  const out: string[] = [];
  // Each text goes in as one "line": the texts differ, so nothing is trimmed from them.
  pushConflict(out, [trim(first.text)], [trim(second.text)], first.label, second.label);
  return { isClean: false, text: out.join('\n') + (shareFinalNewline ? '\n' : '') };
}

/** A label with a line break would break the marker line apart. */
function oneLine(label: string): string {
  return label.replace(/[\r\n]+/g, ' ');
}

function sameLines(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((line, i) => line === y[i]);
}

/** Appends `from[start…end)`; loops rather than spreading, which overflows the stack on big notes. */
function pushAll(out: string[], from: readonly string[], start: number, end: number): void {
  for (let i = start; i < end; i++) out.push(from[i] ?? '');
}

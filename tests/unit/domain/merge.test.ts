import { describe, expect, it } from 'vitest';
import { lineDiff, type DiffOp } from '../../../src/domain/lineDiff';
import { mergeText, mergeTitles, type MergeResult } from '../../../src/domain/merge';

const A = 'Pixel 8, 25 Nov 14:02';
const B = 'Laptop, 25 Nov 14:05';
const side = (text: string, label: string) => ({ text, label });
const lines = (...l: string[]) => l.join('\n');
const clean = (text: string): MergeResult => ({ isClean: true, text });
const conflict = (text: string): MergeResult => ({ isClean: false, text });

describe('mergeText', () => {
  // [case, base, text of A, text of B, expected]
  const rows: [string, string | undefined, string, string, MergeResult][] = [
    ['no changes', lines('a', 'b'), lines('a', 'b'), lines('a', 'b'), clean(lines('a', 'b'))],
    ['only A changed', lines('a', 'b', 'c'), lines('a', 'B', 'c'), lines('a', 'b', 'c'), clean(lines('a', 'B', 'c'))],
    ['only B changed', lines('a', 'b', 'c'), lines('a', 'b', 'c'), lines('a', 'b', 'C'), clean(lines('a', 'b', 'C'))],
    [
      'both changed different lines',
      lines('one', 'two', 'three', 'four', 'five'),
      lines('ONE', 'two', 'three', 'four', 'five'),
      lines('one', 'two', 'three', 'four', 'FIVE'),
      clean(lines('ONE', 'two', 'three', 'four', 'FIVE')),
    ],
    [
      'both changed neighbouring lines',
      lines('one', 'two', 'three'),
      lines('one', 'TWO', 'three'),
      lines('one', 'two', 'THREE'),
      clean(lines('one', 'TWO', 'THREE')),
    ],
    ['both made the same change', lines('a', 'b', 'c'), lines('a', 'x', 'c'), lines('a', 'x', 'c'), clean(lines('a', 'x', 'c'))],
    [
      'the same change plus a change of its own',
      lines('a', 'b', 'c', 'd', 'e'),
      lines('A', 'b', 'c', 'd', 'E'),
      lines('a', 'b', 'c', 'd', 'E'),
      clean(lines('A', 'b', 'c', 'd', 'E')),
    ],
    [
      'both changed the same line differently',
      lines('a', 'b', 'c'),
      lines('a', 'from pixel', 'c'),
      lines('a', 'from laptop', 'c'),
      // 'from laptop' sorts first, so B's version comes first whichever side is passed first.
      conflict(lines('a', `<<<<<<< ${B}`, 'from laptop', '=======', 'from pixel', `>>>>>>> ${A}`, 'c')),
    ],
    [
      'one side deleted lines the other did not touch',
      lines('a', 'b', 'c', 'd', 'e'),
      lines('a', 'e'),
      lines('a', 'b', 'c', 'd', 'E'),
      clean(lines('a', 'E')),
    ],
    [
      'one side deleted a line the other changed',
      lines('a', 'b', 'c'),
      lines('a', 'c'),
      lines('a', 'B', 'c'),
      conflict(lines('a', `<<<<<<< ${B}`, 'B', '=======', `>>>>>>> ${A}`, 'c')),
    ],
    [
      'additions at start and end',
      lines('a', 'b'),
      lines('start', 'a', 'b'),
      lines('a', 'b', 'end'),
      clean(lines('start', 'a', 'b', 'end')),
    ],
    [
      'both added different lines at the end',
      lines('a', 'b'),
      lines('a', 'b', 'x'),
      lines('a', 'b', 'y'),
      conflict(lines('a', 'b', `<<<<<<< ${A}`, 'x', '=======', 'y', `>>>>>>> ${B}`)),
    ],
    ['empty base, one side wrote', '', 'hello', '', clean('hello')],
    [
      'empty base, both wrote',
      '',
      lines('x', ''),
      lines('y', ''),
      conflict(lines(`<<<<<<< ${A}`, 'x', '=======', 'y', `>>>>>>> ${B}`, '')),
    ],
    ['no base, equal texts', undefined, lines('same', ''), lines('same', ''), clean(lines('same', ''))],
    [
      'no base, different texts',
      undefined,
      lines('mine', 'shared'),
      lines('theirs', 'shared'),
      conflict(lines(`<<<<<<< ${A}`, 'mine', 'shared', '=======', 'theirs', 'shared', `>>>>>>> ${B}`)),
    ],
    [
      'no base, both ending with a newline',
      undefined,
      lines('mine', ''),
      lines('theirs', ''),
      conflict(lines(`<<<<<<< ${A}`, 'mine', '=======', 'theirs', `>>>>>>> ${B}`, '')),
    ],
    ['trailing newline added by one side', lines('a', 'b'), lines('a', 'b', ''), lines('a', 'b'), clean(lines('a', 'b', ''))],
    [
      'trailing newline kept while both edit elsewhere',
      lines('a', 'b', 'c', ''),
      lines('A', 'b', 'c', ''),
      lines('a', 'b', 'C', ''),
      clean(lines('A', 'b', 'C', '')),
    ],
    [
      'conflict at the end of a text with a trailing newline',
      lines('a', 'b', ''),
      lines('a', 'x', ''),
      lines('a', 'y', ''),
      conflict(lines('a', `<<<<<<< ${A}`, 'x', '=======', 'y', `>>>>>>> ${B}`, '')),
    ],
  ];

  it.each(rows)('%s', (_name, base, textA, textB, expected) => {
    expect(mergeText(base, side(textA, A), side(textB, B))).toEqual(expected);
  });

  it.each(rows)('%s: is symmetric', (_name, base, textA, textB) => {
    expect(mergeText(base, side(textA, A), side(textB, B))).toEqual(mergeText(base, side(textB, B), side(textA, A)));
  });

  it('orders sides with equal texts by label', () => {
    const result = mergeText(undefined, side('x', 'b'), side('x', 'a'));
    expect(result).toEqual(clean('x'));
  });

  it('keeps a label on one line', () => {
    const result = mergeText(undefined, side('x', 'two\nlines'), side('y', 'z'));
    expect(result.text.split('\n')).toContain('<<<<<<< two lines');
  });
});

describe('mergeTitles', () => {
  it.each([
    ['one side kept the base', 'Base', 'Base', 'New', 'New'],
    ['other side kept the base', 'Base', 'New', 'Base', 'New'],
    ['both made the same change', 'Base', 'New', 'New', 'New'],
    ['both changed differently', 'Base', 'Zebra', 'Apple', 'Apple / Zebra'],
    ['no base, different', undefined, 'Zebra', 'Apple', 'Apple / Zebra'],
    ['no base, equal', undefined, 'Same', 'Same', 'Same'],
    ['one side cleared, the other changed', 'Base', '', 'New', 'New'],
  ])('%s', (_name, base, a, b, expected) => {
    expect(mergeTitles(base, a, b)).toBe(expected);
    expect(mergeTitles(base, b, a)).toBe(expected);
  });
});

const rebuild = (ops: DiffOp[], drop: DiffOp['kind']) =>
  ops.filter((op) => op.kind !== drop).map((op) => op.text).join('\n');

describe('lineDiff', () => {
  it.each([
    ['same text', lines('a', 'b'), lines('a', 'b'), ['same a', 'same b']],
    ['insertion', lines('a', 'c'), lines('a', 'b', 'c'), ['same a', 'added b', 'same c']],
    ['deletion', lines('a', 'b', 'c'), lines('a', 'c'), ['same a', 'removed b', 'same c']],
    ['replacement', lines('a', 'b', 'c'), lines('a', 'x', 'y', 'c'), ['same a', 'removed b', 'added x', 'added y', 'same c']],
    ['empty to text', '', 'a', ['removed ', 'added a']],
  ])('%s', (_name, a, b, expected) => {
    const ops = lineDiff(a, b);
    expect(ops.map((op) => `${op.kind} ${op.text}`)).toEqual(expected);
    expect(rebuild(ops, 'added')).toBe(a);
    expect(rebuild(ops, 'removed')).toBe(b);
  });

  it('stays fast and correct on long, very different notes', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n');
    const started = performance.now();
    const ops = lineDiff(a, b);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(rebuild(ops, 'added')).toBe(a);
    expect(rebuild(ops, 'removed')).toBe(b);
  });

  it('stays valid past its search limit when the notes share lines', () => {
    const a = Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? 'shared' : `a${i}`)).join('\n');
    const b = Array.from({ length: 4000 }, (_, i) => (i % 5 === 0 ? 'shared' : `b${i}`)).join('\n');
    const ops = lineDiff(a, b);
    expect(rebuild(ops, 'added')).toBe(a);
    expect(rebuild(ops, 'removed')).toBe(b);
    expect(ops.some((op) => op.kind === 'same')).toBe(true);
  });
});

/** Tiny seeded PRNG (mulberry32), so every run sees the same "random" cases. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Longest common subsequence length by plain DP, to check that the diff is minimal. */
function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const lineA of a) {
    const row = [0];
    b.forEach((lineB, j) => row.push(lineA === lineB ? (prev[j] ?? 0) + 1 : Math.max(prev[j + 1] ?? 0, row[j] ?? 0)));
    prev = row;
  }
  return prev[b.length] ?? 0;
}

describe('random edits (fixed seed)', () => {
  const random = mulberry32(20241125);
  const pick = (n: number) => Math.floor(random() * n);
  // A small alphabet makes repeated lines, where alignment goes wrong most easily.
  const randomLine = () => `line ${'abcdef'[pick(6)] ?? 'a'}`;
  const edit = (base: string[], tag: string) => {
    const out = [...base];
    for (let i = pick(4); i > 0; i--) {
      const at = pick(out.length + 1);
      const roll = pick(3);
      if (roll === 0) out.splice(at, 0, `${tag} ${pick(100)}`);
      else if (roll === 1) out.splice(at, 1);
      else out.splice(at, 1, `${tag} ${pick(100)}`, randomLine());
    }
    return out;
  };
  const cases = Array.from({ length: 200 }, () => {
    const base = Array.from({ length: pick(8) }, randomLine);
    return { base, a: edit(base, 'A'), b: edit(base, 'B') };
  });

  it('merges symmetrically and never loses a line unique to either side', () => {
    for (const { base, a, b } of cases) {
      const [baseText, textA, textB] = [base, a, b].map((l) => l.join('\n')) as [string, string, string];
      const merged = mergeText(baseText, side(textA, A), side(textB, B));
      expect(mergeText(baseText, side(textB, B), side(textA, A))).toEqual(merged);
      const inResult = new Set(merged.text.split('\n'));
      for (const line of [...a, ...b].filter((l) => !base.includes(l))) expect(inResult).toContain(line);
      if (textA === baseText) expect(merged).toEqual(clean(textB));
    }
  });

  it('diffs minimally and rebuilds both texts', () => {
    for (const { a, b } of cases) {
      const [textA, textB] = [a.join('\n'), b.join('\n')];
      const ops = lineDiff(textA, textB);
      expect(rebuild(ops, 'added')).toBe(textA);
      expect(rebuild(ops, 'removed')).toBe(textB);
      expect(ops.filter((op) => op.kind === 'same')).toHaveLength(lcsLength(textA.split('\n'), textB.split('\n')));
    }
  });
});

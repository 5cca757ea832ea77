import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../src/sync/engine/backoff';
import { classifyError, isTerminal } from '../../../src/sync/common/errors';

describe('createBackoff', () => {
  it('grows exponentially from the initial delay and never passes the cap', () => {
    const next = createBackoff({ initialMs: 1000, maxMs: 8000, random: () => 0.999999 });
    const delays: number[] = [];
    let d = 0;
    for (let i = 0; i < 8; i++) delays.push((d = next(d)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000]);
  });

  it('jitters between half and all of the delay', () => {
    expect(createBackoff({ initialMs: 1000, random: () => 0 })(0)).toBe(500);
  });
});

describe('classifyError', () => {
  it.each([
    [{ status: 401, name: 'unauthorized' }, 'unauthorized'],
    [{ status: 403, name: 'forbidden' }, 'forbidden'],
    [{ status: 413, name: 'too_large' }, 'too-large'],
    [{ status: 404, reason: 'Database does not exist.' }, 'no-database'],
    [{ name: 'QuotaExceededError' }, 'quota'],
    [new TypeError('Failed to fetch'), 'network'],
    [{ status: 503 }, 'network'],
    [{ status: 400, reason: 'bad' }, 'unknown'],
  ])('%j is %s', (err, reason) => {
    expect(classifyError(err)).toBe(reason);
  });

  it('stops only for what retrying cannot fix', () => {
    expect(isTerminal('unauthorized')).toBe(true);
    expect(isTerminal('stuck')).toBe(true);
    expect(isTerminal('network')).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
  it('runs at once, then coalesces calls inside the interval into one run at its end', async () => {
    const runs: number[] = [];
    const t = throttle(async () => void runs.push(Date.now()), 1_000);
    const start = Date.now();
    await t();
    await t();
    await t();
    expect(runs).toEqual([start]);
    vi.advanceTimersByTime(999);
    expect(runs).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual([start, start + 1_000]);
    vi.advanceTimersByTime(5_000);
    expect(runs).toHaveLength(2);
  });

  it('drops the deferred run when cancelled', async () => {
    const work = vi.fn(async () => undefined);
    const t = throttle(work, 1_000);
    await t();
    await t();
    t.cancel();
    vi.advanceTimersByTime(2_000);
    expect(work).toHaveBeenCalledTimes(1);
  });
});

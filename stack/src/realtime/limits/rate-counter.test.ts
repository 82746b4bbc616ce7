import { describe, expect, it } from 'vitest';
import { RateCounter, WindowLimit } from './rate-counter.ts';

describe('RateCounter', () => {
  it('averages events per second over the buckets seen so far, up to the window', () => {
    const rate = new RateCounter(100, 5_000, 3);
    rate.add(1_000);
    rate.tick();
    expect(rate.average).toBe(200);
    rate.tick();
    expect(rate.average).toBe(100);
    rate.tick();
    rate.tick(); // the first bucket leaves the window
    expect(rate.average).toBe(0);
  });

  it('trips at the limit and clears once the average falls below it', () => {
    const rate = new RateCounter(10, 1_000, 2);
    rate.add(9);
    rate.tick();
    expect(rate.tripped).toBe(false);
    rate.add(11);
    rate.tick();
    expect(rate.tripped).toBe(true); // (9 + 11) / 2 = 10
    rate.tick();
    expect(rate.tripped).toBe(false); // (11 + 0) / 2
  });
});

describe('WindowLimit', () => {
  it('allows max calls per window, opened by the first call', () => {
    const limit = new WindowLimit(2, 1_000);
    expect(limit.take(0)).toBe(true);
    expect(limit.take(500)).toBe(true);
    expect(limit.take(999)).toBe(false);
    expect(limit.take(1_001)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createRequestRate, rateHeaders } from './rate.ts';

describe('createRequestRate', () => {
  it('averages closed one-second buckets, 0 until the first closes', () => {
    let clock = 5_000;
    const rate = createRequestRate(() => clock);
    for (let i = 0; i < 10; i++) rate.hit();
    expect(rate.average()).toBe(0);
    clock += 999;
    expect(rate.average()).toBe(0);
    clock += 1;
    expect(rate.average()).toBe(10);
    rate.hit();
    rate.hit();
    clock += 1_000;
    expect(rate.average()).toBe(6); // [2, 10]
    clock += 3_000;
    expect(rate.average()).toBe(12 / 5); // [0, 0, 0, 2, 10]
  });

  it('forgets buckets older than a minute, also after a long idle spell', () => {
    let clock = 0;
    const rate = createRequestRate(() => clock);
    for (let i = 0; i < 600; i++) rate.hit();
    clock += 1_000;
    expect(rate.average()).toBe(600);
    clock += 59_000;
    expect(rate.average()).toBe(10); // 600 over 60 buckets
    clock += 1_000;
    expect(rate.average()).toBe(0);
    rate.hit();
    clock += 3_600_000;
    expect(rate.average()).toBe(0);
  });
});

describe('rateHeaders', () => {
  it('truncates the average as the reference does', () => {
    expect(rateHeaders(12.9, 100)).toEqual({
      'x-rate-rolling': '12',
      'x-rate-limit': '100',
      'x-rate-limit-remaining': '88',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { contentRange, rangeStatus } from './range.ts';

describe('Content-Range', () => {
  it('describes the page and the total when counted', () => {
    expect(contentRange(0, 10, 42)).toBe('0-9/42');
    expect(contentRange(10, 5, undefined)).toBe('10-14/*');
    expect(contentRange(0, 0, 0)).toBe('*/0');
    expect(contentRange(5, 0, undefined)).toBe('*/*');
  });

  it('answers 206 for partial pages and 416 past the end, only when counted', () => {
    expect(rangeStatus(0, 10, 42)).toBe(206);
    expect(rangeStatus(0, 42, 42)).toBe(200);
    expect(rangeStatus(0, 0, 0)).toBe(200);
    expect(rangeStatus(50, 0, 42)).toBe(416);
    expect(rangeStatus(50, 0, undefined)).toBe(200);
  });
});

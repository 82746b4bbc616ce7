import { describe, expect, it } from 'vitest';
import { embedPage, readInteger, rootPage } from './limit-offset.ts';
import { expectPostgrestError } from './test-helpers.ts';

const NEGATIVE_LIMIT = {
  status: 416,
  code: 'PGRST103',
  message: 'Requested range not satisfiable',
  details: 'Limit should be greater than or equal to zero.',
};

describe('readInteger (Haskell readMaybe)', () => {
  it.each([
    ['10', 10],
    [' 7 ', 7],
    ['-3', -3],
    ['007', 7],
    ['0x1F', 31],
    ['0o17', 15],
    ['99999999999999999999', Number.MAX_SAFE_INTEGER],
  ])('%j → %d', (text, value) => {
    expect(readInteger(text)).toBe(value);
  });

  it.each(['', 'abc', '1.5', '+1', '1e3', '5abc', '- 1x'])('%j is not an integer', (text) => {
    expect(readInteger(text)).toBeUndefined();
  });
});

describe('rootPage', () => {
  it('reads limit and offset', () => {
    expect(rootPage({ limit: '10' })).toEqual({ limit: 10 });
    expect(rootPage({ offset: '5' })).toEqual({ offset: 5 });
    expect(rootPage({ limit: '3', offset: '2' })).toEqual({ limit: 3, offset: 2 });
    expect(rootPage({ limit: '0' })).toEqual({ limit: 0 });
    expect(rootPage({ offset: '0' })).toEqual({});
  });

  it('ignores values that are not integers, as PostgREST does', () => {
    expect(rootPage({ limit: 'abc' })).toEqual({});
    expect(rootPage({ offset: '1.5' })).toEqual({});
  });

  it('treats a negative offset as a no-op and clips the page to row 0', () => {
    expect(rootPage({ offset: '-4' })).toEqual({});
    expect(rootPage({ offset: '-2', limit: '5' })).toEqual({ limit: 3 });
  });

  it('answers 416 PGRST103 for a negative limit', () => {
    expectPostgrestError(() => rootPage({ limit: '-1' }), NEGATIVE_LIMIT);
    expectPostgrestError(() => rootPage({ limit: '-1', offset: '3' }), NEGATIVE_LIMIT);
  });

  it('reproduces PostgREST for an empty page past the start (limit=0 with an offset, unreadable limit)', () => {
    expectPostgrestError(() => rootPage({ limit: '0', offset: '5' }), NEGATIVE_LIMIT);
    expectPostgrestError(() => rootPage({ limit: 'x', offset: '5' }), NEGATIVE_LIMIT);
    expect(rootPage({ limit: '4', offset: '-4' })).toEqual({ limit: 0 });
  });
});

describe('embedPage', () => {
  it('reads limit and offset', () => {
    expect(embedPage({ limit: '2' })).toEqual({ limit: 2 });
    expect(embedPage({ limit: '2', offset: '4' })).toEqual({ limit: 2, offset: 4 });
    expect(embedPage({ limit: '0', offset: '1' })).toEqual({ limit: 0, offset: 1 });
    expect(embedPage({ offset: 'x' })).toEqual({});
  });

  it('passes negative values through for PostgreSQL to reject, as behind PostgREST', () => {
    expect(embedPage({ limit: '-1' })).toEqual({ limit: -1 });
    expect(embedPage({ offset: '-3' })).toEqual({ offset: -3 });
  });
});

import { describe, expect, it } from 'vitest';
import { PostgrestError } from './errors.ts';
import { contentTypeOf, negotiate } from './media.ts';

describe('negotiate', () => {
  it.each([
    [null, 'json', false],
    ['application/json', 'json', false],
    ['*/*', 'json', false],
    ['application/vnd.pgrst.object+json', 'object', false],
    ['application/vnd.pgrst.object', 'object', false],
    ['application/vnd.pgrst.array+json;nulls=stripped', 'json', true],
    ['application/vnd.pgrst.object+json;nulls=stripped', 'object', true],
    ['text/unknown, text/csv', 'csv', false],
    ['text/csv; version=1', 'csv', false],
  ])('%s → %s (strip nulls: %s)', (accept, media, stripNulls) => {
    expect(negotiate(accept)).toEqual({ media, stripNulls });
  });

  it('answers 406 PGRST107 for what it cannot produce', () => {
    expect(() => negotiate('text/plain')).toThrow(PostgrestError);
    expect(() => negotiate('text/plain')).toThrow('None of these media types are available: text/plain');
  });

  it('names the stripped variants in Content-Type as PostgREST does', () => {
    expect(contentTypeOf({ media: 'json', stripNulls: true })).toBe(
      'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8',
    );
    expect(contentTypeOf({ media: 'object', stripNulls: false })).toBe(
      'application/vnd.pgrst.object+json; charset=utf-8',
    );
  });
});

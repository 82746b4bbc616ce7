import { describe, expect, it } from 'vitest';
import { PostgrestError } from '../errors.ts';
import { parseColumns, parseOnConflict } from './columns.ts';
import { parseFilter } from './filter.ts';
import { parseLogicTree } from './logic.ts';
import { parseOrder } from './order.ts';
import { parsePreferences } from './prefer.ts';
import { parseQuery } from './query.ts';
import { parseSelect } from './select.ts';

/**
 * Hostile input: whatever arrives, the parser returns names and values verbatim as data or fails
 * with a PostgREST-shaped error; it never throws anything else and stays linear in time.
 */

const LONG = 100_000;

const CORPUS: readonly string[] = [
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(10)',
  '/* comment */ id',
  'id /* a */, b',
  '-- comment',
  'id--',
  '" OR 1=1 --',
  "') OR ('1'='1",
  '$$; DROP FUNCTION f; $$',
  "E'\\x00'",
  'a\u0000b',
  'é中文🎉',
  '\u202eevil',
  '\ud800',
  'a\nb\r\nc\td',
  '%27%3B',
  '\u0024{jndi:ldap://x}',
  '<script>alert(1)</script>',
  '\\',
  '"',
  '""',
  '"\\"',
  '(',
  ')',
  '(((',
  ')))',
  ',,,',
  '...',
  '!!!',
  '::',
  '->',
  '->>',
  '*',
  '**',
  'a:b:c',
  'count()',
  'not.',
  'or=(',
  '{',
  '}',
  '{"a":1}',
  '[1,2)',
  'a'.repeat(LONG),
  '('.repeat(LONG),
  ')'.repeat(LONG),
  '"'.repeat(LONG),
  '\\'.repeat(LONG),
  'a,'.repeat(LONG / 2),
  'a('.repeat(LONG / 2),
  '->'.repeat(LONG / 2),
  'not.'.repeat(LONG / 4),
  'and('.repeat(LONG / 4),
  '{'.repeat(LONG),
  `"${'x,'.repeat(LONG / 2)}`,
  `in.(${'"a",'.repeat(LONG / 4)}`,
  `(${'a.eq."x,'.repeat(LONG / 8)})`,
  ` ${'\t'.repeat(LONG)}`,
];

const EXPECTED_CODES = new Set(['PGRST100', 'PGRST103', '22P02']);

/** Runs `fn`; it may return, or throw a PostgrestError with one of the parser's codes. */
function safely<T>(fn: () => T): T | PostgrestError {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof PostgrestError) || !EXPECTED_CODES.has(error.code)) throw error;
    return error;
  }
}

/** Every entry point, fed `text` in each place it can appear. */
function everyParser(text: string): void {
  safely(() => parseSelect(text));
  safely(() => parseFilter(text, 'eq.1'));
  safely(() => parseFilter('col', text));
  safely(() => parseFilter('col', `in.(${text})`));
  safely(() => parseLogicTree('or', text));
  safely(() => parseLogicTree('or', `(${text})`));
  safely(() => parseLogicTree(text, '(a.eq.1)'));
  safely(() => parseOrder(text));
  safely(() => parseColumns(text));
  safely(() => parseOnConflict(text));
  safely(() => parsePreferences(text));
  const params = new URLSearchParams();
  for (const key of ['select', 'order', 'limit', 'offset', 'or', 'author.and', 'columns', 'x', text]) {
    params.append(key, text);
  }
  safely(() => parseQuery(params, { argumentNames: new Set([text]) }));
}

/** A double-quoted PostgREST item or identifier holding `text` verbatim. */
function quoted(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

describe('injection corpus', () => {
  it.each(
    CORPUS.map((text) => [text.length > 40 ? `${text.slice(0, 20)}… (${text.length} chars)` : text, text]),
  )('fails safely or reads data verbatim: %j', (_, text) => {
    const started = performance.now();
    everyParser(text);

    expect(parseFilter('col', `eq.${text}`).filter.value).toBe(text);
    expect(parseFilter('col', `not.like.${text}`).filter.value).toBe(text);
    expect(parseFilter('col', `in.(${quoted(text)},x)`).filter.value).toEqual([text, 'x']);
    expect(parseSelect(`alias:${quoted(text)}`)).toEqual([
      { type: 'field', alias: 'alias', field: { name: text, path: [] } },
    ]);
    expect(parseColumns(quoted(text))).toEqual([text]);
    expect(parseFilter(`${quoted(text)}`, 'eq.1').filter.field.name).toBe(text);
    expect(parseLogicTree('or', `(a.eq.${quoted(text)})`).condition).toMatchObject({
      children: [{ value: text }],
    });
    expect(parseOrder(`${quoted(text)}.desc`)).toEqual([
      { field: { name: text, path: [] }, direction: 'desc' },
    ]);

    // Linear: the 100k-character inputs go through ~25 parses each.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('random input', () => {
  /** A small deterministic PRNG (mulberry32), so failures reproduce. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const TOKENS = [
    '(',
    ')',
    ',',
    '.',
    ':',
    '::',
    '!',
    '"',
    '\\',
    '*',
    '->',
    '->>',
    '{',
    '}',
    ' ',
    '\t',
    '-',
    'a',
    'b1',
    'not',
    'and',
    'or',
    'in',
    'is',
    'eq',
    'like',
    'fts',
    'null',
    '(any)',
    '...',
    'count()',
    '.sum()',
    'é',
    '🎉',
  ];

  it('only ever throws PostgREST-shaped parse errors', () => {
    const next = random(20240607);
    for (let i = 0; i < 1500; i++) {
      let text = '';
      const length = Math.floor(next() * 24);
      for (let j = 0; j < length; j++) text += TOKENS[Math.floor(next() * TOKENS.length)];
      everyParser(text);
    }
  });
});

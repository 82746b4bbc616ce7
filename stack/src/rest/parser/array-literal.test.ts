import { describe, expect, it } from 'vitest';
import { parseArrayLiteral } from './array-literal.ts';
import { expectPostgrestError } from './test-helpers.ts';

describe('parseArrayLiteral', () => {
  it('reads bare and quoted elements with backslash escapes', () => {
    expect(parseArrayLiteral('{a*,b*}')).toEqual(['a*', 'b*']);
    expect(parseArrayLiteral('{"a,b","c\\"d",e\\,f,"g\\\\h"}')).toEqual(['a,b', 'c"d', 'e,f', 'g\\h']);
    expect(parseArrayLiteral('{}')).toEqual([]);
    expect(parseArrayLiteral('{""}')).toEqual(['']);
  });

  it('drops unescaped whitespace around bare elements, keeps it inside and in quotes', () => {
    expect(parseArrayLiteral('  { a b , " c " ,d\\ }  ')).toEqual(['a b', ' c ', 'd ']);
  });

  it('flattens nested arrays (ANY ranges over every element)', () => {
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toEqual(['1', '2', '3', '4']);
  });

  it('keeps an unquoted NULL as text (the AST holds strings)', () => {
    expect(parseArrayLiteral('{NULL,"NULL"}')).toEqual(['NULL', 'NULL']);
  });

  it.each([
    ['abc', 'Array value must start with "{" or dimension information.'],
    ['', 'Array value must start with "{" or dimension information.'],
    ['[1:2]={a,b}', 'Array value must start with "{" or dimension information.'],
    ['{a', 'Unexpected end of input.'],
    ['{"a', 'Unexpected end of input.'],
    ['{a,}', 'Unexpected "}" character.'],
    ['{,a}', 'Unexpected "," character.'],
    ['{a"b}', 'Unexpected """ character.'],
    ['{"a"b}', 'Unexpected array element.'],
    ['{a}x', 'Junk after closing right brace.'],
    ['{{a},b}', 'Unexpected array element.'],
    ['{a,{b}}', 'Unexpected "{" character.'],
    ['{{a},{b,c}}', 'Multidimensional arrays must have sub-arrays with matching dimensions.'],
  ])('%j fails like PostgreSQL', (text, details) => {
    expectPostgrestError(() => parseArrayLiteral(text), {
      code: '22P02',
      message: `malformed array literal: "${text}"`,
      details,
    });
  });
});

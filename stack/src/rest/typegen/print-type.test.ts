import { describe, expect, it } from 'vitest';
import { group, hardline, indent, line, printDoc, softline } from './doc.ts';
import { printType, propertyKey, quote } from './print-type.ts';
import {
  arrayOf,
  booleanLiteral,
  expandedObject,
  inlineObject,
  intersection,
  member,
  NEVER,
  NULL,
  NUMBER,
  STRING,
  stringLiteral,
  tuple,
  union,
} from './ts-type.ts';

const literals = (...values: string[]) => union(values.map(stringLiteral));

describe('doc printer', () => {
  it('breaks a group that does not fit, counting what follows it on the line', () => {
    const doc = group(['[', indent([softline, 'aaaa,', line, 'bbbb']), softline, ']']);
    expect(printDoc(doc, 20)).toBe('[aaaa, bbbb]');
    expect(printDoc([doc, ' plus a tail'], 20)).toBe('[\n  aaaa,\n  bbbb\n] plus a tail');
  });

  it('breaks every group around a hard line and trims trailing spaces', () => {
    expect(printDoc(group(['a ', hardline, 'b']))).toBe('a\nb');
  });
});

describe('strings and keys, as Prettier re-prints them', () => {
  it('prefers double quotes unless the text has more of them', () => {
    expect(quote("it's")).toBe('"it\'s"');
    expect(quote('say "hi"')).toBe('\'say "hi"\'');
    expect(quote('x\'""y')).toBe("'x\\'\"\"y'");
    expect(quote('a\\b\n')).toBe('"a\\\\b\\n"');
  });

  it('leaves ES5 identifier names unquoted', () => {
    expect(['constructor', 'ñame', '$x', '日本', 'a b', '1a', '', '𝒳', 'user-id'].map(propertyKey)).toEqual([
      'constructor',
      'ñame',
      '$x',
      '日本',
      '"a b"',
      '"1a"',
      '""',
      '"𝒳"',
      '"user-id"',
    ]);
  });
});

/**
 * Expected layouts are Prettier 3's output for the same type (printWidth 80, no semicolons),
 * the settings postgres-meta formats with.
 */
describe('type layout', () => {
  const layout = (members: Parameters<typeof expandedObject>[0]) =>
    printDoc(['type T = ', printType(expandedObject(members))]);

  it('lists a long union one member per line', () => {
    expect(
      layout([
        member('short', union([literals('a', 'b'), NULL])),
        member(
          'long',
          literals('alpha_value_one', 'beta_value_two', 'gamma_value_three', 'delta_value_four'),
        ),
      ]),
    ).toBe(
      [
        'type T = {',
        '  short: "a" | "b" | null',
        '  long:',
        '    | "alpha_value_one"',
        '    | "beta_value_two"',
        '    | "gamma_value_three"',
        '    | "delta_value_four"',
        '}',
      ].join('\n'),
    );
  });

  it('hugs an object with null, and keeps an object next to an intersected string', () => {
    const message = 'a long message that cannot possibly fit on the line with the rest of it';
    expect(
      layout([
        member('hugged', union([expandedObject([member('a', STRING)]), NULL])),
        member(
          'err',
          intersection([inlineObject([member('error', booleanLiteral(true))]), stringLiteral(message)]),
        ),
      ]),
    ).toBe(
      [
        'type T = {',
        '  hugged: {',
        '    a: string',
        '  } | null',
        '  err: {',
        '    error: true',
        `  } & "${message}"`,
        '}',
      ].join('\n'),
    );
  });

  it('wraps tuples with a trailing comma, overloads with leading bars, and parenthesises array unions', () => {
    const overload = (args: ReturnType<typeof inlineObject> | typeof NEVER, returns: typeof STRING) =>
      inlineObject([member('Args', args), member('Returns', returns)]);
    expect(
      layout([
        member(
          'tup',
          tuple(
            ['a_really_long_column_name_one', 'a_really_long_column_name_two', 'three'].map(stringLiteral),
          ),
        ),
        member('fn', union([overload(NEVER, NUMBER), overload(inlineObject([member('x', STRING)]), STRING)])),
        member('arr', union([arrayOf(literals('a', 'b')), NULL])),
        member('inline', inlineObject([member('a', NUMBER), member('b', STRING)])),
      ]),
    ).toBe(
      [
        'type T = {',
        '  tup: [',
        '    "a_really_long_column_name_one",',
        '    "a_really_long_column_name_two",',
        '    "three",',
        '  ]',
        '  fn:',
        '    | { Args: never; Returns: number }',
        '    | { Args: { x: string }; Returns: string }',
        '  arr: ("a" | "b")[] | null',
        '  inline: { a: number; b: string }',
        '}',
      ].join('\n'),
    );
  });
});

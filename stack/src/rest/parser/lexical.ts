import type { EmbedPath, Field, JsonPathStep } from '../ast.ts';
import {
  alt,
  anyChar,
  attempt,
  char,
  digit,
  eof,
  label,
  letter,
  lookAhead,
  many,
  many1,
  map,
  memo,
  noneOf,
  notFollowedBy,
  oneOf,
  option,
  type Parser,
  sepBy1,
  seq,
  string,
} from './parsec.ts';

/**
 * The tokens PostgREST's grammar shares between select, order, filters and logic trees:
 * field names (bare or double-quoted), JSON paths, delimiters. Names follow QueryParams.hs.
 */

/** Haskell's `Data.Text.strip` (Unicode `isSpace`), written as loops to stay linear. */
export function stripSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isHaskellSpace(text.charCodeAt(start))) start++;
  while (end > start && isHaskellSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isHaskellSpace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const join = (chars: readonly string[]): string => chars.join('');

export const ws: Parser<string[]> = many(oneOf(' \t'));

export function lexeme<T>(p: Parser<T>): Parser<T> {
  return seq([ws, p, ws], (_, value) => value);
}

export const pDelimiter: Parser<string> = label(char('.'), 'delimiter (.)');

/** `"…"` with `\"` and `\\` (any `\x` stands for `x`). */
export const pQuotedValue: Parser<string> = seq(
  [
    char('"'),
    many(
      alt(
        noneOf('\\"'),
        seq([char('\\'), anyChar], (_, c) => c),
      ),
    ),
    char('"'),
  ],
  (_, chars) => join(chars),
);

export const pIdentifier: Parser<string> = map(many1(alt(letter, digit, oneOf('_ $'))), (chars) =>
  stripSpaces(join(chars)),
);

/** A `-` that does not start an arrow: names may contain dashes, `a->b` is a JSON path. */
const dash: Parser<string> = attempt(seq([char('-'), notFollowedBy(char('>'))], () => '-'));

function sepByDash(p: Parser<string>): Parser<string> {
  return map(sepBy1(p, dash), (parts) => parts.join('-'));
}

export const pFieldName: Parser<string> = memo(
  label(alt(pQuotedValue, sepByDash(pIdentifier)), 'field name (* or [a..z0..9_$])'),
);

const pJsonKeyIdentifier: Parser<string> = map(many1(noneOf('(-:.,>)')), (chars) => stripSpaces(join(chars)));

const pJsonKeyName: Parser<string> = label(
  alt(pQuotedValue, sepByDash(pJsonKeyIdentifier)),
  'any non reserved character different from: .,>()',
);

const pJsonArrow: Parser<JsonPathStep['arrow']> = alt(
  map(attempt(string('->>')), () => '->>' as const),
  map(attempt(string('->')), () => '->' as const),
);

/** What may follow an array index: `arr->0->x`, `arr->0::int`, `arr->0.desc`, `arr->0,b`. */
const pIndexEnd: Parser<unknown> = alt<unknown>(
  attempt(lookAhead(string('->'))),
  attempt(lookAhead(string('::'))),
  attempt(lookAhead(string('.'))),
  attempt(lookAhead(string(','))),
  attempt(eof),
);

const pJsonIndex: Parser<number> = seq(
  [option('+', char('-')), many1(digit), pIndexEnd],
  // `+ 0` turns `-0` into 0.
  (sign, digits) => Number(sign + join(digits)) + 0,
);

const pJsonOperand: Parser<string | number> = alt<string | number>(
  attempt(pJsonIndex),
  attempt(pJsonKeyName),
);

export const pJsonPath: Parser<JsonPathStep[]> = many(
  seq([pJsonArrow, pJsonOperand], (arrow, key): JsonPathStep => ({ arrow, key })),
);

export const pField: Parser<Field> = lexeme(
  seq([pFieldName, option<JsonPathStep[]>([], pJsonPath)], (name, path) => ({ name, path })),
);

/** `alias:` — a single colon, since `::` starts a cast. */
export const aliasSeparator: Parser<void> = seq([char(':'), notFollowedBy(char(':'))], () => undefined);

/** A query-string key: `a.b.col->json`, the embed path `[a, b]` and the field. */
export const pTreePath: Parser<{ path: EmbedPath; field: Field }> = seq(
  [sepBy1(pFieldName, pDelimiter), option<JsonPathStep[]>([], pJsonPath)],
  (names, jsonPath) => ({
    path: names.slice(0, -1),
    field: { name: names[names.length - 1] ?? '', path: jsonPath },
  }),
);

/** `columns=` and `on_conflict=`: `a,b` or `"a","b"`. */
export const pColumns: Parser<string[]> = sepBy1(pFieldName, lexeme(char(',')));

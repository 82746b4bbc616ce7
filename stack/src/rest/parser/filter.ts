import type { EmbedPath, Field, Filter, FilterOperator } from '../ast.ts';
import { parseArrayLiteral } from './array-literal.ts';
import { lexeme, pDelimiter, pIdentifier, pQuotedValue, pTreePath } from './lexical.ts';
import { parseParam } from './parse-error.ts';
import {
  alt,
  anyChar,
  attempt,
  between,
  char,
  label,
  many,
  map,
  noneOf,
  notFollowedBy,
  optionMaybe,
  type Parser,
  pure,
  sepBy1,
  seq,
  string,
} from './parsec.ts';

/**
 * A filter's operator expression, after PostgREST's `pOpExpr`:
 *
 *     opExpr    = ["not."] operation
 *     operation = "in." list | "is." isVal | "isdistinct." value
 *               | ftsOp ["(" language ")"] "." value
 *               | simpleOp "." value | quantOp ["(any)" | "(all)"] "." value
 *     list      = "(" item *("," item) ")"    items: `"…"` (with `\` escapes) or up to `,` / `)`
 *
 * In a query parameter the value is the rest of the text; inside logic trees it stops at `,`
 * or `)` (see logic.ts), which is why the value parser is a parameter.
 */

/** An operator expression before it is attached to a field. */
export type OpExpr = Omit<Filter, 'type' | 'field'>;

type Operation = Omit<OpExpr, 'negated'>;

const join = (chars: readonly string[]): string => chars.join('');

/** `col=<value>`: everything after the operator, verbatim. */
export const pSingleVal: Parser<string> = map(many(anyChar), join);

/** A quoted item must end at `,` or `)`; `"a"b` is read unquoted, quotes included. */
export const pQuotedItem: Parser<string> = attempt(
  seq([pQuotedValue, notFollowedBy(noneOf(',)'))], (value) => value),
);

const pListElement: Parser<string> = alt(pQuotedItem, map(many(noneOf(',)')), join));

const pListVal: Parser<string[]> = between(
  lexeme(char('(')),
  lexeme(char(')')),
  sepBy1(pListElement, char(',')),
);

function keyword<T extends string>(name: T): Parser<T> {
  return map(attempt(string(name)), () => name);
}

const simpleOperator: Parser<FilterOperator> = label(
  alt<FilterOperator>(
    keyword('neq'),
    keyword('cs'),
    keyword('cd'),
    keyword('ov'),
    keyword('sl'),
    keyword('sr'),
    keyword('nxr'),
    keyword('nxl'),
    keyword('adj'),
  ),
  'unknown single value operator',
);

/** Operators that take `(any)` / `(all)`; `gte` before `gt` and `lte` before `lt`. */
const quantOperator: Parser<FilterOperator> = label(
  alt<FilterOperator>(
    keyword('eq'),
    keyword('gte'),
    keyword('gt'),
    keyword('lte'),
    keyword('lt'),
    keyword('like'),
    keyword('ilike'),
    keyword('match'),
    keyword('imatch'),
  ),
  'unknown single value operator',
);

const ftsOperator: Parser<FilterOperator> = alt<FilterOperator>(
  keyword('fts'),
  keyword('plfts'),
  keyword('phfts'),
  keyword('wfts'),
);

/** Case-insensitive keyword, as Parsec's `traverse (\c -> char c <|> char (toUpper c))`. */
function ciString(text: string): Parser<string> {
  return seq(
    Array.from(text).map((c) => alt(char(c), char(c.toUpperCase()))),
    () => text,
  );
}

const pIsVal: Parser<string> = label(
  alt(
    attempt(ciString('null')),
    attempt(ciString('not_null')),
    attempt(ciString('true')),
    attempt(ciString('false')),
    attempt(ciString('unknown')),
  ),
  'isVal: (null, not_null, true, false, unknown)',
);

/** `name.` as one token: `is.`, `in.`, `not.`. */
function prefixed(name: string): Parser<unknown> {
  return attempt(seq([string(name), pDelimiter], () => undefined));
}

export function pOpExpr(pSVal: Parser<string>): Parser<OpExpr> {
  const pIn = seq([prefixed('in'), pListVal], (_, value): Operation => ({ operator: 'in', value }));
  const pIs = seq(
    [prefixed('is'), pIsVal],
    (_, value): Operation => ({ operator: 'is', value: value.toLowerCase() }),
  );
  const pIsDist = seq(
    [prefixed('isdistinct'), pSVal],
    (_, value): Operation => ({ operator: 'isdistinct', value }),
  );
  const pFts = seq(
    [ftsOperator, optionMaybe(attempt(between(char('('), char(')'), pIdentifier))), pDelimiter, pSVal],
    (operator, language, _, value): Operation => ({
      operator,
      ...(language !== undefined && { language }),
      value,
    }),
  );
  const pSimpleOp = seq(
    [simpleOperator, pDelimiter, pSVal],
    (operator, _, value): Operation => ({ operator, value }),
  );
  const quantifier = alt<'any' | 'all'>(
    keyword('any'),
    map(string('all'), () => 'all' as const),
  );
  const pQuantOp = seq(
    [quantOperator, optionMaybe(attempt(between(char('('), char(')'), quantifier))), pDelimiter, pSVal],
    (operator, quant, _, value): Operation => ({
      operator,
      ...(quant !== undefined && { quantifier: quant }),
      value,
    }),
  );
  const pOperation = label(
    alt(pIn, pIs, pIsDist, attempt(pFts), attempt(pSimpleOp), attempt(pQuantOp)),
    'operator (eq, gt, ...)',
  );
  const pNot = alt(
    map(prefixed('not'), () => true),
    pure(false),
  );
  return seq([pNot, pOperation], (negated, operation) => ({ negated, ...operation }));
}

const pFilterValue = pOpExpr(pSingleVal);

/**
 * Finishes a parsed filter's operand for the AST: `in.()` (PostgREST's `[""]`) is the empty list,
 * and a quantified operand is split as the array literal PostgreSQL would read (or fails as it
 * would, with 22P02). Runs after the whole parameter parsed, so syntax errors come first.
 */
export function finishFilter(filter: Filter): Filter {
  const { value } = filter;
  if (filter.operator === 'in' && Array.isArray(value) && value.length === 1 && value[0] === '') {
    return { ...filter, value: [] };
  }
  if (filter.quantifier !== undefined && typeof value === 'string') {
    return { ...filter, value: parseArrayLiteral(value) };
  }
  return filter;
}

/**
 * One filter parameter: the key names the (embedded) column, the value the operator.
 *
 * @example parseFilter('author.data->>age', 'not.gte.18')
 * // { path: ['author'], filter: { field: { name: 'data', path: [->> age] }, negated: true, operator: 'gte', value: '18' } }
 */
export function parseFilter(key: string, value: string): { path: EmbedPath; filter: Filter } {
  const { path, field } = parseTreePath(key);
  const expr = parseParam(pFilterValue, `failed to parse filter (${value})`, value);
  return { path, filter: finishFilter({ type: 'filter', field, ...expr }) };
}

/** A filter, order or range key: `a.b.col->json` → embed path `[a, b]` and field. */
export function parseTreePath(key: string): { path: EmbedPath; field: Field } {
  return parseParam(pTreePath, `failed to parse tree path (${key})`, key);
}

import type { OrderTerm } from '../ast.ts';
import { lexeme, pDelimiter, pField, pFieldName } from './lexical.ts';
import { parseParam } from './parse-error.ts';
import {
  alt,
  attempt,
  between,
  char,
  eof,
  lookAhead,
  map,
  optionMaybe,
  type Parser,
  sepBy1,
  seq,
  string,
} from './parsec.ts';

/**
 * The `order` parameter, after PostgREST's `pOrder`:
 *
 *     order = term *("," term)
 *     term  = (field | relation "(" field ")") ["." ("asc" | "desc")] ["." ("nullsfirst" | "nullslast")]
 *
 * postgrest-js appends to one `order` parameter (`order=a.asc,b.desc.nullslast`), and with
 * `referencedTable` writes `author.order=…`; the key is handled by query.ts.
 *
 * @example parseOrder('created_at.desc.nullslast,author(name).asc,data->>rank')
 */
export function parseOrder(text: string): OrderTerm[] {
  return parseParam(pOrder, `failed to parse order (${text})`, text);
}

type Direction = NonNullable<OrderTerm['direction']>;
type Nulls = NonNullable<OrderTerm['nulls']>;

function afterDelimiter<T extends string>(name: string, value: T): Parser<T> {
  return attempt(seq([pDelimiter, string(name)], () => value));
}

const pOrdDir: Parser<Direction> = alt(afterDelimiter('asc', 'asc'), afterDelimiter('desc', 'desc'));

const pNulls: Parser<Nulls> = alt(afterDelimiter('nullsfirst', 'first'), afterDelimiter('nullslast', 'last'));

const pTermEnd: Parser<unknown> = alt<unknown>(attempt(lookAhead(char(','))), attempt(eof));

/** `[.asc|.desc][.nullsfirst|.nullslast]`, then the end of the term. */
const pModifiers: Parser<{ direction?: Direction; nulls?: Nulls }> = seq(
  [
    optionMaybe(pOrdDir),
    alt(
      seq([optionMaybe(pNulls), pTermEnd], (nulls) => nulls),
      map(pTermEnd, () => undefined),
    ),
  ],
  (direction, nulls) => ({
    ...(direction !== undefined && { direction }),
    ...(nulls !== undefined && { nulls }),
  }),
);

const pOrderTerm: Parser<OrderTerm> = seq([pField, pModifiers], (field, modifiers) => ({
  field,
  ...modifiers,
}));

const pOrderRelationTerm: Parser<OrderTerm> = seq(
  [pFieldName, between(char('('), char(')'), pField), pModifiers],
  (relation, field, modifiers) => ({ relation, field, ...modifiers }),
);

const pOrder: Parser<OrderTerm[]> = sepBy1(lexeme(alt(attempt(pOrderRelationTerm), pOrderTerm)), char(','));

import type { AggregateFunction, Field, SelectItem } from '../ast.ts';
import { aliasSeparator, lexeme, pField, pFieldName, pIdentifier } from './lexical.ts';
import { parseParam } from './parse-error.ts';
import {
  alt,
  attempt,
  between,
  char,
  eof,
  lazy,
  lookAhead,
  map,
  nested,
  optionMaybe,
  type Parser,
  sepBy,
  seq,
  string,
  where,
  zero,
} from './parsec.ts';

/**
 * The `select` parameter, after PostgREST's `pFieldForest`:
 *
 *     forest   = tree *("," tree)            (may be empty: `rel()`)
 *     tree     = "..." name params "(" forest ")"            spread
 *              | [alias ":"] name params "(" forest ")"     embed
 *              | "*" | [alias ":"] "count()" ["::" cast]
 *              | [alias ":"] field ["::" cast] ["." agg "()"] ["::" cast]
 *     params   = ["!" (left | inner | hint)] ["!" (left | inner | hint)]
 *
 * Whitespace (space, tab) is allowed around items and commas; postgrest-js strips it anyway.
 *
 * @example parseSelect('id,author:profiles!posts_author_id_fkey(name),comments!inner(count())')
 */
export function parseSelect(text: string): SelectItem[] {
  return parseParam(pFieldForest, `failed to parse select parameter (${text})`, text);
}

interface EmbedHead {
  readonly relation: string;
  readonly alias?: string;
  readonly hint?: string;
  readonly join?: 'left' | 'inner';
}

type EmbedParam = { readonly hint: string } | { readonly join: 'left' | 'inner' };

const pEmbedParam: Parser<EmbedParam> = seq(
  [
    char('!'),
    alt<EmbedParam>(
      map(attempt(string('left')), () => ({ join: 'left' as const })),
      map(attempt(string('inner')), () => ({ join: 'inner' as const })),
      attempt(map(pFieldName, (hint) => ({ hint }))),
    ),
  ],
  (_, param) => param,
);

/** Up to two `!` parameters; the first hint and the first join type win. */
const pEmbedParams: Parser<{ hint?: string; join?: 'left' | 'inner' }> = seq(
  [optionMaybe(pEmbedParam), optionMaybe(pEmbedParam)],
  (...params) => {
    let hint: string | undefined;
    let join: 'left' | 'inner' | undefined;
    for (const param of params) {
      if (param !== undefined && 'hint' in param) hint ??= param.hint;
      if (param !== undefined && 'join' in param) join ??= param.join;
    }
    return { ...(hint !== undefined && { hint }), ...(join !== undefined && { join }) };
  },
);

const pAliasPrefix: Parser<string> = attempt(seq([pFieldName, aliasSeparator], (alias) => alias));

const pOpenParen: Parser<unknown> = attempt(lookAhead(string('(')));

const pRelationSelect: Parser<EmbedHead> = lexeme(
  seq(
    [
      optionMaybe(pAliasPrefix),
      // `count()` is the aggregate, not an embed of a relation named count.
      where(pFieldName, (name) => name !== 'count'),
      pEmbedParams,
      pOpenParen,
    ],
    (alias, relation, params) => ({ relation, ...(alias !== undefined && { alias }), ...params }),
  ),
);

const pSpreadRelationSelect: Parser<EmbedHead> = lexeme(
  seq([string('...'), pFieldName, pEmbedParams, pOpenParen], (_, relation, params) => ({
    relation,
    ...params,
  })),
);

const pCast: Parser<string> = seq([string('::'), pIdentifier], (_, cast) => cast);

const pAggregation: Parser<AggregateFunction> = alt<AggregateFunction>(
  map(string('sum'), () => 'sum' as const),
  map(string('avg'), () => 'avg' as const),
  map(string('count'), () => 'count' as const),
  map(attempt(string('max')), () => 'max' as const),
  map(attempt(string('min')), () => 'min' as const),
  zero,
);

/** An item must end where the list or the enclosing embed does. */
const pItemEnd: Parser<unknown> = alt<unknown>(
  attempt(lookAhead(string(')'))),
  attempt(lookAhead(string(','))),
  attempt(eof),
);

const STAR: SelectItem = { type: 'star' };

const pFieldSelect: Parser<SelectItem> = lexeme(
  alt<SelectItem>(
    attempt(seq([string('*'), pItemEnd], () => STAR)),
    attempt(
      seq([optionMaybe(pAliasPrefix), string('count()'), optionMaybe(pCast), pItemEnd], (alias, _, cast) => ({
        type: 'count' as const,
        ...(alias !== undefined && { alias }),
        ...(cast !== undefined && { cast }),
      })),
    ),
    seq(
      [
        optionMaybe(pAliasPrefix),
        pField,
        optionMaybe(pCast),
        optionMaybe(attempt(seq([char('.'), pAggregation, string('()')], (_, fn) => fn))),
        optionMaybe(pCast),
        pItemEnd,
      ],
      (alias, field, cast, aggregate, aggregateCast) =>
        fieldItem(alias, field, cast, aggregate, aggregateCast),
    ),
  ),
);

function fieldItem(
  alias: string | undefined,
  field: Field,
  cast: string | undefined,
  aggregate: AggregateFunction | undefined,
  aggregateCast: string | undefined,
): SelectItem {
  // PostgREST does not tell `*` from `"*"` once parsed.
  const bare =
    alias === undefined && cast === undefined && aggregate === undefined && aggregateCast === undefined;
  if (bare && field.name === '*' && field.path.length === 0) return STAR;
  return {
    type: 'field',
    field,
    ...(alias !== undefined && { alias }),
    ...(cast !== undefined && { cast }),
    ...(aggregate !== undefined && { aggregate }),
    ...(aggregateCast !== undefined && { aggregateCast }),
  };
}

function embed(head: EmbedHead, spread: boolean, select: SelectItem[]): SelectItem {
  return {
    type: 'embed',
    relation: head.relation,
    ...(head.alias !== undefined && { alias: head.alias }),
    ...(head.hint !== undefined && { hint: head.hint }),
    join: head.join ?? 'left',
    spread,
    select,
  };
}

const pFieldTree: Parser<SelectItem> = lazy(() => {
  const body = between(char('('), char(')'), pFieldForest);
  return alt<SelectItem>(
    seq([attempt(pSpreadRelationSelect), body], (head, select) => embed(head, true, select)),
    seq([attempt(pRelationSelect), body], (head, select) => embed(head, false, select)),
    pFieldSelect,
  );
});

const pFieldForest: Parser<SelectItem[]> = nested(sepBy(pFieldTree, lexeme(char(','))));

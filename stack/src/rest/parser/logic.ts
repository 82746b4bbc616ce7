import type { Condition, EmbedPath } from '../ast.ts';
import { finishFilter, pOpExpr, pQuotedItem } from './filter.ts';
import { lexeme, pDelimiter, pField, pFieldName } from './lexical.ts';
import { parseParam } from './parse-error.ts';
import {
  alt,
  attempt,
  between,
  char,
  label,
  lazy,
  many,
  map,
  nested,
  noneOf,
  type Parser,
  pure,
  sepBy1,
  seq,
  string,
} from './parsec.ts';

/**
 * `and=(…)` / `or=(…)` / `not.or=(…)` and their embedded forms (`author.or=(…)`), after
 * PostgREST's `pLogicTree`. The key's operator is glued in front of the value, so `or=(a.eq.1)`
 * parses `or(a.eq.1)` (and error columns count from there, as PostgREST's do):
 *
 *     tree   = field "." opExpr                       a leaf, `col.not.eq.5`
 *            | ["not."] ("and" | "or") "(" tree *("," tree) ")"
 *     value  = `"…"` | `{…}` | up to the next `,` or `)`
 *
 * @example parseLogicTree('or', '(age.gte.18,and(name.like.A*,tags.cs.{a,b}))')
 */
export function parseLogicTree(key: string, value: string): { path: EmbedPath; condition: Condition } {
  const { path, operator } = parseParam(pLogicPath, `failed to parse logic path (${key})`, key);
  const tree = parseParam(pLogicTree, `failed to parse logic tree (${value})`, operator + value);
  return { path, condition: finishCondition(tree) };
}

function finishCondition(condition: Condition): Condition {
  if (condition.type === 'filter') return finishFilter(condition);
  return { ...condition, children: condition.children.map(finishCondition) };
}

/** `a.b.not.or` → path `[a, b]`, operator `not.or`; a `not` anywhere negates. */
const pLogicPath: Parser<{ path: EmbedPath; operator: string }> = map(
  sepBy1(pFieldName, pDelimiter),
  (names) => {
    const operator = names[names.length - 1] ?? '';
    const prefix = names.slice(0, -1);
    return {
      path: prefix.filter((name) => name !== 'not'),
      operator: prefix.includes('not') ? `not.${operator}` : operator,
    };
  },
);

/** A `{…}` array literal, kept verbatim so its commas do not split the tree. */
const pPgArray: Parser<string> = seq(
  [string('{'), many(noneOf('{}')), string('}')],
  (_, body) => `{${body.join('')}}`,
);

const pLogicSingleVal: Parser<string> = alt(
  pQuotedItem,
  attempt(pPgArray),
  map(many(noneOf(',)')), (chars) => chars.join('')),
);

const pLogicOpExpr = pOpExpr(pLogicSingleVal);

const pLogicFilter = seq(
  [pField, pDelimiter, pLogicOpExpr],
  (field, _, expr): Condition => ({ type: 'filter', field, ...expr }),
);

const pNot: Parser<boolean> = label(
  alt(attempt(seq([string('not'), pDelimiter], () => true)), pure(false)),
  'negation operator (not)',
);

const pLogicOp: Parser<'and' | 'or'> = label(
  alt<'and' | 'or'>(
    map(attempt(string('and')), () => 'and' as const),
    map(string('or'), () => 'or' as const),
  ),
  'logic operator (and, or)',
);

const pLogicTree: Parser<Condition> = lazy(() =>
  alt(
    attempt(pLogicFilter),
    seq(
      [
        pNot,
        pLogicOp,
        between(lexeme(char('(')), lexeme(char(')')), nested(sepBy1(pLogicTree, lexeme(char(','))))),
      ],
      (negated, operator, children): Condition => ({ type: 'logic', operator, negated, children }),
    ),
  ),
);

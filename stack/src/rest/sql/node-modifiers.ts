import type { Filter, NodeModifiers, OrderTerm } from '../ast.ts';
import { PostgrestError } from '../errors.ts';
import { findRelation } from '../schema-cache/index.ts';
import { type ConditionScope, conditionSql, fieldRef } from './conditions.ts';
import { ident, qualified } from './params.ts';
import { type EmbedLink, type EmbedNode, namesEmbed, type ReadContext } from './read-context.ts';

/**
 * Conditions, order and page of one node (root or embed), found by its chain of embed links.
 * Several query keys may reach one node (by alias and by relation name): their conditions are
 * ANDed, the first order wins, the last limit and offset win.
 */
export function modifiersAt(ctx: ReadContext, chain: readonly EmbedLink[]): NodeModifiers | undefined {
  const matches = ctx.request.modifiers.filter(
    (m) =>
      m.path.length === chain.length &&
      m.path.every((segment, i) => namesEmbed(segment, chain[i] as EmbedLink)),
  );
  if (matches.length <= 1) return matches[0];
  const merged: NodeModifiers = { path: matches[0]?.path ?? [], conditions: [], order: [] };
  return matches.reduce<NodeModifiers>(
    (acc, m) => ({
      path: acc.path,
      conditions: [...acc.conditions, ...m.conditions],
      order: acc.order.length > 0 ? acc.order : m.order,
      ...((m.limit ?? acc.limit) !== undefined && { limit: m.limit ?? acc.limit }),
      ...((m.offset ?? acc.offset) !== undefined && { offset: m.offset ?? acc.offset }),
    }),
    merged,
  );
}

/** PGRST108 for query keys (`rel.col=…`, `rel.order=…`) whose embed path is not selected. */
export function assertModifiersEmbedded(ctx: ReadContext, roots: readonly EmbedNode[]): void {
  for (const m of ctx.request.modifiers) {
    let level = roots;
    for (const segment of m.path) {
      const found = level.find((embed) => namesEmbed(segment, embed));
      if (!found) throw notEmbedded(segment);
      level = found.children;
    }
  }
}

function notEmbedded(name: string): PostgrestError {
  return new PostgrestError(400, 'PGRST108', `'${name}' is not an embedded resource in this request`, {
    hint: `Verify that '${name}' is included in the 'select' query parameter.`,
  });
}

/**
 * The WHERE conditions of a node. `rel=is.null` / `rel=not.is.null` on an embed test its
 * presence (anti-join / semi-join), also inside logic trees (`or=(a.not.is.null,b.not.is.null)`);
 * any other operator on an embed is PGRST120. A name that is also a column is the column.
 */
export function whereParts(
  scope: ConditionScope,
  mods: NodeModifiers | undefined,
  embeds: readonly EmbedNode[],
): string[] {
  const presence = (leaf: Filter): string | undefined => {
    if (leaf.field.path.length > 0 || scope.relation.columns.some((c) => c.name === leaf.field.name)) {
      return undefined;
    }
    const embed = embeds.find((e) => namesEmbed(leaf.field.name, e));
    if (!embed) return undefined;
    const value = typeof leaf.value === 'string' ? leaf.value.toLowerCase() : '';
    if (leaf.operator !== 'is' || value !== 'null') {
      throw new PostgrestError(
        400,
        'PGRST120',
        `Bad operator on the '${leaf.field.name}' embedded resource`,
        {
          details: 'Only is null or not is null filters are allowed on embedded resources',
        },
      );
    }
    const ref = `${ident(embed.lateralAlias)}.${ident('pgrst_json')}`;
    const absent = embed.toMany ? `coalesce(json_array_length(${ref}), 0) = 0` : `${ref} is null`;
    return leaf.negated ? `not (${absent})` : absent;
  };
  return (mods?.conditions ?? []).map((condition) => conditionSql(scope, condition, presence));
}

/** ` order by …` for a node; `rel(col)` terms need a selected to-one embed. */
export function orderSql(
  ctx: ReadContext,
  scope: ConditionScope,
  terms: readonly OrderTerm[],
  embeds: readonly EmbedNode[],
): string {
  if (terms.length === 0) return '';
  const parts = terms.map((term) => {
    const expr = term.relation ? relatedOrderExpr(ctx, scope, term, embeds) : fieldRef(scope, term.field).sql;
    const direction = term.direction ? ` ${term.direction}` : '';
    const nulls = term.nulls ? ` nulls ${term.nulls}` : '';
    return `${expr}${direction}${nulls}`;
  });
  return ` order by ${parts.join(', ')}`;
}

/** `order=rel(col)`: the column of the embedded to-one row, as a scalar subquery. */
function relatedOrderExpr(
  ctx: ReadContext,
  scope: ConditionScope,
  term: OrderTerm,
  embeds: readonly EmbedNode[],
): string {
  const name = term.relation as string;
  const embed = embeds.find((e) => namesEmbed(name, e));
  if (!embed) throw notEmbedded(name);
  const rel = embed.relationship;
  if (rel.type !== 'foreign-key' || rel.cardinality === 'one-to-many') {
    throw new PostgrestError(400, 'PGRST118', `A related order on '${name}' is not possible`, {
      details: `'${scope.relation.name}' and '${name}' do not form a many-to-one or one-to-one relationship`,
    });
  }
  const target = findRelation(ctx.cache, rel.foreignTable.schema, rel.foreignTable.name);
  const subAlias = ctx.nextAlias();
  const value = fieldRef({ relation: target, alias: subAlias, params: ctx.params }, term.field).sql;
  const link = rel.columns.map(
    ([own, other]) => `${ident(subAlias)}.${ident(other)} = ${ident(scope.alias)}.${ident(own)}`,
  );
  return `(select ${value} from ${qualified(target)} as ${ident(subAlias)} where ${link.join(' and ')})`;
}

import type { Relation } from '../schema-cache/index.ts';
import type { ConditionScope } from './conditions.ts';
import { buildNode } from './node.ts';
import { assertModifiersEmbedded, modifiersAt, orderSql, whereParts } from './node-modifiers.ts';
import { ident, qualified } from './params.ts';
import type { ReadContext } from './read-context.ts';

/**
 * Builds the SELECT behind a read: the root relation with its select items, embedded resources
 * as lateral subqueries producing JSON, conditions, order and page. Every name is resolved
 * against the schema cache before it becomes SQL; every value is a parameter.
 */
export type { ReadContext } from './read-context.ts';

/** Where the root rows come from: a table (by name) or a CTE/function already aliased. */
export interface RootSource {
  readonly relation: Relation;
  /** FROM item; defaults to the relation itself. */
  readonly from?: string;
}

export interface BuiltSelect {
  /** SELECT ... FROM ... WHERE ... ORDER BY ... LIMIT/OFFSET */
  readonly sql: string;
  /** The same rows without order and page, selecting nothing: for counts. */
  readonly countSql: string;
}

/** The root read. */
export function buildRead(ctx: ReadContext, source: RootSource): BuiltSelect {
  const alias = ctx.nextAlias();
  const from = `${source.from ?? qualified(source.relation)} as ${ident(alias)}`;
  const scope: ConditionScope = { relation: source.relation, alias, params: ctx.params };
  const node = buildNode(ctx, scope, ctx.request.select, []);
  assertModifiersEmbedded(ctx, node.embeds);
  const mods = modifiersAt(ctx, []);
  const conditions = whereParts(scope, mods, node.embeds);
  const where = conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '';
  const joins = node.joins.join(' ');
  const order = orderSql(ctx, scope, mods?.order ?? [], node.embeds);
  const limit = Math.min(mods?.limit ?? Number.POSITIVE_INFINITY, ctx.maxRows ?? Number.POSITIVE_INFINITY);
  const page = `${Number.isFinite(limit) ? ` limit ${limit}` : ''}${mods?.offset ? ` offset ${mods.offset}` : ''}`;
  const selectList = node.items.length > 0 ? node.items.join(', ') : 'null::int as "pgrst_empty"';
  return {
    sql: `select ${selectList} from ${from} ${joins}${where}${order}${page}`,
    countSql: `select 1 from ${from} ${joins}${where}`,
  };
}

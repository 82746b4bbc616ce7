import type { EmbedPath, Field, NodeModifiers, OrderTerm, QueryRequest, SelectItem } from '../ast.ts';
import { PostgrestError } from '../errors.ts';
import {
  findRelation,
  findRelationship,
  type Relation,
  type Relationship,
  type SchemaCache,
} from '../schema-cache/index.ts';
import { type ConditionScope, columnRef, conditionSql, fieldRef } from './conditions.ts';
import { ident, isSafeTypeName, type Params, qualified } from './params.ts';

/**
 * Builds the SELECT behind a read: the root relation with its select items, embedded resources
 * as lateral subqueries producing JSON, conditions, order and page. Every name is resolved
 * against the schema cache before it becomes SQL; every value is a parameter.
 */
export interface ReadContext {
  readonly cache: SchemaCache;
  readonly schema: string;
  readonly params: Params;
  readonly request: QueryRequest;
  /** `[api] max_rows`: the root page never exceeds it. */
  readonly maxRows: number | undefined;
  /** Source of unique aliases within one statement. */
  nextAlias(): string;
}

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
  /** Output names in order (for CSV headers of empty results). */
  readonly columns: readonly string[];
}

interface Joined {
  readonly sql: string;
  readonly outputs: readonly string[];
}

const samePath = (a: EmbedPath, b: EmbedPath) => a.length === b.length && a.every((p, i) => p === b[i]);

function modifiersFor(ctx: ReadContext, path: EmbedPath): NodeModifiers | undefined {
  return ctx.request.modifiers.find((m) => samePath(m.path, path));
}

/** The root read. */
export function buildRead(ctx: ReadContext, source: RootSource): BuiltSelect {
  const alias = ctx.nextAlias();
  const from = `${source.from ?? qualified(source.relation)} as ${ident(alias)}`;
  const node = buildNode(ctx, source.relation, alias, ctx.request.select, []);
  const mods = modifiersFor(ctx, []);
  const where = whereSql(
    ctx,
    { relation: source.relation, alias, params: ctx.params },
    mods,
    node.embedScopes,
  );
  const joins = node.joins.map((j) => j.sql).join(' ');
  const order = orderSql(ctx, source.relation, alias, mods?.order ?? []);
  const limit = Math.min(mods?.limit ?? Number.POSITIVE_INFINITY, ctx.maxRows ?? Number.POSITIVE_INFINITY);
  const page = `${Number.isFinite(limit) ? ` limit ${limit}` : ''}${mods?.offset ? ` offset ${mods.offset}` : ''}`;
  const selectList = node.items.length > 0 ? node.items.join(', ') : 'null::int as "pgrst_empty"';
  return {
    sql: `select ${selectList} from ${from} ${joins}${where}${order}${page}`,
    countSql: `select 1 from ${from} ${joins}${where}`,
    columns: node.outputs,
  };
}

interface NodeParts {
  readonly items: string[];
  readonly outputs: string[];
  readonly joins: Joined[];
  /** Embed output name → the lateral alias and whether it is to-many, for presence filters. */
  readonly embedScopes: Map<string, { alias: string; toMany: boolean }>;
}

/** Select items of one relation (root or embedded) under `alias`. */
function buildNode(
  ctx: ReadContext,
  relation: Relation,
  alias: string,
  select: readonly SelectItem[],
  path: EmbedPath,
): NodeParts {
  const scope: ConditionScope = { relation, alias, params: ctx.params };
  const parts: NodeParts = { items: [], outputs: [], joins: [], embedScopes: new Map() };
  for (const item of select) {
    switch (item.type) {
      case 'star':
        for (const column of relation.columns) {
          parts.items.push(`${ident(alias)}.${ident(column.name)}`);
          parts.outputs.push(column.name);
        }
        break;
      case 'field': {
        if (item.aggregate) throw aggregatesDisabled();
        const { sql } = fieldRef(scope, item.field);
        const name = item.alias ?? outputName(item.field);
        parts.items.push(`${cast(sql, item.cast)} as ${ident(name)}`);
        parts.outputs.push(name);
        break;
      }
      case 'count':
        throw aggregatesDisabled();
      case 'embed': {
        const name = item.alias ?? item.relation;
        const embed = buildEmbed(ctx, relation, alias, item, [...path, name]);
        parts.joins.push(embed.join);
        parts.embedScopes.set(name, { alias: embed.alias, toMany: embed.toMany });
        if (item.select.length === 0) break; // `rel()` only filters
        if (item.spread) {
          if (embed.toMany) throw spreadToMany(relation.name, item.relation);
          for (const output of embed.outputs) {
            parts.items.push(`${ident(embed.alias)}.${ident(output)}`);
            parts.outputs.push(output);
          }
        } else {
          parts.items.push(`${ident(embed.alias)}.${ident('pgrst_json')} as ${ident(name)}`);
          parts.outputs.push(name);
        }
        break;
      }
    }
  }
  return parts;
}

/** PostgREST names a JSON path after its last key; array indexes never name it (`arr->0` is `arr`). */
function outputName(field: Field): string {
  const keys = field.path.filter((step) => typeof step.key === 'string');
  return keys.length > 0 ? String(keys.at(-1)?.key) : field.name;
}

function cast(sql: string, type: string | undefined): string {
  if (!type) return sql;
  if (!isSafeTypeName(type)) {
    throw new PostgrestError(400, 'PGRST100', `failed to parse select parameter (::${type})`, {
      details: 'unexpected type name',
    });
  }
  return `(${sql})::${type}`;
}

interface Embed {
  readonly alias: string;
  readonly join: Joined;
  readonly toMany: boolean;
  readonly outputs: readonly string[];
}

function buildEmbed(
  ctx: ReadContext,
  parent: Relation,
  parentAlias: string,
  item: Extract<SelectItem, { type: 'embed' }>,
  path: EmbedPath,
): Embed {
  const rel = findRelationship(ctx.cache, parent, item.relation, item.hint);
  if (rel.type === 'computed') {
    throw new PostgrestError(
      400,
      'PGRST100',
      `embedding the computed relationship '${item.relation}' is not supported`,
    );
  }
  const target = findRelation(ctx.cache, rel.foreignTable.schema, rel.foreignTable.name);
  const childAlias = ctx.nextAlias();
  const lateralAlias = ctx.nextAlias();
  const child = buildNode(ctx, target, childAlias, item.select, path);
  const mods = modifiersFor(ctx, path);
  const scope: ConditionScope = { relation: target, alias: childAlias, params: ctx.params };
  const link = linkSql(ctx, rel, parentAlias, childAlias);
  const conditions = whereParts(ctx, scope, mods, child.embedScopes);
  const where = ` where ${[link.condition, ...conditions].join(' and ')}`;
  const order = orderSql(ctx, target, childAlias, mods?.order ?? []);
  const page = `${mods?.limit !== undefined ? ` limit ${mods.limit}` : ''}${mods?.offset ? ` offset ${mods.offset}` : ''}`;
  const items = child.items.length > 0 ? child.items.join(', ') : 'null::int as "pgrst_empty"';
  const rows = `select ${items} from ${qualified(target)} as ${ident(childAlias)}${link.from} ${child.joins
    .map((j) => j.sql)
    .join(' ')}${where}${order}${page}`;

  const toMany = rel.cardinality === 'one-to-many' || rel.cardinality === 'many-to-many';
  const inner = item.join === 'inner';
  const kind = inner ? 'inner join lateral' : 'left join lateral';
  let sql: string;
  if (item.spread) {
    sql = `${kind} (${rows}) as ${ident(lateralAlias)} on true`;
  } else if (toMany) {
    const agg = inner
      ? `select json_agg(r) as "pgrst_json" from (${rows}) as r having count(*) > 0`
      : `select coalesce(json_agg(r), '[]'::json) as "pgrst_json" from (${rows}) as r`;
    sql = `${kind} (${agg}) as ${ident(lateralAlias)} on true`;
  } else {
    sql = `${kind} (select row_to_json(r) as "pgrst_json" from (${rows}) as r) as ${ident(lateralAlias)} on true`;
  }
  return { alias: lateralAlias, join: { sql, outputs: child.outputs }, toMany, outputs: child.outputs };
}

/** How the embedded rows relate to the parent row: a join condition, plus a junction for m2m. */
function linkSql(
  ctx: ReadContext,
  rel: Exclude<Relationship, { type: 'computed' }>,
  parentAlias: string,
  childAlias: string,
): { condition: string; from: string } {
  if (rel.type === 'foreign-key') {
    const pairs = rel.columns.map(
      ([own, other]) => `${ident(childAlias)}.${ident(other)} = ${ident(parentAlias)}.${ident(own)}`,
    );
    return { condition: pairs.join(' and '), from: '' };
  }
  const junctionAlias = ctx.nextAlias();
  const j = rel.junction;
  const on = j.targetColumns.map(
    ([t, jc]) => `${ident(junctionAlias)}.${ident(jc)} = ${ident(childAlias)}.${ident(t)}`,
  );
  const condition = j.sourceColumns.map(
    ([s, jc]) => `${ident(junctionAlias)}.${ident(jc)} = ${ident(parentAlias)}.${ident(s)}`,
  );
  return {
    condition: condition.join(' and '),
    from: ` join ${qualified(j.table)} as ${ident(junctionAlias)} on ${on.join(' and ')}`,
  };
}

function whereSql(
  ctx: ReadContext,
  scope: ConditionScope,
  mods: NodeModifiers | undefined,
  embeds: NodeParts['embedScopes'],
): string {
  const parts = whereParts(ctx, scope, mods, embeds);
  return parts.length > 0 ? ` where ${parts.join(' and ')}` : '';
}

/**
 * Conditions of a node. `rel=is.null` / `rel=not.is.null` on an embed filter by presence
 * (anti-/semi-join); any other operator on an embed is PGRST120.
 */
function whereParts(
  _ctx: ReadContext,
  scope: ConditionScope,
  mods: NodeModifiers | undefined,
  embeds: NodeParts['embedScopes'],
): string[] {
  const parts: string[] = [];
  for (const condition of mods?.conditions ?? []) {
    const embed = condition.type === 'filter' ? embeds.get(condition.field.name) : undefined;
    if (
      condition.type === 'filter' &&
      embed &&
      !scope.relation.columns.some((c) => c.name === condition.field.name)
    ) {
      const value = typeof condition.value === 'string' ? condition.value : '';
      if (condition.operator !== 'is' || value !== 'null') {
        throw new PostgrestError(
          400,
          'PGRST120',
          'Only is null or not is null filters are allowed on embedded resources',
        );
      }
      const ref = `${ident(embed.alias)}.${ident('pgrst_json')}`;
      const absent = embed.toMany ? `json_array_length(${ref}) = 0` : `${ref} is null`;
      parts.push(condition.negated ? `not (${absent})` : absent);
      continue;
    }
    parts.push(conditionSql(scope, condition));
  }
  return parts;
}

function orderSql(ctx: ReadContext, relation: Relation, alias: string, terms: readonly OrderTerm[]): string {
  if (terms.length === 0) return '';
  const scope: ConditionScope = { relation, alias, params: ctx.params };
  const parts = terms.map((term) => {
    const expr = term.relation
      ? relatedOrderExpr(ctx, relation, alias, term)
      : fieldRef(scope, term.field).sql;
    const direction = term.direction ? ` ${term.direction}` : '';
    const nulls = term.nulls ? ` nulls ${term.nulls}` : '';
    return `${expr}${direction}${nulls}`;
  });
  return ` order by ${parts.join(', ')}`;
}

/** `order=rel(col)`: a scalar subquery over a to-one relationship. */
function relatedOrderExpr(ctx: ReadContext, relation: Relation, alias: string, term: OrderTerm): string {
  const rel = findRelationship(ctx.cache, relation, term.relation as string);
  if (rel.type !== 'foreign-key' || rel.cardinality === 'one-to-many') {
    throw new PostgrestError(400, 'PGRST118', `A related order on '${term.relation}' is not possible`, {
      details: `'${relation.name}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`,
    });
  }
  const target = findRelation(ctx.cache, rel.foreignTable.schema, rel.foreignTable.name);
  const subAlias = ctx.nextAlias();
  const value = fieldRef({ relation: target, alias: subAlias, params: ctx.params }, term.field).sql;
  const link = rel.columns.map(
    ([own, other]) => `${ident(subAlias)}.${ident(other)} = ${ident(alias)}.${ident(own)}`,
  );
  return `(select ${value} from ${qualified(target)} as ${ident(subAlias)} where ${link.join(' and ')})`;
}

function aggregatesDisabled(): PostgrestError {
  return new PostgrestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
}

function spreadToMany(parent: string, target: string): PostgrestError {
  return new PostgrestError(400, 'PGRST119', `A spread operation on '${target}' is not possible`, {
    details: `'${parent}' and '${target}' do not form a many-to-one or one-to-one relationship`,
  });
}

export { columnRef };

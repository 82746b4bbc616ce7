import type { Field, SelectItem } from '../ast.ts';
import { PostgrestError } from '../errors.ts';
import { findRelation, findRelationship, type Relationship } from '../schema-cache/index.ts';
import { type ConditionScope, fieldRef } from './conditions.ts';
import { modifiersAt, orderSql, whereParts } from './node-modifiers.ts';
import { ident, isSafeTypeName, qualified } from './params.ts';
import type { EmbedLink, EmbedNode, ReadContext } from './read-context.ts';

/** The select list of one node (root or embed) and the LATERAL joins its embeds need. */
export interface NodeParts {
  readonly items: string[];
  /** Output names in order: what a spread lifts into the parent. */
  readonly outputs: string[];
  readonly joins: string[];
  readonly embeds: EmbedNode[];
}

/** Select items of `scope.relation` under `scope.alias`; `chain` is the embed path to it. */
export function buildNode(
  ctx: ReadContext,
  scope: ConditionScope,
  select: readonly SelectItem[],
  chain: readonly EmbedLink[],
): NodeParts {
  const parts: NodeParts = { items: [], outputs: [], joins: [], embeds: [] };
  for (const item of select) {
    switch (item.type) {
      case 'star':
        for (const column of scope.relation.columns) {
          parts.items.push(`${ident(scope.alias)}.${ident(column.name)}`);
          parts.outputs.push(column.name);
        }
        break;
      case 'field': {
        if (item.aggregate) throw aggregatesDisabled();
        const name = item.alias ?? outputName(item.field);
        parts.items.push(`${cast(fieldRef(scope, item.field).sql, item.cast)} as ${ident(name)}`);
        parts.outputs.push(name);
        break;
      }
      case 'count':
        throw aggregatesDisabled();
      case 'embed': {
        const embed = buildEmbed(ctx, scope, item, chain);
        parts.joins.push(embed.join);
        parts.embeds.push(embed.node);
        if (item.select.length === 0) break; // `rel()` only filters
        if (item.spread) {
          for (const output of embed.outputs) {
            parts.items.push(`${ident(embed.node.lateralAlias)}.${ident(output)}`);
            parts.outputs.push(output);
          }
        } else {
          parts.items.push(
            `${ident(embed.node.lateralAlias)}.${ident('pgrst_json')} as ${ident(embed.node.name)}`,
          );
          parts.outputs.push(embed.node.name);
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

type EmbedItem = Extract<SelectItem, { type: 'embed' }>;

/**
 * One embed as a LATERAL subquery. To-one embeds give `row_to_json` (or NULL), to-many a JSON
 * array; `!inner` drops parents without a row; a spread lifts the child's columns into the
 * parent (each an array for a to-many spread).
 */
function buildEmbed(
  ctx: ReadContext,
  parent: ConditionScope,
  item: EmbedItem,
  chain: readonly EmbedLink[],
): { join: string; node: EmbedNode; outputs: readonly string[] } {
  const relationship = findRelationship(ctx.cache, parent.relation, item.relation, item.hint);
  if (relationship.type === 'computed') {
    throw new PostgrestError(
      400,
      'PGRST100',
      `embedding the computed relationship '${item.relation}' is not supported`,
    );
  }
  const target = findRelation(ctx.cache, relationship.foreignTable.schema, relationship.foreignTable.name);
  const path = [...chain, { name: item.alias ?? item.relation, relation: item.relation }];
  const scope: ConditionScope = {
    relation: target,
    alias: ctx.nextAlias(),
    params: ctx.params,
    // PostgREST aliases embedded tables `<table>_<depth>`, except the target of a junction.
    label: relationship.type === 'many-to-many' ? target.name : `${target.name}_${path.length}`,
  };
  const lateralAlias = ctx.nextAlias();
  const child = buildNode(ctx, scope, item.select, path);
  const mods = modifiersAt(ctx, path);
  const link = linkSql(ctx, relationship, parent.alias, scope.alias);
  const where = ` where ${[link.condition, ...whereParts(scope, mods, child.embeds)].join(' and ')}`;
  const order = orderSql(ctx, scope, mods?.order ?? [], child.embeds);
  const page = `${mods?.limit !== undefined ? ` limit ${mods.limit}` : ''}${mods?.offset ? ` offset ${mods.offset}` : ''}`;
  const items = child.items.length > 0 ? child.items.join(', ') : 'null::int as "pgrst_empty"';
  const rows = `select ${items} from ${qualified(target)} as ${ident(scope.alias)}${link.from} ${child.joins.join(' ')}${where}${order}${page}`;

  const toMany = relationship.cardinality === 'one-to-many' || relationship.cardinality === 'many-to-many';
  const inner = item.join === 'inner';
  const having = inner ? ' having count(*) > 0' : '';
  let subquery: string;
  if (item.spread && toMany) {
    const columns = child.outputs.map((o) => {
      const values = `json_agg(r.${ident(o)})`;
      return `${inner ? values : `coalesce(${values}, '[]'::json)`} as ${ident(o)}`;
    });
    // `pgrst_json` keeps one element per row, for `rel=is.null` presence tests.
    const presence = `coalesce(json_agg(null::int), '[]'::json) as "pgrst_json"`;
    subquery = `select ${[...columns, presence].join(', ')} from (${rows}) as r${having}`;
  } else if (item.spread) {
    subquery = `select r.*, 1 as "pgrst_json" from (${rows}) as r`;
  } else if (toMany) {
    subquery = inner
      ? `select json_agg(r) as "pgrst_json" from (${rows}) as r${having}`
      : `select coalesce(json_agg(r), '[]'::json) as "pgrst_json" from (${rows}) as r`;
  } else {
    subquery = `select row_to_json(r) as "pgrst_json" from (${rows}) as r`;
  }
  const node: EmbedNode = {
    ...(path.at(-1) as EmbedLink),
    lateralAlias,
    toMany,
    relationship,
    target,
    children: child.embeds,
  };
  const kind = inner ? 'inner join lateral' : 'left join lateral';
  return { join: `${kind} (${subquery}) as ${ident(lateralAlias)} on true`, node, outputs: child.outputs };
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

function aggregatesDisabled(): PostgrestError {
  return new PostgrestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
}

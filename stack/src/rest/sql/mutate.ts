import { PostgrestError } from '../errors.ts';
import type { Column, Relation } from '../schema-cache/index.ts';
import { type ConditionScope, conditionsSql } from './conditions.ts';
import { ident, type Params, qualified } from './params.ts';

/** Columns of `relation` by name; unknown names are PostgREST's PGRST204. */
export function payloadColumns(relation: Relation, names: readonly string[]): Column[] {
  return names.map((name) => {
    const column = relation.columns.find((c) => c.name === name);
    if (!column) {
      throw new PostgrestError(
        400,
        'PGRST204',
        `Could not find the '${name}' column of '${relation.name}' in the schema cache`,
      );
    }
    return column;
  });
}

/** `("a" integer, "b" text[])`: the record definition json_to_record(set) converts a body with. */
function recordDefinition(columns: readonly Column[]): string {
  return columns.map((c) => `${ident(c.name)} ${c.nominalType}`).join(', ');
}

export interface InsertOptions {
  readonly relation: Relation;
  readonly alias: string;
  readonly columns: readonly Column[];
  /** The body's rows, serialized; one parameter. */
  readonly rowsJson: string;
  /** `Prefer: missing=default`: absent keys take the column default instead of NULL. */
  readonly missingDefault: boolean;
  readonly onConflict?:
    | { readonly columns: readonly Column[]; readonly action: 'merge' | 'ignore' }
    | undefined;
  readonly returning: string | undefined;
  readonly params: Params;
  /**
   * Count inserted rows in the transaction-local `pgrst.inserted` (as PostgREST does): each
   * candidate row adds one, each one turned into an update by ON CONFLICT takes one away.
   */
  readonly countInserts?: boolean;
}

/** `set_config('pgrst.inserted', n ± 1)`, always true: a WHERE clause that only counts. */
function countInserted(delta: '+' | '-'): string {
  return `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${delta} 1)::text, true) <> '-1'`;
}

/** The number of rows an insert with `countInserts` inserted (NULL before any). */
export const INSERTED_SQL = `nullif(current_setting('pgrst.inserted', true), '')::int`;

export function insertSql(o: InsertOptions): string {
  const target = `${qualified(o.relation)} as ${ident(o.alias)}`;
  const names = o.columns.map((c) => ident(c.name)).join(', ');
  const body = o.params.typed(o.rowsJson, 'json');
  const counting = o.countInserts ? ` where ${countInserted('+')}` : '';
  let source: string;
  if (o.missingDefault) {
    const values = o.columns.map((c) => {
      const key = o.params.typed(c.name, 'text');
      const fallback = c.default ? `(${c.default})` : 'null';
      return `case when e.j::jsonb ? ${key} then x.${ident(c.name)} else ${fallback} end`;
    });
    source = `select ${values.join(', ')} from json_array_elements(${body}) with ordinality as e(j, n)
      cross join lateral json_to_record(e.j) as x(${recordDefinition(o.columns)})${counting} order by e.n`;
  } else {
    source = `select ${names} from json_to_recordset(${body}) as x(${recordDefinition(o.columns)})${counting}`;
  }
  let conflict = '';
  if (o.onConflict) {
    const keys = o.onConflict.columns.map((c) => ident(c.name)).join(', ');
    const updates = o.columns.map((c) => `${ident(c.name)} = excluded.${ident(c.name)}`).join(', ');
    conflict =
      o.onConflict.action === 'ignore' || updates === ''
        ? ` on conflict (${keys}) do nothing`
        : ` on conflict (${keys}) do update set ${updates}${o.countInserts ? ` where ${countInserted('-')}` : ''}`;
  }
  const columnList = o.columns.length > 0 ? ` (${names})` : '';
  const values = o.columns.length > 0 ? ` ${source}` : ' default values';
  return `insert into ${target}${columnList}${values}${conflict}${o.returning ? ` returning ${o.returning}` : ''}`;
}

export function updateSql(o: {
  relation: Relation;
  alias: string;
  columns: readonly Column[];
  rowJson: string;
  scope: ConditionScope;
  conditions: Parameters<typeof conditionsSql>[1];
  returning: string | undefined;
  params: Params;
}): string {
  const where = conditionsSql(o.scope, o.conditions);
  if (!where) throw new PostgrestError(400, '21000', 'UPDATE requires a WHERE clause');
  const sets = o.columns.map((c) => `${ident(c.name)} = x.${ident(c.name)}`).join(', ');
  const body = o.params.typed(o.rowJson, 'json');
  return `update ${qualified(o.relation)} as ${ident(o.alias)} set ${sets}
    from json_to_record(${body}) as x(${recordDefinition(o.columns)})
    where ${where}${o.returning ? ` returning ${o.returning}` : ''}`;
}

export function deleteSql(o: {
  relation: Relation;
  alias: string;
  scope: ConditionScope;
  conditions: Parameters<typeof conditionsSql>[1];
  returning: string | undefined;
}): string {
  const where = conditionsSql(o.scope, o.conditions);
  if (!where) throw new PostgrestError(400, '21000', 'DELETE requires a WHERE clause');
  return `delete from ${qualified(o.relation)} as ${ident(o.alias)} where ${where}${o.returning ? ` returning ${o.returning}` : ''}`;
}

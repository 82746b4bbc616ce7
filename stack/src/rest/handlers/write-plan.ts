import { readJsonBody, rowsOf } from '../body.ts';
import type { RestDeps, RestRequest } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import type { Relation } from '../schema-cache/index.ts';
import { deleteSql, insertSql, payloadColumns, updateSql } from '../sql/mutate.ts';
import { ident, type Params, qualified } from '../sql/params.ts';

/** The data-modifying statement of a write, ready to sit in `WITH pgrst_source AS (...)`. */
export interface MutationPlan {
  readonly action: 'create' | 'update' | 'delete';
  readonly sql: string;
  /** Merge-duplicates upserts count their inserts (`INSERTED_SQL`): none inserted answers 200. */
  readonly countsInserts: boolean;
  /** Inserts: the table has a conflict target, so `resolution` applies. */
  readonly conflictTarget: boolean;
}

/**
 * What the mutation returns: the rows for a representation, the primary key for a Location,
 * else `1`, which counts rows without asking for SELECT rights (and so without SELECT policies),
 * as PostgREST's `RETURNING 1` does.
 */
function returningList(req: RestRequest, relation: Relation, alias: string): string {
  const ret = req.preferences.return ?? 'minimal';
  if (ret === 'representation') return `${ident(alias)}.*`;
  if (ret === 'headers-only' && relation.primaryKey.length > 0) {
    return relation.primaryKey.map((k) => `${ident(alias)}.${ident(k)}`).join(', ');
  }
  return '1';
}

/** Nothing to change (an empty payload): no rows, but the same shape for `select=`. */
const nothing = (relation: Relation, alias: string, returning: string) =>
  `select ${returning} from ${qualified(relation)} as ${ident(alias)} where false`;

/** POST (insert, upsert), PATCH, DELETE as SQL; payload errors are PostgREST's. */
export async function planMutation(
  deps: RestDeps,
  req: RestRequest,
  relation: Relation,
  alias: string,
  params: Params,
): Promise<MutationPlan> {
  const returning = returningList(req, relation, alias);
  const conditions = req.query.modifiers[0]?.conditions ?? [];
  const scope = { relation, alias, params };

  if (req.method === 'DELETE') {
    const sql = deleteSql({ relation, alias, scope, conditions, returning });
    return { action: 'delete', sql, countsInserts: false, conflictTarget: false };
  }

  const body = await readJsonBody(req.raw, deps.config.maxBodyBytes);
  if (req.method === 'PATCH') {
    const row = Array.isArray(body) ? (body[0] ?? {}) : body;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
    }
    const columns = payloadColumns(relation, req.query.columns ?? Object.keys(row));
    const sql =
      columns.length === 0
        ? nothing(relation, alias, returning)
        : updateSql({
            relation,
            alias,
            columns,
            rowJson: JSON.stringify(row),
            scope,
            conditions,
            returning,
            params,
          });
    return { action: 'update', sql, countsInserts: false, conflictTarget: false };
  }

  const rows = rowsOf(body);
  const names = req.query.columns ?? Object.keys(rows[0] ?? {});
  if (!req.query.columns && !rows.every((r) => sameKeys(r, names))) {
    throw new PostgrestError(400, 'PGRST102', 'All object keys must match');
  }
  const columns = payloadColumns(relation, names);
  const targetColumns = req.query.onConflict ?? relation.primaryKey;
  const resolution = targetColumns.length > 0 ? req.preferences.resolution : undefined;
  const merge = resolution === 'merge-duplicates';
  const sql =
    rows.length === 0
      ? nothing(relation, alias, returning)
      : insertSql({
          relation,
          alias,
          columns,
          rowsJson: JSON.stringify(rows),
          missingDefault: req.preferences.missing === 'default',
          onConflict: resolution
            ? { columns: payloadColumns(relation, targetColumns), action: merge ? 'merge' : 'ignore' }
            : undefined,
          returning,
          params,
          countInserts: merge,
        });
  return { action: 'create', sql, countsInserts: merge, conflictTarget: targetColumns.length > 0 };
}

function sameKeys(row: Record<string, unknown>, names: readonly string[]): boolean {
  const keys = Object.keys(row);
  return keys.length === names.length && keys.every((k) => names.includes(k));
}

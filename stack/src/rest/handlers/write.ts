import type { TransactionSql } from 'postgres';
import type { QueryRequest } from '../ast.ts';
import { readJsonBody, rowsOf } from '../body.ts';
import { aliasSource, type RestDeps, type RestRequest } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular, toCsv } from '../media.ts';
import { respond } from '../respond.ts';
import { findRelation, type Relation } from '../schema-cache/index.ts';
import { deleteSql, insertSql, payloadColumns, updateSql } from '../sql/mutate.ts';
import { ident, Params } from '../sql/params.ts';
import { buildRead } from '../sql/read.ts';
import { inRequestTransaction, query } from '../transaction.ts';

interface Outcome {
  readonly affected: number;
  readonly body: string | null;
  readonly location?: string;
}

/** POST (insert, upsert), PATCH (update), DELETE on a table or updatable view. */
export async function writeRelation(deps: RestDeps, req: RestRequest): Promise<Response> {
  const relation = findRelation(req.state.cache, req.schema, req.target);
  const ret = req.preferences.return ?? 'minimal';
  const params = new Params();
  const nextAlias = aliasSource();
  const alias = nextAlias();
  const conditions = req.query.modifiers[0]?.conditions ?? [];
  const scope = { relation, alias, params };
  const returning = ret === 'minimal' ? undefined : `${ident(alias)}.*`;

  let mutation: string;
  if (req.method === 'POST') {
    const rows = rowsOf(await readJsonBody(req.raw, deps.config.maxBodyBytes));
    const names = req.query.columns ?? Object.keys(rows[0] ?? {});
    const columns = payloadColumns(relation, names);
    const resolution = req.preferences.resolution;
    const onConflict = resolution
      ? {
          columns: payloadColumns(relation, req.query.onConflict ?? relation.primaryKey),
          action: resolution === 'ignore-duplicates' ? ('ignore' as const) : ('merge' as const),
        }
      : undefined;
    if (onConflict && onConflict.columns.length === 0) {
      throw new PostgrestError(
        400,
        'PGRST100',
        'on_conflict columns are required: the table has no primary key',
      );
    }
    mutation = insertSql({
      relation,
      alias,
      columns,
      rowsJson: JSON.stringify(rows),
      missingDefault: req.preferences.missing === 'default',
      onConflict,
      returning: ret === 'headers-only' ? primaryKeyReturning(relation, alias) : returning,
      params,
    });
    if (rows.length === 0)
      return respond(req, {
        status: 201,
        body: ret === 'representation' ? '[]' : null,
        headers: { 'Content-Range': '*/0' },
      });
  } else if (req.method === 'PATCH') {
    const body = await readJsonBody(req.raw, deps.config.maxBodyBytes);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
    }
    const columns = payloadColumns(relation, Object.keys(body));
    if (columns.length === 0) {
      return respond(req, {
        status: ret === 'representation' ? 200 : 204,
        body: ret === 'representation' ? '[]' : null,
        headers: { 'Content-Range': '*/*' },
      });
    }
    mutation = updateSql({
      relation,
      alias,
      columns,
      rowJson: JSON.stringify(body),
      scope,
      conditions,
      returning,
      params,
    });
  } else {
    mutation = deleteSql({ relation, alias, scope, conditions, returning });
  }

  const outcome = await inRequestTransaction(deps.db, req.transaction(false), (tx) =>
    execute(tx, req, relation, mutation, params, nextAlias, ret),
  );
  return respond(req, {
    status: statusOf(req.method, ret),
    body: outcome.body,
    headers: {
      'Content-Range': writeRange(req.method, outcome.affected, req.preferences.count !== undefined),
      ...(outcome.location ? { Location: outcome.location } : {}),
    },
  });
}

async function execute(
  tx: TransactionSql,
  req: RestRequest,
  relation: Relation,
  mutation: string,
  params: Params,
  nextAlias: () => string,
  ret: 'minimal' | 'representation' | 'headers-only',
): Promise<Outcome> {
  if (ret === 'minimal') {
    const result = await query<{ count: number }>(tx, mutation, params.values);
    return { affected: result.count, body: null };
  }
  if (ret === 'headers-only') {
    const rows = (await query(tx, mutation, params.values)) as unknown as Record<string, unknown>[];
    const first = rows[0];
    const location = first
      ? `/${relation.name}?${relation.primaryKey.map((k) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(first[k]))}`).join('&')}`
      : undefined;
    return { affected: rows.length, body: null, ...(location ? { location } : {}) };
  }
  // Representation: re-select the affected rows with the request's select (embeds included).
  const rereadRequest: QueryRequest = {
    ...req.query,
    modifiers: req.query.modifiers.map((m) =>
      m.path.length === 0 ? { ...m, conditions: [], limit: undefined, offset: undefined } : m,
    ),
  };
  const built = buildRead(
    {
      cache: req.state.cache,
      schema: req.schema,
      params,
      request: rereadRequest,
      maxRows: undefined,
      nextAlias,
    },
    { relation, from: 'pgrst_source' },
  );
  const text = `with pgrst_source as (${mutation})
    select count(*)::int as page, coalesce(json_agg(r), '[]'::json)::text as body, (json_agg(r)->0)::text as first
    from (${built.sql}) as r`;
  const [row] = (await query(tx, text, params.values)) as unknown as {
    page: number;
    body: string;
    first: string | null;
  }[];
  const page = row?.page ?? 0;
  // A singular write that touched any other number of rows is undone, as PostgREST does.
  if (req.media === 'object' && page !== 1) throw notSingular(page);
  const body =
    req.media === 'object'
      ? (row?.first ?? 'null')
      : req.media === 'csv'
        ? toCsv(JSON.parse(row?.body ?? '[]') as Record<string, unknown>[], built.columns)
        : (row?.body ?? '[]');
  return { affected: page, body };
}

function primaryKeyReturning(relation: Relation, alias: string): string {
  const keys = relation.primaryKey.length > 0 ? relation.primaryKey : [];
  return keys.length > 0 ? keys.map((k) => `${ident(alias)}.${ident(k)}`).join(', ') : '1 as "pgrst_none"';
}

function statusOf(method: string, ret: string): number {
  if (method === 'POST') return 201;
  return ret === 'representation' ? 200 : 204;
}

function writeRange(method: string, affected: number, counted: boolean): string {
  const total = counted ? String(affected) : '*';
  if (method === 'PATCH' && affected > 0) return `0-${affected - 1}/${total}`;
  return `*/${total}`;
}

import { aliasSource, type RestDeps, type RestRequest } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular, toCsv } from '../media.ts';
import { contentRange, rangeStatus } from '../range.ts';
import { respond } from '../respond.ts';
import { findRelation } from '../schema-cache/index.ts';
import { Params } from '../sql/params.ts';
import { buildRead } from '../sql/read.ts';
import { inRequestTransaction, query } from '../transaction.ts';

interface ReadRow {
  total: string | null;
  page: number;
  body: string;
  first: string | null;
}

/** GET / HEAD on a table or view. */
export async function readRelation(deps: RestDeps, req: RestRequest): Promise<Response> {
  const relation = findRelation(req.state.cache, req.schema, req.target);
  const params = new Params();
  const built = buildRead(
    {
      cache: req.state.cache,
      schema: req.schema,
      params,
      request: req.query,
      maxRows: deps.config.maxRows,
      nextAlias: aliasSource(),
    },
    { relation },
  );
  const count = req.preferences.count;
  const exact = count === 'exact' ? `(select count(*) from (${built.countSql}) as c)` : 'null';
  const text = `select ${exact}::text as total, count(*)::int as page,
    coalesce(json_agg(r), '[]'::json)::text as body,
    ${req.media === 'object' ? '(json_agg(r)->0)::text' : 'null'} as first
    from (${built.sql}) as r`;

  const { row, planned } = await inRequestTransaction(deps.db, req.transaction(true), async (tx) => {
    const [row] = (await query(tx, text, params.values)) as unknown as ReadRow[];
    const planned =
      count === 'planned' || count === 'estimated'
        ? await plannedCount(tx, built.countSql, params.values)
        : undefined;
    let exactForEstimate: number | undefined;
    if (
      count === 'estimated' &&
      planned !== undefined &&
      planned <= (deps.config.maxRows ?? Number.POSITIVE_INFINITY)
    ) {
      const [c] = (await tx.unsafe(
        `select count(*)::text as n from (${built.countSql}) as c`,
        params.values,
      )) as unknown as {
        n: string;
      }[];
      exactForEstimate = Number(c?.n);
    }
    return { row: row as ReadRow, planned: exactForEstimate ?? planned };
  });

  const offset = req.query.modifiers[0]?.offset ?? 0;
  const total = row.total !== null ? Number(row.total) : planned;
  const status = rangeStatus(offset, row.page, total);
  if (status === 416) {
    throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', {
      details: `An offset of ${offset} was requested, but there are only ${total} rows.`,
    });
  }
  if (req.media === 'object' && row.page !== 1) throw notSingular(row.page);
  const body =
    req.media === 'object'
      ? (row.first ?? 'null')
      : req.media === 'csv'
        ? toCsv(JSON.parse(row.body) as Record<string, unknown>[], built.columns)
        : row.body;
  return respond(req, {
    status,
    body: req.method === 'HEAD' ? null : body,
    headers: { 'Content-Range': contentRange(offset, row.page, total) },
  });
}

/** The planner's row estimate of the count query (`count=planned`). */
async function plannedCount(
  tx: import('postgres').TransactionSql,
  countSql: string,
  values: readonly string[],
): Promise<number> {
  const rows = (await tx.unsafe(`explain (format json) ${countSql}`, [...values])) as unknown as {
    'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] | string;
  }[];
  const plan = rows[0]?.['QUERY PLAN'];
  const parsed = typeof plan === 'string' ? (JSON.parse(plan) as { Plan: { 'Plan Rows': number } }[]) : plan;
  return parsed?.[0]?.Plan['Plan Rows'] ?? 0;
}

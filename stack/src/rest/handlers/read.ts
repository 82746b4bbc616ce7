import { type RestDeps, type RestRequest, readContextOf } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular } from '../media.ts';
import { contentRange, rangeStatus } from '../range.ts';
import { respond } from '../respond.ts';
import { findRelation } from '../schema-cache/index.ts';
import { Params } from '../sql/params.ts';
import { type BuiltSelect, buildRead } from '../sql/read.ts';
import { bodySql, RESPONSE_SETTINGS_SQL, type ResponseSettings } from '../sql/result.ts';
import { inRequestTransaction, query, type RequestSql, runStatement } from '../transaction.ts';

interface ReadRow extends ResponseSettings {
  total: string | null;
  page: number;
  body: string;
}

/** GET / HEAD on a table or view. */
export async function readRelation(deps: RestDeps, req: RestRequest): Promise<Response> {
  const relation = findRelation(req.state.cache, req.schema, req.target);
  const params = new Params();
  const built = buildRead(readContextOf(deps, req, params), { relation });
  const count = req.preferences.count;
  const exact = count === 'exact' ? `(select count(*) from (${built.countSql}) as c)` : 'null';
  const text = `select ${exact}::text as total, count(*)::int as page, ${bodySql(req.media, req.stripNulls)} as body,
    ${RESPONSE_SETTINGS_SQL} from (${built.sql}) as r`;

  const estimated = count === 'planned' || count === 'estimated';
  // Without an estimate the read is one statement: it goes out in one flight with its transaction.
  const { row, total } = estimated
    ? await inRequestTransaction(deps.db, req.transaction(true), async (tx) => {
        const [row] = await query<ReadRow[]>(tx, text, params.values);
        const estimate = await countOf(tx, count, built, params, deps);
        return { row: row as ReadRow, total: row?.total != null ? Number(row.total) : estimate };
      })
    : await runStatement<ReadRow[]>(deps.db, req.transaction(true), text, params.values).then(([row]) => ({
        row: row as ReadRow,
        total: row?.total != null ? Number(row.total) : undefined,
      }));

  const offset = req.query.modifiers[0]?.offset ?? 0;
  const range = contentRange(offset, row.page, total);
  if (rangeStatus(offset, row.page, total) === 416) throw outOfRange(offset, total ?? 0, range);
  if (req.media === 'object' && row.page !== 1) throw notSingular(row.page);
  return respond(req, 'read', {
    status: rangeStatus(offset, row.page, total),
    body: row.body,
    headers: { 'Content-Range': range },
    settings: row,
  });
}

/** 416 PGRST103 for an offset past the counted rows, with the total in Content-Range. */
export function outOfRange(offset: number, total: number, range: string): PostgrestError {
  return new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', {
    details: `An offset of ${offset} was requested, but there are only ${total} rows.`,
    headers: { 'Content-Range': range },
  });
}

/**
 * `count=planned`: the planner's row estimate. `count=estimated`: exact while the estimate is
 * within `max_rows`, the estimate beyond.
 */
async function countOf(
  tx: RequestSql,
  count: 'planned' | 'estimated',
  built: BuiltSelect,
  params: Params,
  deps: RestDeps,
): Promise<number> {
  const rows = (await tx.unsafe(`explain (format json) ${built.countSql}`, params.values)) as unknown as {
    'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] | string;
  }[];
  const plan = rows[0]?.['QUERY PLAN'];
  const parsed = typeof plan === 'string' ? (JSON.parse(plan) as { Plan: { 'Plan Rows': number } }[]) : plan;
  const planned = parsed?.[0]?.Plan['Plan Rows'] ?? 0;
  if (count === 'planned' || planned > (deps.config.maxRows ?? Number.POSITIVE_INFINITY)) return planned;
  const [exact] = (await tx.unsafe(
    `select count(*)::text as n from (${built.countSql}) as c`,
    params.values,
  )) as unknown as {
    n: string;
  }[];
  return Number(exact?.n);
}

import type { QueryRequest } from '../ast.ts';
import { aliasSource, type RestDeps, type RestRequest, readContextOf } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular } from '../media.ts';
import { respond } from '../respond.ts';
import { findRelation, type Relation } from '../schema-cache/index.ts';
import { INSERTED_SQL } from '../sql/mutate.ts';
import { Params } from '../sql/params.ts';
import { buildRead } from '../sql/read.ts';
import { bodySql, RESPONSE_SETTINGS_SQL, type ResponseSettings } from '../sql/result.ts';
import { inRequestTransaction, query } from '../transaction.ts';
import { planMutation } from './write-plan.ts';

interface WriteRow extends ResponseSettings {
  page: number;
  body: string | null;
  inserted: number | null;
}

/**
 * POST (insert, upsert), PATCH (update), DELETE on a table or updatable view: one statement,
 * `WITH pgrst_source AS (<mutation> RETURNING …) SELECT …`, that also renders the body.
 */
export async function writeRelation(deps: RestDeps, req: RestRequest): Promise<Response> {
  const relation = findRelation(req.state.cache, req.schema, req.target);
  const ret = req.preferences.return ?? 'minimal';
  const params = new Params();
  const nextAlias = aliasSource();
  const plan = await planMutation(deps, req, relation, nextAlias(), params);

  let rows = 'select * from pgrst_source';
  let body = 'null::text';
  if (ret === 'representation') {
    const context = readContextOf(deps, req, params, {
      request: rereadOf(req.query),
      maxRows: undefined,
      nextAlias,
    });
    rows = buildRead(context, { relation, from: 'pgrst_source' }).sql;
    body = bodySql(req.media, req.stripNulls);
  } else if (ret === 'headers-only') {
    body = '(json_agg(r)->0)::text';
  }
  // Read after the CTE ran (the aggregate consumed it); an upsert that inserted nothing leaves no count.
  const inserted = plan.countsInserts ? `coalesce(${INSERTED_SQL}, 0)` : 'null::int';
  const text = `with pgrst_source as (${plan.sql})
    select count(*)::int as page, ${body} as body, ${inserted} as inserted, ${RESPONSE_SETTINGS_SQL}
    from (${rows}) as r`;

  const row = await inRequestTransaction(deps.db, req.transaction(false), async (tx) => {
    const [result] = await query<WriteRow[]>(tx, text, params.values);
    const written = result as WriteRow;
    // Throwing here rolls the write back, as PostgREST does for both checks.
    if (req.media === 'object' && written.page !== 1) throw notSingular(written.page);
    const { handling, maxAffected } = req.preferences;
    if (
      plan.action !== 'create' &&
      handling === 'strict' &&
      maxAffected !== undefined &&
      written.page > maxAffected
    ) {
      throw new PostgrestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', {
        details: `The query affects ${written.page} rows`,
      });
    }
    return written;
  });

  const total = req.preferences.count ? String(row.page) : '*';
  const headers: Record<string, string> = {
    'Content-Range': plan.action === 'update' && row.page > 0 ? `0-${row.page - 1}/${total}` : `*/${total}`,
  };
  const location = ret === 'headers-only' && row.page === 1 ? locationOf(relation, row.body) : undefined;
  if (location) headers.Location = location;
  return respond(req, plan.action, {
    status: statusOf(plan.action, ret, row.inserted),
    body: ret === 'representation' ? row.body : null,
    headers,
    settings: row,
    conflictTarget: plan.conflictTarget,
  });
}

/** The affected rows are re-read with the request's select (embeds included), unfiltered. */
function rereadOf(query: QueryRequest): QueryRequest {
  return {
    ...query,
    modifiers: query.modifiers.map((m) =>
      m.path.length === 0 ? { ...m, conditions: [], limit: undefined, offset: undefined } : m,
    ),
  };
}

/** `/table?pk=eq.value` of the one inserted row, as PostgREST's Location. */
function locationOf(relation: Relation, rowJson: string | null): string | undefined {
  if (relation.primaryKey.length === 0 || !rowJson) return undefined;
  const row = JSON.parse(rowJson) as Record<string, unknown>;
  const query = relation.primaryKey
    .map((k) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(row[k]))}`)
    .join('&');
  return `/${relation.name}?${query}`;
}

/** 201 for inserts (200 for an upsert that only updated), 200 / 204 for the others. */
function statusOf(action: string, ret: string, inserted: number | null): number {
  if (action === 'create') return inserted === 0 ? 200 : 201;
  return ret === 'representation' ? 200 : 204;
}

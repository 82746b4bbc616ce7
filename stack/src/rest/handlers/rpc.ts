import { aliasSource, type RestDeps, type RestRequest } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular, toCsv } from '../media.ts';
import { contentRange, rangeStatus } from '../range.ts';
import { respond } from '../respond.ts';
import {
  findFunction,
  findRelation,
  type Relation,
  type Routine,
  type RoutineParameter,
  type SchemaCache,
} from '../schema-cache/index.ts';
import { ident, Params, qualified } from '../sql/params.ts';
import { buildRead } from '../sql/read.ts';
import { inRequestTransaction, query } from '../transaction.ts';

const isInput = (p: RoutineParameter) => p.mode === 'in' || p.mode === 'inout' || p.mode === 'variadic';

/** Every input parameter name of `schema.name`'s overloads: GET query keys that are arguments. */
export function rpcArgumentNames(cache: SchemaCache, schema: string, name: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const routine of cache.routines[schema]?.[name] ?? []) {
    for (const p of routine.parameters) if (isInput(p) && p.name) names.add(p.name);
  }
  return names;
}

/** POST / GET / HEAD `/rpc/<fn>`. */
export async function callFunction(deps: RestDeps, req: RestRequest): Promise<Response> {
  const post = req.method === 'POST';
  const contentType = (req.raw.headers.get('content-type') ?? 'application/json').split(';')[0]?.trim() ?? '';
  const params = new Params();
  let args: Record<string, unknown> = {};
  let wholeBody: string | undefined;
  if (post) {
    const isJson = contentType === 'application/json' || contentType === '';
    if (isJson) {
      const text = await req.raw.text();
      if (text.length > deps.config.maxBodyBytes)
        throw new PostgrestError(413, 'PGRST413', 'Request body too large');
      const body = text.trim() === '' ? {} : parseJson(text);
      if (typeof body === 'object' && body !== null && !Array.isArray(body))
        args = body as Record<string, unknown>;
      wholeBody = text.trim() === '' ? '{}' : text;
    } else {
      wholeBody = await req.raw.text();
    }
  } else {
    args = Object.fromEntries(req.query.arguments);
  }

  const routine = findFunction(req.state.cache, req.schema, req.target, Object.keys(args), {
    post,
    contentType: contentType || 'application/json',
  });
  const inputs = routine.parameters.filter(isInput);
  const onlyUnnamed = inputs.length === 1 && inputs[0]?.name === '';
  let call: string;
  if (onlyUnnamed) {
    call = `${qualified(routine)}(${params.add(wholeBody ?? '')}::${(inputs[0] as RoutineParameter).castType})`;
  } else if (post) {
    const used = inputs.filter((p) => p.name in args);
    const record = used.map((p) => `${ident(p.name)} ${p.castType}`).join(', ');
    const json = params.typed(JSON.stringify(args), 'json');
    const named = used.map(
      (p) => `${ident(p.name)} => (select ${ident(p.name)} from json_to_record(${json}) as a(${record}))`,
    );
    call = `${qualified(routine)}(${named.join(', ')})`;
  } else {
    const named = inputs
      .filter((p) => p.name in args)
      .map((p) => `${ident(p.name)} => ${params.add(String(args[p.name]))}::${p.castType}`);
    call = `${qualified(routine)}(${named.join(', ')})`;
  }

  // GET never writes; POST writes only through VOLATILE functions, as PostgREST runs them.
  const readOnly = !post || routine.volatility !== 'volatile';
  const settings = Object.fromEntries(routine.settings.filter(([name]) => name !== 'search_path'));
  const isVoid =
    routine.returns.kind === 'scalar' && routine.returns.name.name === 'void' && !routine.returnsSet;
  const relation =
    routine.returns.kind === 'composite' ? resultRelation(req.state.cache, routine) : undefined;

  if (isVoid) {
    await inRequestTransaction(deps.db, req.transaction(readOnly, settings), (tx) =>
      query(tx, `select ${call}`, params.values),
    );
    return respond(req, { status: 204, body: null });
  }
  if (!relation) {
    // Scalars: one JSON value, or an array of them for SETOF.
    const text = routine.returnsSet
      ? `select count(*)::int as page, coalesce(json_agg(x), '[]'::json)::text as body from ${call} as x`
      : `select 1 as page, to_json(${call})::text as body`;
    const [row] = (await inRequestTransaction(deps.db, req.transaction(readOnly, settings), (tx) =>
      query(tx, text, params.values),
    )) as unknown as { page: number; body: string }[];
    return respond(req, { status: 200, body: req.method === 'HEAD' ? null : (row?.body ?? 'null') });
  }

  const built = buildRead(
    {
      cache: req.state.cache,
      schema: req.schema,
      params,
      request: req.query,
      maxRows: deps.config.maxRows,
      nextAlias: aliasSource(),
    },
    { relation, from: call },
  );
  const count =
    req.preferences.count === 'exact' ? `(select count(*) from (${built.countSql}) as c)` : 'null';
  const text = `select ${count}::text as total, count(*)::int as page, coalesce(json_agg(r), '[]'::json)::text as body,
    (json_agg(r)->0)::text as first from (${built.sql}) as r`;
  const [row] = (await inRequestTransaction(deps.db, req.transaction(readOnly, settings), (tx) =>
    query(tx, text, params.values),
  )) as unknown as { total: string | null; page: number; body: string; first: string | null }[];
  const page = row?.page ?? 0;
  const total = row?.total != null ? Number(row.total) : undefined;
  const offset = req.query.modifiers[0]?.offset ?? 0;
  // A composite that is not SETOF is one object, as PostgREST returns it.
  const singular = req.media === 'object' || !routine.returnsSet;
  if (req.media === 'object' && page !== 1) throw notSingular(page);
  const body = singular
    ? (row?.first ?? 'null')
    : req.media === 'csv'
      ? toCsv(JSON.parse(row?.body ?? '[]') as Record<string, unknown>[], built.columns)
      : (row?.body ?? '[]');
  return respond(req, {
    status: rangeStatus(offset, page, total) === 206 ? 206 : 200,
    body: req.method === 'HEAD' ? null : body,
    headers: routine.returnsSet ? { 'Content-Range': contentRange(offset, page, total) } : {},
  });
}

/**
 * What a composite-returning function's rows look like: the table it returns, or a relation
 * synthesized from its OUT / TABLE columns.
 */
function resultRelation(cache: SchemaCache, routine: Routine): Relation {
  const outs = routine.parameters.filter((p) => p.mode === 'out' || p.mode === 'inout' || p.mode === 'table');
  if (outs.length === 0) {
    try {
      return findRelation(cache, routine.returns.name.schema, routine.returns.name.name);
    } catch {
      const type = cache.compositeTypes.find(
        (t) => t.schema === routine.returns.name.schema && t.name === routine.returns.name.name,
      );
      return synthesize(
        routine,
        (type?.attributes ?? []).map((a) => ({ name: a.name, type: a.type })),
      );
    }
  }
  return synthesize(
    routine,
    outs.map((p) => ({ name: p.name, type: p.type })),
  );
}

function synthesize(routine: Routine, columns: { name: string; type: RoutineParameter['type'] }[]): Relation {
  return {
    oid: 0,
    schema: routine.schema,
    name: routine.name,
    kind: 'view',
    isView: true,
    comment: null,
    insertable: false,
    updatable: false,
    deletable: false,
    autoUpdatable: false,
    primaryKey: [],
    uniqueKeys: [],
    columns: columns.map((c, i) => ({
      name: c.name,
      position: i + 1,
      comment: null,
      nullable: true,
      dataType: c.type.text,
      nominalType: c.type.text,
      type: c.type,
      dimensions: 0,
      default: null,
      defaultExpression: null,
      identity: null,
      generated: null,
      maxLength: null,
      enum: [],
      updatable: false,
    })),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

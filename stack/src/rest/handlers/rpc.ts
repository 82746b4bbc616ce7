import { type RestDeps, type RestRequest, readContextOf } from '../context.ts';
import { PostgrestError } from '../errors.ts';
import { notSingular } from '../media.ts';
import { parseFilter, parseTreePath } from '../parser/index.ts';
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
import { bodySql, RESPONSE_SETTINGS_SQL, type ResponseSettings } from '../sql/result.ts';
import { inRequestTransaction, query } from '../transaction.ts';
import { outOfRange } from './read.ts';

const isInput = (p: RoutineParameter) => p.mode === 'in' || p.mode === 'inout' || p.mode === 'variadic';

const RESERVED = new Set(['select', 'columns', 'on_conflict']);
const RESERVED_LAST_WORD = new Set(['order', 'limit', 'offset', 'and', 'or']);

/**
 * GET / HEAD `/rpc/fn`: which query keys are arguments. As PostgREST reads them, a value that
 * does not parse as `op.value` is an argument; everything else filters the function's result.
 */
export function rpcReadArguments(params: URLSearchParams): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [key, value] of params) {
    if (RESERVED.has(key) || RESERVED_LAST_WORD.has(key.slice(key.lastIndexOf('.') + 1))) continue;
    try {
      parseTreePath(key);
    } catch {
      continue; // a malformed key is reported by the filter parser
    }
    try {
      parseFilter(key, value);
    } catch (error) {
      if (error instanceof PostgrestError && error.code === 'PGRST100') names.add(key);
    }
  }
  return names;
}

interface CallRow extends ResponseSettings {
  total: string | null;
  page: number;
  body: string | null;
}

/** POST / GET / HEAD `/rpc/<fn>`. */
export async function callFunction(deps: RestDeps, req: RestRequest): Promise<Response> {
  const post = req.method === 'POST';
  const contentType = (req.raw.headers.get('content-type') ?? 'application/json').split(';')[0]?.trim() ?? '';
  const input = post
    ? await postInput(deps, req, contentType)
    : { args: Object.fromEntries(req.query.arguments) };
  const routine = findFunction(req.state.cache, req.schema, req.target, Object.keys(input.args), {
    post,
    contentType: contentType || 'application/json',
  });
  const params = new Params();
  const call = callSql(routine, input, post, params);

  // GET never writes; POST writes only through VOLATILE functions, as PostgREST runs them.
  const readOnly = !post || routine.volatility !== 'volatile';
  const settings = Object.fromEntries(routine.settings.filter(([name]) => name !== 'search_path'));
  const isVoid =
    routine.returns.kind === 'scalar' && routine.returns.name.name === 'void' && !routine.returnsSet;
  const relation =
    routine.returns.kind === 'composite' ? resultRelation(req.state.cache, routine) : undefined;

  let rows: string;
  let countSql = 'null';
  if (isVoid) {
    rows = `select ${call} as "pgrst_void"`;
  } else if (!relation) {
    // Scalars: each value as is (one for a plain function, an array of them for SETOF).
    rows = routine.returnsSet
      ? `select x as "pgrst_scalar" from ${call} as x${pageSql(req, deps.config.maxRows)}`
      : `select ${call} as "pgrst_scalar"`;
  } else {
    const built = buildRead(readContextOf(deps, req, params), { relation, from: call });
    rows = built.sql;
    if (req.preferences.count === 'exact') countSql = `(select count(*) from (${built.countSql}) as c)`;
  }
  const scalar = !relation && !isVoid;
  const body = isVoid
    ? 'null::text'
    : scalar
      ? scalarBody(routine.returnsSet && req.media !== 'object')
      : routine.returnsSet
        ? bodySql(req.media, req.stripNulls)
        : bodySql('object', req.stripNulls);
  const text = `select ${countSql}::text as total, count(*)::int as page, ${body} as body, ${RESPONSE_SETTINGS_SQL}
    from (${rows}) as r`;
  const row = await inRequestTransaction(deps.db, req.transaction(readOnly, settings), async (tx) => {
    const [result] = await query<CallRow[]>(tx, text, params.values);
    return result as CallRow;
  });

  const offset = req.query.modifiers[0]?.offset ?? 0;
  const total = row.total != null ? Number(row.total) : undefined;
  const range = contentRange(offset, row.page, total);
  if (isVoid)
    return respond(req, 'call', {
      status: 204,
      body: null,
      headers: { 'Content-Range': range },
      settings: row,
    });
  if (rangeStatus(offset, row.page, total) === 416) throw outOfRange(offset, total ?? 0, range);
  if (req.media === 'object' && row.page !== 1) throw notSingular(row.page);
  return respond(req, 'call', {
    status: rangeStatus(offset, row.page, total),
    body: row.body ?? 'null',
    headers: { 'Content-Range': range },
    settings: row,
  });
}

/** ` limit … offset …` of the root page, capped at `max_rows`. */
function pageSql(req: RestRequest, maxRows: number | undefined): string {
  const root = req.query.modifiers[0];
  const limit = Math.min(root?.limit ?? Number.POSITIVE_INFINITY, maxRows ?? Number.POSITIVE_INFINITY);
  return `${Number.isFinite(limit) ? ` limit ${limit}` : ''}${root?.offset ? ` offset ${root.offset}` : ''}`;
}

/** Scalar results: the values as a JSON array (SETOF), or the one value. */
function scalarBody(asArray: boolean): string {
  return asArray
    ? `coalesce(json_agg(r."pgrst_scalar"), '[]'::json)::text`
    : `(json_agg(r."pgrst_scalar")->0)::text`;
}

interface CallInput {
  readonly args: Record<string, unknown>;
  /** The raw body, for a function whose single unnamed parameter takes it whole. */
  readonly wholeBody?: string;
}

/** A POST body: named arguments as a JSON object, or the whole body for an unnamed parameter. */
async function postInput(deps: RestDeps, req: RestRequest, contentType: string): Promise<CallInput> {
  const text = await req.raw.text();
  if (text.length > deps.config.maxBodyBytes)
    throw new PostgrestError(413, 'PGRST413', 'Request body too large');
  if (contentType !== 'application/json' && contentType !== '') return { args: {}, wholeBody: text };
  const body = text.trim() === '' ? {} : parseJson(text);
  const args =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  return { args, wholeBody: text.trim() === '' ? '{}' : text };
}

/** `schema.fn(name => value, …)`: every value a parameter, cast to the parameter's type. */
function callSql(routine: Routine, input: CallInput, post: boolean, params: Params): string {
  const inputs = routine.parameters.filter(isInput);
  const only = inputs[0];
  if (inputs.length === 1 && only && only.name === '') {
    return `${qualified(routine)}(${params.add(input.wholeBody ?? '')}::${only.castType})`;
  }
  const used = inputs.filter((p) => p.name in input.args);
  if (used.length === 0) return `${qualified(routine)}()`;
  if (!post) {
    const named = used.map(
      (p) => `${ident(p.name)} => ${params.add(String(input.args[p.name]))}::${p.castType}`,
    );
    return `${qualified(routine)}(${named.join(', ')})`;
  }
  // JSON values reach their parameter types the way PostgREST converts them: json_to_record.
  const record = used.map((p) => `${ident(p.name)} ${p.castType}`).join(', ');
  const json = params.typed(JSON.stringify(input.args), 'json');
  const named = used.map(
    (p) => `${ident(p.name)} => (select ${ident(p.name)} from json_to_record(${json}) as a(${record}))`,
  );
  return `${qualified(routine)}(${named.join(', ')})`;
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

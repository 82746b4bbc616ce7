import { errorMessage } from '../lib/errors.ts';
import type { Preferences } from './ast.ts';
import { createCacheHolder } from './cache-holder.ts';
import type { RestDeps, RestRequest } from './context.ts';
import { PostgrestError } from './errors.ts';
import { readRelation } from './handlers/read.ts';
import { callFunction, rpcReadArguments } from './handlers/rpc.ts';
import { writeRelation } from './handlers/write.ts';
import { createIdentifier } from './identity.ts';
import { negotiate } from './media.ts';
import { assertPreferencesHandled, parsePreferences, parseQuery } from './parser/index.ts';
import { fromPgError } from './pg-errors.ts';

export interface RestService {
  fetch(request: Request): Promise<Response>;
  /** Rebuilds the schema cache now (also happens on `NOTIFY pgrst, 'reload schema'`). */
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

const TABLE_METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']);

/**
 * The PostgREST-compatible service, serving PostgREST's paths (`/<table>`, `/rpc/<fn>`); the
 * gateway mounts it under `/rest/v1`.
 */
export async function createRestService(deps: RestDeps): Promise<RestService> {
  const holder = await createCacheHolder(deps.db, deps.config.schemas, deps.logger);
  const identify = createIdentifier(deps.jwt, deps.config.anonRole);

  async function handle(raw: Request): Promise<Response> {
    const url = new URL(raw.url);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = raw.method.toUpperCase();
    const isRpc = segments[0] === 'rpc' && segments.length === 2;
    if (segments.length === 0) return openApiStub(deps);
    if (!isRpc && segments.length !== 1) {
      throw new PostgrestError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
    const target = (isRpc ? segments[1] : segments[0]) as string;
    if (isRpc && !['GET', 'HEAD', 'POST'].includes(method)) {
      throw new PostgrestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
    }
    if (!isRpc && !TABLE_METHODS.has(method)) {
      if (method === 'PUT') throw new PostgrestError(405, 'PGRST117', 'Unsupported HTTP method: PUT');
      throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
    }

    const { schema, negotiated } = profileOf(raw, method, deps.config.schemas);
    const identity = await identify(raw.headers.get('authorization'));
    const state = await holder.current();
    const preferences = checkTimezone(parsePreferences(raw.headers.get('prefer')), state.timezones);
    assertPreferencesHandled(preferences);
    const { media, stripNulls } = negotiate(raw.headers.get('accept'));
    const argumentNames =
      isRpc && (method === 'GET' || method === 'HEAD') ? rpcReadArguments(url.searchParams) : undefined;
    const query = parseQuery(url.searchParams, argumentNames ? { argumentNames } : {});
    const headers: Record<string, string> = {};
    raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });

    const req: RestRequest = {
      raw,
      url,
      method,
      schema,
      profileNegotiated: negotiated,
      target,
      identity,
      state,
      preferences,
      media,
      stripNulls,
      query,
      transaction: (readOnly, extra = {}) => ({
        identity,
        method,
        path: url.pathname,
        headers,
        cookies: parseCookies(raw.headers.get('cookie')),
        searchPath: [schema, ...deps.config.extraSearchPath.filter((s) => s !== schema)],
        readOnly,
        roleSettings: { ...(state.roleSettings.get(identity.role) ?? {}), ...extra },
        timezone: preferences.timezone,
      }),
    };
    try {
      if (isRpc) return await callFunction(deps, req);
      if (method === 'GET' || method === 'HEAD') return await readRelation(deps, req);
      return await writeRelation(deps, req);
    } catch (error) {
      // A missing privilege is 401 for the anonymous role (sign in) and 403 for anyone else.
      if (isPgError(error)) throw fromPgError(error, identity.authenticated);
      throw error;
    }
  }

  return {
    async fetch(request) {
      try {
        return await handle(request);
      } catch (error) {
        return errorResponse(error, deps);
      }
    },
    reloadSchema: () => holder.reload(),
    close: () => holder.close(),
  };
}

/** Accept-Profile on reads, Content-Profile on writes; only exposed schemas (406 PGRST106). */
function profileOf(
  raw: Request,
  method: string,
  schemas: readonly string[],
): { schema: string; negotiated: boolean } {
  const header = method === 'GET' || method === 'HEAD' ? 'accept-profile' : 'content-profile';
  const wanted = raw.headers.get(header);
  const schema = wanted ?? schemas[0] ?? 'public';
  if (!schemas.includes(schema)) {
    throw new PostgrestError(406, 'PGRST106', `Invalid schema: ${schema}`, {
      hint: `Only the following schemas are exposed: ${schemas.join(', ')}`,
    });
  }
  return { schema, negotiated: wanted !== null };
}

/** A timezone PostgreSQL does not know is not applied: an invalid preference, as PostgREST has it. */
function checkTimezone(preferences: Preferences, timezones: ReadonlySet<string>): Preferences {
  const { timezone } = preferences;
  if (timezone === undefined || timezones.has(timezone)) return preferences;
  return { ...preferences, timezone: undefined, invalid: [...preferences.invalid, `timezone=${timezone}`] };
}

function parseCookies(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return cookies;
}

/** The single encoder: PostgREST's `{code, details, hint, message}`, internals only in logs. */
function errorResponse(error: unknown, deps: RestDeps): Response {
  let failure: PostgrestError;
  if (error instanceof PostgrestError) failure = error;
  else if (isPgError(error))
    failure = fromPgError(error, (error as { authenticated?: boolean }).authenticated ?? true);
  else {
    deps.logger.error(`rest: ${errorMessage(error)}`);
    failure = new PostgrestError(500, 'PGRSTX00', 'Internal server error');
  }
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8' });
  // Headers a `RAISE SQLSTATE 'PGRST'` chose may be anything: only valid ones are passed on.
  for (const [name, value] of Object.entries(failure.headers)) {
    try {
      headers.set(name, value);
    } catch {
      deps.logger.warn(`rest: dropped invalid response header ${JSON.stringify(name)}`);
    }
  }
  headers.set('Proxy-Status', `PostgREST; error=${failure.code}`);
  // A status SQL chose outside what HTTP can carry becomes 500, as an invalid one does in PostgREST.
  const status = failure.status >= 200 && failure.status <= 599 ? failure.status : 500;
  return new Response(JSON.stringify(failure.toJSON()), { status, headers });
}

function isPgError(
  error: unknown,
): error is { code: string; message: string; detail?: string; hint?: string } {
  return typeof error === 'object' && error !== null && (error as { name?: string }).name === 'PostgresError';
}

/** The root answers a minimal OpenAPI description, as PostgREST's root does. */
function openApiStub(deps: RestDeps): Response {
  const body = {
    swagger: '2.0',
    info: { title: 'Watchroom REST', version: '12' },
    schemes: ['http'],
    paths: {},
    exposedSchemas: deps.config.schemas,
  };
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/openapi+json; charset=utf-8' },
  });
}

import type { Sql } from 'postgres';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { Preferences, QueryRequest } from './ast.ts';
import type { CacheState } from './cache-holder.ts';
import type { RequestIdentity } from './identity.ts';
import type { MediaType } from './media.ts';
import type { Params } from './sql/params.ts';
import type { ReadContext } from './sql/read-context.ts';
import type { RequestContext } from './transaction.ts';

/** REST settings, resolved once from config.toml's `[api]`. */
export interface RestConfig {
  /** Exposed schemas; the first is the default profile. */
  readonly schemas: readonly string[];
  /** Appended to the profile schema in every request's search_path. */
  readonly extraSearchPath: readonly string[];
  /** Cap on rows a read returns (`[api] max_rows`). */
  readonly maxRows: number | undefined;
  readonly anonRole: string;
  /** Largest request body accepted, bytes. */
  readonly maxBodyBytes: number;
}

export interface RestDeps {
  readonly db: Sql;
  readonly jwt: JwtService;
  readonly config: RestConfig;
  readonly logger: Logger;
}

/** One request, parsed and authenticated, ready for a handler. */
export interface RestRequest {
  readonly raw: Request;
  readonly url: URL;
  readonly method: string;
  /** The profile schema (Accept-Profile / Content-Profile). */
  readonly schema: string;
  /** The client named the profile: responses then carry `Content-Profile`. */
  readonly profileNegotiated: boolean;
  /** Relation or function name from the path. */
  readonly target: string;
  readonly identity: RequestIdentity;
  readonly state: CacheState;
  readonly preferences: Preferences;
  readonly media: MediaType;
  /** `Accept: …;nulls=stripped`: null-valued keys are left out of JSON objects. */
  readonly stripNulls: boolean;
  readonly query: QueryRequest;
  /** Settings for `inRequestTransaction`. */
  transaction(readOnly: boolean, extra?: Readonly<Record<string, string>>): RequestContext;
}

/** Unique aliases within one statement: our own names, never user input. */
export function aliasSource(): () => string {
  let next = 0;
  return () => `pgrst_${next++}`;
}

/**
 * What the SQL builder needs to read for this request: its cache, profile and parsed query,
 * with `[api] max_rows` unless overridden (a write's re-read returns every affected row).
 */
export function readContextOf(
  deps: RestDeps,
  req: RestRequest,
  params: Params,
  overrides: { request?: QueryRequest; maxRows?: number | undefined; nextAlias?: () => string } = {},
): ReadContext {
  return {
    cache: req.state.cache,
    schema: req.schema,
    params,
    request: overrides.request ?? req.query,
    maxRows: 'maxRows' in overrides ? overrides.maxRows : deps.config.maxRows,
    nextAlias: overrides.nextAlias ?? aliasSource(),
  };
}

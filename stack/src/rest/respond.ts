import type { RestRequest } from './context.ts';
import { PostgrestError } from './errors.ts';
import { contentTypeOf } from './media.ts';
import type { ResponseSettings } from './sql/result.ts';

/** What a request did, which decides the preferences PostgREST reports as applied. */
export type RestAction = 'read' | 'create' | 'update' | 'delete' | 'call';

export interface ResponseParts {
  readonly status: number;
  readonly body: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** `response.status` / `response.headers` set by the request's SQL: they override ours. */
  readonly settings?: ResponseSettings | undefined;
  /** Inserts only: whether the table has a conflict target (PK or on_conflict) for `resolution`. */
  readonly conflictTarget?: boolean;
}

/**
 * A response in the negotiated media type, with `Preference-Applied`, `Content-Profile` when the
 * client chose a profile, and the overrides of the `response.*` settings.
 */
export function respond(req: RestRequest, action: RestAction, parts: ResponseParts): Response {
  const headers = new Headers(parts.headers);
  if (parts.body !== null) {
    headers.set('Content-Type', contentTypeOf(req));
    if (req.profileNegotiated) headers.set('Content-Profile', req.schema);
  }
  const applied = appliedPreferences(req, action, parts.conflictTarget ?? false);
  if (applied) headers.set('Preference-Applied', applied);
  let status = parts.status;
  if (parts.settings) {
    status = settingStatus(parts.settings.response_status) ?? status;
    for (const [name, value] of settingHeaders(parts.settings.response_headers)) headers.set(name, value);
  }
  const bodiless = req.method === 'HEAD' || status === 204 || status === 205 || status === 304;
  return new Response(bodiless ? null : parts.body, { status, headers });
}

/** PostgREST's order and rules: each preference is reported only where it took effect. */
function appliedPreferences(
  req: RestRequest,
  action: RestAction,
  conflictTarget: boolean,
): string | undefined {
  const p = req.preferences;
  const mutation = action === 'create' || action === 'update' || action === 'delete';
  const parts = [
    action === 'create' && conflictTarget && p.resolution ? `resolution=${p.resolution}` : undefined,
    (action === 'create' || action === 'update') && p.missing ? `missing=${p.missing}` : undefined,
    mutation && p.return ? `return=${p.return}` : undefined,
    p.count ? `count=${p.count}` : undefined,
    p.handling ? `handling=${p.handling}` : undefined,
    p.timezone ? `timezone=${p.timezone}` : undefined,
    p.handling === 'strict' &&
    p.maxAffected !== undefined &&
    (action === 'update' || action === 'delete' || action === 'call')
      ? `max-affected=${p.maxAffected}`
      : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function settingStatus(text: string | null): number | undefined {
  if (text === null) return undefined;
  const status = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(status >= 200 && status <= 599)) {
    throw new PostgrestError(500, 'PGRST112', 'response.status guc must be a valid status code');
  }
  return status;
}

/** `[{"X-Name": "value"}, …]`: an array of single-key objects with string values. */
function settingHeaders(text: string | null): [string, string][] {
  if (text === null) return [];
  const invalid = () =>
    new PostgrestError(
      500,
      'PGRST111',
      'response.headers guc must be a JSON array composed of objects with a single key and a string value',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed)) throw invalid();
  return parsed.map((entry: unknown) => {
    const pairs = entry && typeof entry === 'object' && !Array.isArray(entry) ? Object.entries(entry) : [];
    const [pair] = pairs;
    if (pairs.length !== 1 || !pair || typeof pair[1] !== 'string') throw invalid();
    return [pair[0], pair[1]];
  });
}

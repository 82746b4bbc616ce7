import type { RestRequest } from './context.ts';
import { contentTypeOf } from './media.ts';

/** A response in the negotiated media type, with `Preference-Applied` for honoured prefs. */
export function respond(
  req: RestRequest,
  result: { status: number; body: string | null; headers?: Record<string, string> },
): Response {
  const headers = new Headers(result.headers);
  if (result.body !== null) headers.set('Content-Type', contentTypeOf(req.media));
  const applied = appliedPreferences(req);
  if (applied) headers.set('Preference-Applied', applied);
  return new Response(result.body, { status: result.status, headers });
}

function appliedPreferences(req: RestRequest): string | undefined {
  const p = req.preferences;
  const parts: string[] = [];
  if (p.return && req.method !== 'GET' && req.method !== 'HEAD') parts.push(`return=${p.return}`);
  if (p.count) parts.push(`count=${p.count}`);
  if (p.resolution) parts.push(`resolution=${p.resolution}`);
  if (p.missing) parts.push(`missing=${p.missing}`);
  if (p.handling) parts.push(`handling=${p.handling}`);
  if (p.timezone) parts.push(`timezone=${p.timezone}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

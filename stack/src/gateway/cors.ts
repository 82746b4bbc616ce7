/**
 * CORS as Supabase's local gateway answers it. Preflights echo the requested headers because
 * supabase-js sends many (prefer, accept-profile, x-supabase-api-version, ...) and a fixed
 * short list would fail them in browsers.
 */
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const EXPOSE_HEADERS =
  'Content-Range, Range-Unit, Content-Location, Location, X-Total-Count, Link, X-Supabase-Api-Version, Preference-Applied, X-Sb-Error-Code';
const DEFAULT_ALLOW_HEADERS =
  'authorization, apikey, x-client-info, content-type, prefer, range, accept-profile, content-profile, x-supabase-api-version, x-retry-count';

export function preflightResponse(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': request.headers.get('origin') ?? '*',
      'Access-Control-Allow-Methods': ALLOW_METHODS,
      'Access-Control-Allow-Headers':
        request.headers.get('access-control-request-headers') ?? DEFAULT_ALLOW_HEADERS,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Max-Age': '86400',
      Vary: 'Origin',
    },
  });
}

/**
 * A function's answer to a preflight that set no CORS headers of its own gets the preflight
 * headers the local gateway would have sent (functions-cli.md §5.7); its status is kept, so a
 * function that refuses OPTIONS still fails in browsers as it would on Supabase.
 */
export function withPreflightHeaders(request: Request, response: Response): Response {
  if (response.headers.has('access-control-allow-origin')) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of preflightResponse(request).headers) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Adds CORS headers to a backend response unless the backend set its own. */
export function withCorsHeaders(request: Request, response: Response): Response {
  if (response.headers.has('access-control-allow-origin')) return response;
  const headers = new Headers(response.headers);
  headers.set('Access-Control-Allow-Origin', request.headers.get('origin') ?? '*');
  headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (request.headers.has('origin')) headers.append('Vary', 'Origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

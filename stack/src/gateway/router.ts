import { type ApiKeys, apiKeyOf, checkApiKey, rewriteAuthorization } from './api-keys.ts';
import { preflightResponse, withCorsHeaders, withPreflightHeaders } from './cors.ts';

/** A backend mounted under a path prefix; it sees paths without the prefix, like behind Kong. */
export interface Service {
  fetch(request: Request): Response | Promise<Response>;
}

export type ServiceName = 'auth' | 'rest' | 'realtime' | 'functions';

export interface GatewayOptions {
  readonly keys: ApiKeys;
  /** Services that are not given answer 501 until they are part of the stack. */
  readonly services: Partial<Record<ServiceName, Service>>;
  /** Hosted Supabase rejects requests without a valid apikey; the CLI's gateway does not. */
  readonly enforceApiKey: boolean;
  readonly onError?: (error: unknown, service: ServiceName) => void;
}

/** Client address of the connection, supplied by the HTTP listener. */
export interface ClientInfo {
  readonly remoteAddress: string | undefined;
  readonly protocol: 'http' | 'https';
}

const ROUTES: readonly { prefix: string; service: ServiceName; label: string }[] = [
  { prefix: '/auth/v1', service: 'auth', label: 'Auth' },
  { prefix: '/rest/v1', service: 'rest', label: 'REST' },
  { prefix: '/realtime/v1', service: 'realtime', label: 'Realtime' },
  { prefix: '/functions/v1', service: 'functions', label: 'Functions' },
];

/** Browser redirects land here without an apikey, as on Supabase. */
const KEYLESS_AUTH_PATHS = new Set([
  '/verify',
  '/callback',
  '/authorize',
  '/.well-known/jwks.json',
  '/health',
]);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The gateway's request handler: CORS, apikey check, Authorization rewrite, routing. */
export function createGatewayHandler(options: GatewayOptions) {
  return async function handle(request: Request, client: ClientInfo): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') return new Response('OK', { status: 200 });
    const route = ROUTES.find((r) => url.pathname === r.prefix || url.pathname.startsWith(`${r.prefix}/`));
    if (request.method === 'OPTIONS' && route?.service !== 'functions') return preflightResponse(request);
    if (!route) return withCorsHeaders(request, json(404, { message: 'no Route matched with those values' }));

    const rest = url.pathname.slice(route.prefix.length) || '/';
    const apiKey = apiKeyOf(request);
    const keyless = route.service === 'auth' && KEYLESS_AUTH_PATHS.has(rest);
    if (options.enforceApiKey && !keyless && request.method !== 'OPTIONS') {
      const check = checkApiKey(apiKey, options.keys);
      if (!check.ok) return withCorsHeaders(request, json(check.status, check.body));
    }

    const service = options.services[route.service];
    if (!service) {
      if (request.method === 'OPTIONS') return preflightResponse(request);
      return withCorsHeaders(
        request,
        json(501, {
          code: 'not_implemented',
          message: `${route.label} (${route.prefix}) is not available in this Watchroom stack yet`,
        }),
      );
    }

    const headers = new Headers(request.headers);
    const authorization = rewriteAuthorization(request.headers.get('authorization'), apiKey, options.keys);
    if (authorization) headers.set('authorization', authorization);
    if (client.remoteAddress) {
      const forwarded = headers.get('x-forwarded-for');
      headers.set(
        'x-forwarded-for',
        forwarded ? `${forwarded}, ${client.remoteAddress}` : client.remoteAddress,
      );
      headers.set('x-real-ip', client.remoteAddress);
    }
    headers.set('x-forwarded-proto', client.protocol);
    headers.set('x-forwarded-prefix', route.prefix);

    const target = new URL(url);
    target.pathname = rest;
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const forwarded = new Request(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : null,
      signal: request.signal,
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    try {
      const response = await service.fetch(forwarded);
      // Preflights reach functions, as on Supabase; the CORS headers they forget are added here.
      if (route.service === 'functions' && request.method === 'OPTIONS') {
        return withPreflightHeaders(request, response);
      }
      return withCorsHeaders(request, response);
    } catch (error) {
      options.onError?.(error, route.service);
      return withCorsHeaders(
        request,
        json(502, { message: 'An invalid response was received from the upstream server' }),
      );
    }
  };
}

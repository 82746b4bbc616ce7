/** The project's four API keys: two legacy JWTs and their opaque successors. */
export interface ApiKeys {
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly publishableKey: string;
  readonly secretKey: string;
}

export type ApiKeyCheck = { ok: true } | { ok: false; status: 401; body: { message: string; hint: string } };

/** Reads the key from the `apikey` header, else the `apikey` query parameter (WebSocket clients). */
export function apiKeyOf(request: Request): string | undefined {
  return request.headers.get('apikey') ?? new URL(request.url).searchParams.get('apikey') ?? undefined;
}

/** Hosted Supabase's gateway answers exactly these bodies for a missing or unknown key. */
export function checkApiKey(key: string | undefined, keys: ApiKeys): ApiKeyCheck {
  if (!key) {
    return {
      ok: false,
      status: 401,
      body: {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      },
    };
  }
  if (
    key === keys.anonKey ||
    key === keys.serviceRoleKey ||
    key === keys.publishableKey ||
    key === keys.secretKey
  ) {
    return { ok: true };
  }
  return {
    ok: false,
    status: 401,
    body: {
      message: 'Invalid API key',
      hint: 'Double check your Supabase `anon` or `service_role` API key.',
    },
  };
}

/**
 * The CLI gateway's Authorization rewrite, in its order: keep a real bearer token; map the
 * opaque secret/publishable keys to the service_role/anon JWTs; otherwise use the apikey.
 */
export function rewriteAuthorization(
  authorization: string | null,
  apiKey: string | undefined,
  keys: ApiKeys,
): string | undefined {
  if (authorization && !authorization.startsWith('Bearer sb_')) return authorization;
  const presented = apiKey ?? authorization?.slice('Bearer '.length);
  if (presented === keys.secretKey) return `Bearer ${keys.serviceRoleKey}`;
  if (presented === keys.publishableKey) return `Bearer ${keys.anonKey}`;
  if (presented) return `Bearer ${presented}`;
  return undefined;
}

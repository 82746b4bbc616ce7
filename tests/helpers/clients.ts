import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { inject } from 'vitest';
import ws from 'ws';

/**
 * A supabase-js client for the shared test stack. Node 20 has no global WebSocket, so
 * Realtime gets the `ws` package as its transport; sessions live in memory only.
 */
export function supabaseClient(
  key: 'anon' | 'service_role' | 'publishable' | 'secret' = 'anon',
  options: SupabaseClientOptions<'public'> = {},
): SupabaseClient {
  const stack = inject('stack');
  const apiKey = {
    anon: stack.anonKey,
    service_role: stack.serviceRoleKey,
    publishable: stack.publishableKey,
    secret: stack.secretKey,
  }[key];
  return createClient(stack.apiUrl, apiKey, {
    ...options,
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, ...options.auth },
    realtime: {
      transport: ws as unknown as NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport'],
      ...options.realtime,
    },
  });
}

/** A unique, valid email for one test. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

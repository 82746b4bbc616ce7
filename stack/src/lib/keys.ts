/**
 * The Supabase CLI's public local-development keys, so code written for `supabase start` runs
 * unchanged against our stack. They are demo values, published by Supabase; never use them
 * outside local development.
 */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export const DEFAULT_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

export const DEFAULT_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

/** Opaque keys (not JWTs); the gateway maps them to the anon / service_role JWTs. */
export const DEFAULT_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const DEFAULT_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** Claims of the legacy demo keys; used to mint matching keys for a custom secret. */
export const DEMO_KEY_ISSUER = 'supabase-demo';
export const DEMO_KEY_EXPIRY = 1983812996;

/** Password of every LOGIN role locally, as the CLI sets it. */
export const DEFAULT_DB_PASSWORD = 'postgres';

/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The Supabase API URL; default the local stack's. */
  readonly VITE_SUPABASE_URL?: string;
  /** The project's anon key; default the Supabase CLI's local one. */
  readonly VITE_SUPABASE_ANON_KEY?: string;
}

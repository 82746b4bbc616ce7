/**
 * Where the app's backend is, read once from Vite's env (baked in at build time). The defaults
 * are the local stack of `npm start` and the Supabase CLI's public local anon key.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

const LOCAL_URL = 'http://127.0.0.1:54321';
const LOCAL_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

export const config = {
  supabaseUrl: import.meta.env.VITE_SUPABASE_URL || LOCAL_URL,
  anonKey: import.meta.env.VITE_SUPABASE_ANON_KEY || LOCAL_ANON_KEY,
} as const;

/** The demo video, served from `public/`; rooms store absolute media URLs. */
export const DEMO_MEDIA = {
  url: new URL('/media/testsrc.webm', window.location.origin).href,
  title: 'Test pattern (testsrc2)',
  kind: 'video',
  duration: 90,
} as const;

export function createSupabase(): SupabaseClient {
  return createClient(config.supabaseUrl, config.anonKey, {
    // The session lives in this tab's localStorage: a reload stays signed in as the same guest.
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
  });
}

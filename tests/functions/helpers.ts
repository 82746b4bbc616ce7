import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { FunctionsConfig } from '../../stack/src/functions/config.ts';
import { createLogger, createStack, type Stack } from '../../stack/src/index.ts';

/** The edge functions fixture: tests/fixtures/functions/supabase/functions/*. */
export const FIXTURE = new URL('../fixtures/functions/', import.meta.url).pathname;

export interface FunctionsStack {
  readonly stack: Stack;
  /** Every line the stack logged, newest last (function output is prefixed `[functions:<slug>]`). */
  readonly logs: string[];
  client(key?: string, options?: { accessToken?: () => Promise<string> }): SupabaseClient;
  /** A raw request to `/functions/v1<path>`, with the anon key as apikey unless told otherwise. */
  call(path: string, init?: RequestInit & { apikey?: string | null }): Promise<Response>;
}

/**
 * A stack of its own for one test file, serving `projectDir` (default: the fixture). The
 * apikey is not enforced, as with the supabase CLI's local gateway, so requests without one
 * reach the functions' own verify_jwt check.
 */
export function functionsStack(
  options: { projectDir?: string | (() => string); functions?: Partial<FunctionsConfig> } = {},
): FunctionsStack {
  const logs: string[] = [];
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await createStack({
      ephemeral: true,
      projectDir:
        typeof options.projectDir === 'function' ? options.projectDir() : (options.projectDir ?? FIXTURE),
      enforceApiKey: false,
      env: { ...process.env, FUNCTIONS_FIXTURE_SECRET: 'from env()' },
      functions: options.functions,
      logger: createLogger({ level: 'info', write: (line) => logs.push(line) }),
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const current = () => {
    if (!stack) throw new Error('stack not started');
    return stack;
  };
  return {
    get stack() {
      return current();
    },
    logs,
    client(key, clientOptions = {}) {
      const s = current();
      return createClient(s.apiUrl, key ?? s.anonKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: WebSocket as never },
        ...clientOptions,
      });
    },
    call(path, init = {}) {
      const s = current();
      const { apikey, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (apikey !== null) headers.set('apikey', apikey ?? s.anonKey);
      return fetch(`${s.apiUrl}/functions/v1${path}`, { ...rest, headers });
    },
  };
}

/** A copy of the fixture project (or a fresh one) in a temp directory, for tests that edit files. */
export async function projectCopy(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'watchroom-functions-'));
  await cp(FIXTURE, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves once a log line matching `pattern` appears (already there, or later). */
export function logLine(logs: string[], pattern: RegExp, from = 0): Promise<string> {
  return new Promise((resolve) => {
    const check = () => logs.slice(from).find((line) => pattern.test(line));
    const found = check();
    if (found) return resolve(found);
    const original = logs.push.bind(logs);
    logs.push = (...lines: string[]) => {
      const length = original(...lines);
      const hit = lines.find((line) => pattern.test(line));
      if (hit) {
        logs.push = original;
        resolve(hit);
      }
      return length;
    };
  });
}

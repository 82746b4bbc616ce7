import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { WatchroomError } from './lib/errors.ts';

/**
 * The parts of `supabase/config.toml` the stack honours, with the Supabase CLI template's
 * defaults. Unknown sections are accepted and ignored, as the CLI does for services we do not run.
 */
const passwordRequirements = z.enum([
  '',
  'letters_digits',
  'lower_upper_letters_digits',
  'lower_upper_letters_digits_symbols',
]);

const projectConfigSchema = z.object({
  project_id: z.string().default('watchroom'),
  api: z
    .object({
      enabled: z.boolean().default(true),
      port: z.number().int().min(0).max(65535).default(54321),
      schemas: z.array(z.string()).default(['public', 'graphql_public']),
      extra_search_path: z.array(z.string()).default(['public', 'extensions']),
      max_rows: z.number().int().positive().default(1000),
      auto_expose_new_tables: z.boolean().default(true),
    })
    .prefault({}),
  db: z
    .object({
      port: z.number().int().min(0).max(65535).default(54322),
      major_version: z.number().int().default(17),
      migrations: z.object({ enabled: z.boolean().default(true) }).prefault({}),
      seed: z
        .object({
          enabled: z.boolean().default(true),
          sql_paths: z.array(z.string()).default(['./seed.sql']),
        })
        .prefault({}),
    })
    .prefault({}),
  realtime: z.object({ enabled: z.boolean().default(true) }).prefault({}),
  edge_runtime: z
    .object({
      enabled: z.boolean().default(true),
      policy: z.enum(['per_worker', 'oneshot']).default('per_worker'),
      inspector_port: z.number().int().min(0).max(65535).default(8083),
      deno_version: z.number().int().default(2),
      secrets: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
  functions: z
    .record(
      z.string(),
      z.object({
        enabled: z.boolean().default(true),
        verify_jwt: z.boolean().default(true),
        import_map: z.string().optional(),
        entrypoint: z.string().optional(),
        static_files: z.array(z.string()).default([]),
      }),
    )
    .default({}),
  auth: z
    .object({
      enabled: z.boolean().default(true),
      site_url: z.string().default('http://127.0.0.1:3000'),
      additional_redirect_urls: z.array(z.string()).default([]),
      jwt_expiry: z.number().int().min(1).max(604800).default(3600),
      jwt_issuer: z.string().optional(),
      jwt_secret: z.string().min(32).optional(),
      signing_keys_path: z.string().optional(),
      enable_refresh_token_rotation: z.boolean().default(true),
      refresh_token_reuse_interval: z.number().int().min(0).default(10),
      enable_signup: z.boolean().default(true),
      enable_anonymous_sign_ins: z.boolean().default(false),
      minimum_password_length: z.number().int().min(0).default(6),
      password_requirements: passwordRequirements.default(''),
      email: z
        .object({
          enable_signup: z.boolean().default(true),
          enable_confirmations: z.boolean().default(false),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type ProjectConfig = z.infer<typeof projectConfigSchema>;

export class ConfigError extends WatchroomError<'config_invalid'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_invalid', message, options);
  }
}

/** Replaces `env(NAME)` string values with the environment variable, as the CLI does. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    const match = /^env\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(value.trim());
    if (!match?.[1]) return value;
    const resolved = env[match[1]];
    if (resolved === undefined) throw new ConfigError(`${path}: environment variable ${match[1]} is not set`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

/** Parses config.toml text; a missing file means the template defaults. */
export function parseProjectConfig(text: string | undefined, env: NodeJS.ProcessEnv = {}): ProjectConfig {
  let raw: unknown = {};
  if (text !== undefined) {
    try {
      raw = parseToml(text);
    } catch (error) {
      throw new ConfigError(`config.toml is not valid TOML: ${(error as Error).message}`, { cause: error });
    }
  }
  const result = projectConfigSchema.safeParse(substituteEnv(raw, env, ''));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`config.toml: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export async function readProjectConfig(supabaseDir: string, env: NodeJS.ProcessEnv): Promise<ProjectConfig> {
  let text: string | undefined;
  try {
    text = await readFile(join(supabaseDir, 'config.toml'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return parseProjectConfig(text, env);
}

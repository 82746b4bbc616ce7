/**
 * Which functions a project serves, and how (functions-cli.md §5.1–5.2): every directory of
 * `supabase/functions/` with an `index.ts` and a slug starting with a letter, plus every
 * `[functions.<slug>]` block of config.toml, minus those with `enabled = false`.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import type { ProjectConfig } from '../project-config.ts';

export interface FunctionDefinition {
  readonly slug: string;
  /** Absolute path of the module to run. */
  readonly entrypoint: string;
  readonly verifyJwt: boolean;
  /** How bare specifiers resolve: a deno.json(c) passed as `--config`, or an import map. */
  readonly resolution:
    | { readonly kind: 'config'; readonly path: string }
    | { readonly kind: 'import-map'; readonly path: string }
    | { readonly kind: 'none' };
  /** Files whose change restarts this function (its directory; shared code restarts all). */
  readonly directory: string;
  readonly staticFiles: readonly string[];
}

const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENTRY_EXTENSIONS = ['.ts', '.js', '.mjs', '.jsx', '.tsx'];

export async function discoverFunctions(
  supabaseDir: string,
  config: Pick<ProjectConfig, 'functions'>,
  logger: Logger,
): Promise<Map<string, FunctionDefinition>> {
  const functionsDir = join(supabaseDir, 'functions');
  const slugs = new Set<string>();
  for (const entry of await readdir(functionsDir, { withFileTypes: true }).catch(() => [])) {
    if (
      entry.isDirectory() &&
      SLUG.test(entry.name) &&
      existsSync(join(functionsDir, entry.name, 'index.ts'))
    ) {
      slugs.add(entry.name);
    }
  }
  for (const slug of Object.keys(config.functions)) slugs.add(slug);

  const definitions = new Map<string, FunctionDefinition>();
  for (const slug of [...slugs].sort()) {
    const settings = config.functions[slug];
    if (settings && !settings.enabled) {
      logger.info(`Skipped serving Function: ${slug}`);
      continue;
    }
    if (!SLUG.test(slug)) {
      logger.warn(`Skipped serving Function: ${slug} (a slug starts with a letter: ${SLUG.source})`);
      continue;
    }
    const entrypoint = settings?.entrypoint
      ? resolveIn(supabaseDir, settings.entrypoint)
      : join(functionsDir, slug, 'index.ts');
    if (!ENTRY_EXTENSIONS.some((ext) => entrypoint.endsWith(ext)) || !existsSync(entrypoint)) {
      logger.warn(`Skipped serving Function: ${slug} (no entrypoint at ${entrypoint})`);
      continue;
    }
    definitions.set(slug, {
      slug,
      entrypoint,
      verifyJwt: settings?.verify_jwt ?? true,
      resolution: resolutionFor(
        supabaseDir,
        functionsDir,
        dirname(entrypoint),
        settings?.import_map,
        slug,
        logger,
      ),
      directory: dirname(entrypoint),
      staticFiles: (settings?.static_files ?? []).map((glob) => resolveIn(supabaseDir, glob)),
    });
  }
  return definitions;
}

/**
 * Import map precedence: `[functions.<slug>] import_map` > `<fn dir>/deno.json` > `deno.jsonc`
 * > `<fn dir>/import_map.json` (deprecated) > `functions/import_map.json` (deprecated global).
 */
function resolutionFor(
  supabaseDir: string,
  functionsDir: string,
  functionDir: string,
  configured: string | undefined,
  slug: string,
  logger: Logger,
): FunctionDefinition['resolution'] {
  const asResolution = (path: string): FunctionDefinition['resolution'] =>
    /deno\.jsonc?$/.test(path) ? { kind: 'config', path } : { kind: 'import-map', path };
  if (configured) return asResolution(resolveIn(supabaseDir, configured));
  for (const name of ['deno.json', 'deno.jsonc']) {
    const path = join(functionDir, name);
    if (existsSync(path)) return { kind: 'config', path };
  }
  for (const path of [join(functionDir, 'import_map.json'), join(functionsDir, 'import_map.json')]) {
    if (!existsSync(path)) continue;
    logger.warn(`${slug}: import_map.json is deprecated, use deno.json in the function's directory`);
    return { kind: 'import-map', path };
  }
  return { kind: 'none' };
}

function resolveIn(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

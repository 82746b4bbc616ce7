/**
 * Edge functions at `/functions/v1`, served as `supabase functions serve` serves them: each
 * `supabase/functions/<slug>` runs on real Deno (from the npm `deno` package) in a warm worker
 * process of its own; requests reach it as `/<slug>/<sub/path>` with everything else unchanged.
 *
 * @example
 * const functions = await createFunctionsService({ supabaseDir, project, jwt, env, config, logger });
 * const response = await functions.fetch(new Request('http://functions/hello-world', { method: 'POST' }));
 * await functions.close();
 */
import { join } from 'node:path';
import { errorMessage } from '../lib/errors.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { ProjectConfig } from '../project-config.ts';
import type { FunctionsConfig } from './config.ts';
import { denoBinary } from './deno-binary.ts';
import { discoverFunctions, type FunctionDefinition } from './discovery.ts';
import { type FunctionEnvSources, functionEnv } from './env.ts';
import { WorkerPool } from './pool.ts';
import { BodyTooLargeError, forward, WallClockError } from './proxy.ts';
import {
  bootError,
  functionNotFound,
  health,
  requestTooLarge,
  workerError,
  workerLimit,
} from './runtime-errors.ts';
import { verifyRequestJwt } from './verify-jwt.ts';
import { type FunctionsWatcher, watchFunctions } from './watch.ts';
import { BootError } from './worker.ts';

export { DEFAULT_FUNCTIONS_CONFIG, type FunctionsConfig } from './config.ts';
export { denoBinary } from './deno-binary.ts';

export interface FunctionsDeps {
  readonly supabaseDir: string;
  readonly project: Pick<ProjectConfig, 'functions' | 'edge_runtime'>;
  readonly jwt: JwtService;
  readonly env: Omit<FunctionEnvSources, 'supabaseDir' | 'configSecrets'>;
  readonly config: FunctionsConfig;
  readonly logger: Logger;
}

export interface FunctionsService {
  /** Requests below the gateway's `/functions/v1` prefix: `/<slug>[/<sub/path>]`. */
  fetch(request: Request): Promise<Response>;
  /** The functions being served, by slug. */
  readonly functions: ReadonlyMap<string, FunctionDefinition>;
  /** Stops every worker and the file watcher; idempotent. */
  close(): Promise<void>;
}

/** The Deno script each worker runs (stack/deno/edge-bootstrap.ts). */
export const BOOTSTRAP = new URL('../../deno/edge-bootstrap.ts', import.meta.url).pathname;

export async function createFunctionsService(deps: FunctionsDeps): Promise<FunctionsService> {
  const { config, logger } = deps;
  if (deps.project.edge_runtime.policy === 'oneshot') {
    logger.warn(
      '[edge_runtime] policy "oneshot" is served as "per_worker": workers are reused between requests',
    );
  }
  let definitions = await discoverFunctions(deps.supabaseDir, deps.project, logger);
  const sources: FunctionEnvSources = {
    ...deps.env,
    supabaseDir: deps.supabaseDir,
    configSecrets: deps.project.edge_runtime.secrets,
  };
  let env = await functionEnv(sources, logger);
  const pool = new WorkerPool({ deno: denoBinary(), bootstrap: BOOTSTRAP, config, logger, env: () => env });
  for (const slug of definitions.keys()) logger.debug(`serving function ${slug}`);

  let watcher: FunctionsWatcher | undefined;
  if (config.watch) {
    watcher = watchFunctions(join(deps.supabaseDir, 'functions'), (changed) => {
      void (async () => {
        definitions = await discoverFunctions(deps.supabaseDir, deps.project, logger);
        env = await functionEnv(sources, logger);
        if (changed === 'all') await pool.recycle();
        else for (const slug of changed) await pool.recycle(slug);
        logger.info(`reloaded ${changed === 'all' ? 'every function' : [...changed].join(', ')}`);
      })().catch((error: unknown) => logger.error(`reload: ${errorMessage(error)}`));
    });
  }

  async function serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/_internal/health') return health();
    const slug = url.pathname.split('/')[1] ?? '';
    const definition = definitions.get(slug);
    if (!definition) return functionNotFound();
    if (definition.verifyJwt && !config.noVerifyJwt) {
      const refusal = await verifyRequestJwt(request, deps.jwt);
      if (refusal) return refusal;
    }
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > config.maxRequestBodyBytes) return requestTooLarge(config.maxRequestBodyBytes);

    let acquired: Awaited<ReturnType<WorkerPool['acquire']>>;
    try {
      acquired = await pool.acquire(definition);
    } catch (error) {
      if (error instanceof BootError) {
        logger.child(slug).error(error.message);
        return bootError();
      }
      throw error;
    }
    try {
      return await forward(request, {
        port: acquired.port,
        agent: acquired.worker.agent,
        maxBodyBytes: config.maxRequestBodyBytes,
        wallClockMs: config.wallClockMs,
      });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return requestTooLarge(config.maxRequestBodyBytes);
      if (error instanceof WallClockError) {
        // A worker that does not answer may be stuck in a loop: recycle it, as the runtime does.
        logger
          .child(slug)
          .error(`wall clock limit (${config.wallClockMs} ms) reached, restarting the worker`);
        void pool.recycle(slug);
        return workerLimit();
      }
      logger.child(slug).error(`worker failed: ${errorMessage(error)}`);
      return workerError();
    }
  }

  let closing: Promise<void> | undefined;
  return {
    fetch: serve,
    get functions() {
      return definitions;
    },
    close() {
      closing ??= (async () => {
        watcher?.close();
        await pool.close();
      })();
      return closing;
    },
  };
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import postgres from 'postgres';
import { authConfigFromProject } from './auth/config.ts';
import { createAuthApp } from './auth/index.ts';
import type { StackOptions } from './config.ts';
import { createFunctionsService, DEFAULT_FUNCTIONS_CONFIG } from './functions/index.ts';
import { type Gateway, type Service, type ServiceName, startGateway } from './gateway/index.ts';
import { errorMessage } from './lib/errors.ts';
import { createJwtService, type JwtService, loadSigningKeys } from './lib/jwt.ts';
import {
  DEFAULT_DB_PASSWORD,
  DEFAULT_JWT_SECRET,
  DEFAULT_PUBLISHABLE_KEY,
  DEFAULT_SECRET_KEY,
  DEMO_KEY_EXPIRY,
  DEMO_KEY_ISSUER,
} from './lib/keys.ts';
import { silentLogger } from './lib/logger.ts';
import { type Database, openDatabase, prepareDatabase } from './postgres/index.ts';
import { readProjectConfig } from './project-config.ts';
import { DEFAULT_REALTIME_CONFIG } from './realtime/config.ts';
import { createRealtimeService, type RealtimeService } from './realtime/index.ts';
import { createRestPool, createRestService } from './rest/index.ts';

/** How to reach a running stack: what `watchroom status` prints. */
export interface StackInfo {
  /** Gateway URL, what supabase-js is created with: `http://127.0.0.1:<port>`. */
  readonly apiUrl: string;
  /** Superuser database URL. */
  readonly dbUrl: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly publishableKey: string;
  readonly secretKey: string;
  readonly jwtSecret: string;
}

/** The plain, serializable connection values of a stack (no handles). */
export function stackInfo(stack: StackInfo): StackInfo {
  const { apiUrl, dbUrl, anonKey, serviceRoleKey, publishableKey, secretKey, jwtSecret } = stack;
  return { apiUrl, dbUrl, anonKey, serviceRoleKey, publishableKey, secretKey, jwtSecret };
}

export interface Stack extends StackInfo {
  readonly projectId: string;
  /** Postmaster pid when the stack started its own server. */
  readonly postgresPid: number | undefined;
  /** Stops the gateway, closes pools, stops Postgres; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the local Supabase-compatible stack for the project in `projectDir` and resolves once
 * every service answers.
 *
 * @example
 * const stack = await createStack({ ephemeral: true });
 * const supabase = createClient(stack.apiUrl, stack.anonKey);
 * await stack.stop();
 */
export async function createStack(options: StackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const supabaseDir = join(projectDir, 'supabase');
  const project = await readProjectConfig(supabaseDir, env);
  const ephemeral = options.ephemeral ?? false;

  const jwtSecret = options.jwtSecret ?? project.auth.jwt_secret ?? DEFAULT_JWT_SECRET;
  const signingKeys = project.auth.signing_keys_path
    ? await loadSigningKeys(resolveIn(supabaseDir, project.auth.signing_keys_path))
    : [];
  const jwt = await createJwtService({ secret: jwtSecret, signingKeys });
  const keys = {
    anonKey: options.anonKey ?? (await mintApiKey(jwt, 'anon')),
    serviceRoleKey: options.serviceRoleKey ?? (await mintApiKey(jwt, 'service_role')),
    publishableKey: options.publishableKey ?? DEFAULT_PUBLISHABLE_KEY,
    secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
  };

  const tempDir = ephemeral && !options.dataDir ? await mkdtemp(join(tmpdir(), 'watchroom-')) : undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  if (tempDir) cleanups.push(() => rm(tempDir, { recursive: true, force: true }));
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.warn(`shutdown: ${errorMessage(error)}`));
    }
  };

  try {
    const db: Database = await openDatabase({
      url: options.databaseUrl,
      dataDir: options.dataDir ?? (tempDir ? join(tempDir, 'db') : join(projectDir, '.watchroom', 'db')),
      port: options.dbPort ?? (ephemeral ? 0 : project.db.port),
      password: DEFAULT_DB_PASSWORD,
      durable: !ephemeral,
      logger,
    });
    cleanups.push(() => db.stop());
    await prepareDatabase(db.url, {
      supabaseDir,
      projectRoot: projectDir,
      password: DEFAULT_DB_PASSWORD,
      autoExposeNewTables: project.api.auto_expose_new_tables,
      migrations: project.db.migrations.enabled,
      seedPaths: project.db.seed.enabled ? project.db.seed.sql_paths : false,
      logger,
    });

    // Services are attached once the gateway knows its port: the issuer URL contains it.
    const services: Partial<Record<ServiceName, Service>> = {};
    let realtime: RealtimeService | undefined;
    const gateway: Gateway = await startGateway({
      onUpgrade: (request, socket, head) => {
        if (realtime) return realtime.handleUpgrade(request, socket, head);
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      },
      port: options.apiPort ?? (ephemeral ? 0 : project.api.port),
      keys,
      services,
      enforceApiKey: options.enforceApiKey ?? true,
      onError: (error, service) => logger.error(`${service}: ${errorMessage(error)}`),
    });
    // Registered now so a failure below still closes it; moved last once services are up, so
    // stop() closes the door before it ends the pools requests run on.
    // Upgraded WebSockets count as the servers' connections, so the gateway only finishes closing
    // once Realtime has closed them: stop accepting first, then close Realtime's sockets.
    const closeGateway = async () => {
      const closed = gateway.close();
      await realtime?.close();
      await closed;
    };
    cleanups.push(closeGateway);

    if (project.api.enabled) {
      const restDb = createRestPool(db.urlFor('authenticator'));
      cleanups.push(() => restDb.end({ timeout: 5 }));
      const rest = await createRestService({
        db: restDb,
        jwt,
        config: {
          schemas: project.api.schemas,
          extraSearchPath: project.api.extra_search_path,
          maxRows: project.api.max_rows,
          anonRole: 'anon',
          maxBodyBytes: 10 * 1024 * 1024,
        },
        logger: logger.child('rest'),
      });
      cleanups.push(() => rest.close());
      services.rest = rest;
    }

    if (project.auth.enabled) {
      const authDb = postgres(db.urlFor('supabase_auth_admin'), {
        max: 10,
        onnotice: () => undefined,
        connection: { application_name: 'watchroom-auth' },
      });
      cleanups.push(() => authDb.end({ timeout: 5 }));
      services.auth = createAuthApp({
        db: authDb,
        jwt,
        config: { ...authConfigFromProject(project, gateway.url), ...options.auth },
        logger: logger.child('auth'),
      });
    }

    if (project.realtime.enabled) {
      const service = await createRealtimeService({
        databaseUrl: db.urlFor('supabase_realtime_admin'),
        jwt,
        keys,
        config: { ...DEFAULT_REALTIME_CONFIG, ...options.realtime },
        logger: logger.child('realtime'),
      });
      cleanups.push(() => service.close());
      services.realtime = service;
      realtime = service;
    }

    if (project.edge_runtime.enabled) {
      const functions = await createFunctionsService({
        supabaseDir,
        project,
        jwt,
        env: {
          apiUrl: gateway.url,
          dbUrl: db.url,
          keys,
          jwtSecret,
          publicJwks: jwt.jwks().keys as Record<string, unknown>[],
        },
        config: {
          ...DEFAULT_FUNCTIONS_CONFIG,
          // A cache: kept between runs, so npm: packages are downloaded once.
          denoDir: ephemeral ? join(tmpdir(), 'watchroom-deno') : join(projectDir, '.watchroom', 'deno'),
          ...options.functions,
        },
        logger: logger.child('functions'),
      });
      cleanups.push(() => functions.close());
      services.functions = functions;
    }

    cleanups.splice(cleanups.indexOf(closeGateway), 1);
    cleanups.push(closeGateway);

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: gateway.url,
      dbUrl: db.url,
      ...keys,
      jwtSecret,
      projectId: project.project_id,
      postgresPid: db.serverPid,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The legacy API keys: HS256 JWTs with only iss/role/exp, byte-identical to the CLI's. */
function mintApiKey(jwt: JwtService, role: 'anon' | 'service_role'): Promise<string> {
  return jwt.signHs256({ iss: DEMO_KEY_ISSUER, role, exp: DEMO_KEY_EXPIRY });
}

function resolveIn(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

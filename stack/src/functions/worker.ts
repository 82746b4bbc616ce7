/**
 * One function's Deno process (the edge runtime's "user worker"): started on first use, kept
 * warm for later requests, replaced when it exits. Each function has its own process, so one
 * that crashes, hangs or leaks never touches the gateway or the other functions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { WatchroomError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { FunctionsConfig } from './config.ts';
import type { FunctionDefinition } from './discovery.ts';

/** The worker could not start: syntax error, failed import, no handler, boot timeout. */
export class BootError extends WatchroomError<'function_boot_failed'> {
  constructor(slug: string, detail: string) {
    super('function_boot_failed', `function ${slug} failed to boot: ${detail}`);
  }
}

export interface WorkerOptions {
  readonly definition: FunctionDefinition;
  readonly deno: string;
  readonly bootstrap: string;
  readonly env: Readonly<Record<string, string>>;
  readonly config: FunctionsConfig;
  readonly logger: Logger;
}

const CONTROL = '\u001e';

/**
 * The host's network settings Deno needs to fetch npm: packages (proxies, CA certificates, the
 * registry). They are removed from the function's environment once its module has loaded.
 */
const HOST_NETWORK_ENV = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'DENO_CERT',
  'DENO_TLS_CA_STORE',
  'NPM_CONFIG_REGISTRY',
];

function hostNetworkEnv(): Record<string, string> {
  // The system's CA store as well as Deno's bundled one: machines behind a TLS-inspecting proxy
  // trust its CA there, as npm and curl do.
  const env: Record<string, string> = { DENO_TLS_CA_STORE: 'mozilla,system' };
  for (const name of HOST_NETWORK_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
/** Boot failures quote the last lines the worker printed. */
const TAIL_LINES = 20;

export class FunctionWorker {
  readonly slug: string;
  /** Resolves with the port once the handler is registered and served. */
  readonly ready: Promise<number>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
  /** Keep-alive connections to this worker only; gone with it. */
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly child: ChildProcess;
  private alive = true;

  constructor(options: WorkerOptions) {
    const { definition, config } = options;
    this.slug = definition.slug;
    this.child = spawn(options.deno, denoArgs(options), {
      cwd: definition.directory,
      env: {
        ...hostNetworkEnv(),
        ...options.env,
        WATCHROOM_FN_HOST_ENV: Object.keys(hostNetworkEnv()).join(','),
        DENO_DIR: config.denoDir,
        DENO_NO_PACKAGE_JSON: '1',
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
        WATCHROOM_FN_ENTRYPOINT: new URL(`file://${definition.entrypoint}`).href,
        WATCHROOM_FN_SLUG: definition.slug,
        WATCHROOM_FN_HANDLER_WAIT_MS: String(config.handlerWaitMs),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };

    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => {
        this.alive = false;
        this.agent.destroy();
        resolve();
      });
      this.child.once('error', (error) => {
        remember(String(error));
        this.alive = false;
        resolve();
      });
    });

    this.ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new BootError(this.slug, `not ready within ${config.bootTimeoutMs} ms`));
        void this.kill();
      }, config.bootTimeoutMs);
      timer.unref();
      const settle = () => clearTimeout(timer);
      createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        remember(line);
        options.logger.info(line);
      });
      createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
        if (!line.startsWith(CONTROL)) {
          remember(line);
          options.logger.error(line);
          return;
        }
        const message = parseControl(line);
        if (message?.watchroom === 'ready' && typeof message.port === 'number') {
          settle();
          resolve(message.port);
        } else if (message?.watchroom === 'boot_error') {
          settle();
          reject(new BootError(this.slug, String(message.message)));
        }
      });
      void this.exited.then(() => {
        settle();
        reject(
          new BootError(this.slug, `exited before serving${tail.length ? `:\n${tail.join('\n')}` : ''}`),
        );
      });
    });
    // A rejection nobody awaits yet (the request that started it may be gone) is not a crash.
    this.ready.catch(() => undefined);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Stops the process (SIGTERM, then SIGKILL after a grace period); idempotent. */
  async kill(): Promise<void> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const force = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    force.unref();
    await this.exited;
    clearTimeout(force);
  }
}

function denoArgs(options: WorkerOptions): string[] {
  const { definition, config } = options;
  const resolution =
    definition.resolution.kind === 'config'
      ? ['--config', definition.resolution.path]
      : definition.resolution.kind === 'import-map'
        ? ['--no-config', '--import-map', definition.resolution.path]
        : ['--no-config'];
  return [
    'run',
    '--allow-all',
    '--no-prompt',
    '--quiet',
    // The edge runtime writes no lock files into projects.
    '--no-lock',
    `--v8-flags=--max-old-space-size=${config.memoryLimitMb}`,
    ...resolution,
    options.bootstrap,
  ];
}

function parseControl(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line.slice(CONTROL.length)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * `watchroom functions check`: type-checks a project's edge functions with Deno itself
 * (`deno check`), each with the import map or deno.json it runs with, so Deno's types are
 * verified and not only Node's. The runtime's own bootstrap script is checked too.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import type { ProjectConfig } from '../project-config.ts';
import { denoBinary } from './deno-binary.ts';
import { discoverFunctions, type FunctionDefinition } from './discovery.ts';
import { BOOTSTRAP } from './index.ts';

export interface CheckResult {
  readonly checked: readonly string[];
  readonly failed: readonly string[];
}

export async function checkFunctions(options: {
  readonly supabaseDir: string;
  readonly project: Pick<ProjectConfig, 'functions'>;
  readonly denoDir: string;
  readonly logger: Logger;
  readonly write: (text: string) => void;
}): Promise<CheckResult> {
  const definitions = await discoverFunctions(options.supabaseDir, options.project, options.logger);
  const checked: string[] = [];
  const failed: string[] = [];
  const run = async (label: string, args: string[], cwd: string) => {
    checked.push(label);
    const ok = await deno(args, cwd, options.denoDir, options.write);
    if (!ok) failed.push(label);
  };
  await run(
    'edge-bootstrap',
    ['check', '--quiet', '--no-config', '--no-lock', BOOTSTRAP],
    join(BOOTSTRAP, '..'),
  );
  for (const definition of definitions.values()) {
    await run(
      definition.slug,
      ['check', '--quiet', '--no-lock', ...resolutionArgs(definition), definition.entrypoint],
      definition.directory,
    );
  }
  return { checked, failed };
}

function resolutionArgs(definition: FunctionDefinition): string[] {
  switch (definition.resolution.kind) {
    case 'config':
      return ['--config', definition.resolution.path];
    case 'import-map':
      return ['--no-config', '--import-map', definition.resolution.path];
    default:
      return ['--no-config'];
  }
}

function deno(args: string[], cwd: string, denoDir: string, write: (text: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(denoBinary(), args, {
      cwd,
      env: {
        ...process.env,
        DENO_DIR: denoDir,
        DENO_NO_PACKAGE_JSON: '1',
        NO_COLOR: '1',
        DENO_TLS_CA_STORE: process.env.DENO_TLS_CA_STORE ?? 'mozilla,system',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', (error) => {
      write(String(error));
      resolve(false);
    });
    child.on('exit', (code) => {
      if (code !== 0 && output) write(output.trimEnd());
      resolve(code === 0);
    });
  });
}

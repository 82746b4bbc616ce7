import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { parseProjectConfig } from '../project-config.ts';
import { discoverFunctions } from './discovery.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<{ supabaseDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'watchroom-discovery-'));
  dirs.push(root);
  const supabaseDir = join(root, 'supabase');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(supabaseDir, path, '..'), { recursive: true });
    await writeFile(join(supabaseDir, path), text);
  }
  return { supabaseDir };
}

async function discover(files: Record<string, string>, toml = '') {
  const { supabaseDir } = await project(files);
  const logs: string[] = [];
  const found = await discoverFunctions(
    supabaseDir,
    parseProjectConfig(toml),
    createLogger({ level: 'info', write: (line) => logs.push(line) }),
  );
  return { found, logs, supabaseDir };
}

describe('discoverFunctions', () => {
  it('serves directories with index.ts whose slug starts with a letter', async () => {
    const { found } = await discover({
      'functions/hello/index.ts': '',
      'functions/with-dash_1/index.ts': '',
      'functions/_shared/index.ts': '',
      'functions/1digit/index.ts': '',
      'functions/no-index/main.ts': '',
    });
    expect([...found.keys()]).toEqual(['hello', 'with-dash_1']);
    expect(found.get('hello')).toMatchObject({ verifyJwt: true, resolution: { kind: 'none' } });
  });

  it('applies [functions.<slug>]: enabled, verify_jwt, entrypoint, import_map', async () => {
    const { found, logs, supabaseDir } = await discover(
      {
        'functions/off/index.ts': '',
        'functions/open/index.ts': '',
        'elsewhere/main.ts': '',
        'maps/custom.json': '{}',
      },
      `
[functions.off]
enabled = false
[functions.open]
verify_jwt = false
import_map = "./maps/custom.json"
[functions.moved]
entrypoint = "./elsewhere/main.ts"
`,
    );
    expect([...found.keys()]).toEqual(['moved', 'open']);
    expect(logs).toContain('Skipped serving Function: off');
    expect(found.get('open')).toMatchObject({
      verifyJwt: false,
      resolution: { kind: 'import-map', path: join(supabaseDir, 'maps/custom.json') },
    });
    expect(found.get('moved')?.entrypoint).toBe(join(supabaseDir, 'elsewhere/main.ts'));
  });

  it('resolves the import map by the CLI precedence', async () => {
    const { found, logs, supabaseDir } = await discover({
      'functions/a/index.ts': '',
      'functions/a/deno.json': '{}',
      'functions/a/import_map.json': '{}',
      'functions/b/index.ts': '',
      'functions/b/deno.jsonc': '{}',
      'functions/c/index.ts': '',
      'functions/c/import_map.json': '{}',
      'functions/d/index.ts': '',
      'functions/import_map.json': '{}',
    });
    expect(found.get('a')?.resolution).toEqual({
      kind: 'config',
      path: join(supabaseDir, 'functions/a/deno.json'),
    });
    expect(found.get('b')?.resolution).toEqual({
      kind: 'config',
      path: join(supabaseDir, 'functions/b/deno.jsonc'),
    });
    expect(found.get('c')?.resolution).toEqual({
      kind: 'import-map',
      path: join(supabaseDir, 'functions/c/import_map.json'),
    });
    expect(found.get('d')?.resolution).toEqual({
      kind: 'import-map',
      path: join(supabaseDir, 'functions/import_map.json'),
    });
    expect(logs.filter((line) => line.includes('deprecated'))).toHaveLength(2);
  });

  it('serves nothing, quietly, without a functions directory', async () => {
    const { found, logs } = await discover({ 'config.toml': '' });
    expect(found.size).toBe(0);
    expect(logs).toEqual([]);
  });
});

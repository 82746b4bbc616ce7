import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Supabase project directory with the given migrations and seed. */
export async function tempProject(files: {
  migrations?: Record<string, string>;
  seed?: string;
  config?: string;
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'watchroom-project-'));
  await mkdir(join(dir, 'supabase', 'migrations'), { recursive: true });
  await writeFile(join(dir, 'supabase', 'config.toml'), files.config ?? 'project_id = "temp"\n');
  for (const [name, sql] of Object.entries(files.migrations ?? {})) {
    await writeFile(join(dir, 'supabase', 'migrations', name), sql);
  }
  if (files.seed !== undefined) await writeFile(join(dir, 'supabase', 'seed.sql'), files.seed);
  return dir;
}

/**
 * Temporary projects created through it are listed in `dirs` and removed by `cleanup()`
 * (call it from afterEach / afterAll), so test runs do not pile up in the temp directory.
 */
export function projectTracker() {
  const dirs: string[] = [];
  return {
    dirs,
    async create(files: Parameters<typeof tempProject>[0] = {}): Promise<string> {
      const dir = await tempProject(files);
      dirs.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}

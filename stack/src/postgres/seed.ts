import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Sql } from 'postgres';
import { type Logger, silentLogger } from '../lib/logger.ts';
import { ensureHistory, runScript } from './migrations.ts';
import { splitSql } from './sql-splitter.ts';

/**
 * Runs the seed files of `[db.seed] sql_paths` (globs relative to `supabase/`, in listed order)
 * as the CLI does: each file once, recorded by hash in `supabase_migrations.seed_files`; a seed
 * that changed later only has its hash updated, so seeds effectively run on a fresh database.
 */
export async function applySeeds(
  sql: Sql,
  supabaseDir: string,
  patterns: readonly string[],
  options: { logger?: Logger; projectRoot?: string } = {},
): Promise<string[]> {
  const logger = options.logger ?? silentLogger;
  await ensureHistory(sql);
  const seeded: string[] = [];
  const conn = await sql.reserve();
  try {
    for (const pattern of patterns) {
      const files = await expandGlob(supabaseDir, pattern);
      if (files.length === 0) logger.warn(`no seed files matched ${pattern}`);
      for (const file of files) {
        const key = relative(supabaseDir, file);
        const label = relative(options.projectRoot ?? process.cwd(), file);
        const script = await readFile(file, 'utf8');
        const hash = createHash('sha256').update(script).digest('hex');
        const [known] = await conn<{ hash: string }[]>`
          select hash from supabase_migrations.seed_files where path = ${key}`;
        if (known?.hash === hash) continue;
        if (known) {
          logger.info(`Updating seed hash to ${label}... (run \`watchroom db reset\` to seed again)`);
          await conn`update supabase_migrations.seed_files set hash = ${hash} where path = ${key}`;
          continue;
        }
        logger.info(`Seeding data from ${label}...`);
        await runScript(conn, label, script, splitSql(script), 'seed_failed', async () => {
          await conn`insert into supabase_migrations.seed_files (path, hash) values (${key}, ${hash})`;
        });
        seeded.push(label);
      }
    }
    return seeded;
  } finally {
    conn.release();
  }
}

/** Minimal glob: `*` and `?` in the last path segment, which is what seed paths use. */
async function expandGlob(baseDir: string, pattern: string): Promise<string[]> {
  const full = resolve(baseDir, pattern);
  const name = basename(full);
  if (!/[*?]/.test(name)) {
    try {
      await readFile(full);
      return [full];
    } catch {
      return [];
    }
  }
  const dir = dirname(full);
  const matcher = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && matcher.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

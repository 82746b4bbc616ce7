import { join } from 'node:path';
import { checkFunctions } from '../functions/check.ts';
import { readProjectConfig } from '../project-config.ts';
import type { CommandContext } from './commands.ts';

/** `watchroom functions check`: exit 1 when any function fails `deno check`. */
export async function functionsCheck(ctx: CommandContext): Promise<number> {
  const supabaseDir = join(ctx.projectDir, 'supabase');
  const project = await readProjectConfig(supabaseDir, { ...ctx.env });
  const result = await checkFunctions({
    supabaseDir,
    project,
    denoDir: join(ctx.projectDir, '.watchroom', 'deno'),
    logger: ctx.logger,
    write: ctx.out,
  });
  const ok = result.checked.length - result.failed.length;
  ctx.out(
    `deno check: ${ok}/${result.checked.length} passed${result.failed.length ? `; failed: ${result.failed.join(', ')}` : ''}`,
  );
  return result.failed.length === 0 ? 0 : 1;
}

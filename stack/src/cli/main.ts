import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, isWatchroomError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { type CommandContext, dbReset, start, status, stop } from './commands.ts';
import { functionsCheck } from './functions-check.ts';
import { genTypes } from './gen-types.ts';

const USAGE = `Usage: watchroom <command> [--workdir <dir>] [--debug]

Commands:
  start      Start Postgres, Auth and the gateway in the foreground (Ctrl-C stops)
  status     Show URLs and keys of the running stack
  stop       Stop the running stack
  db reset   Drop the database and re-apply bootstrap, migrations and seed
  gen types  Print the TypeScript Database type of the schema (--schema s, repeatable;
             default: [api] schemas), as \`supabase gen types typescript --local\` does
  functions check
             Type-check every edge function with Deno (deno check)

Environment: DATABASE_URL, WATCHROOM_API_PORT, WATCHROOM_DB_PORT, WATCHROOM_DATA_DIR,
             WATCHROOM_JWT_SECRET, WATCHROOM_ENFORCE_APIKEY, WATCHROOM_REALTIME_<LIMIT>`;

/** Like the supabase CLI: the nearest directory upwards that holds supabase/config.toml. */
function findProjectDir(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supabase', 'config.toml'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workdir: { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      schema: { type: 'string', multiple: true },
      local: { type: 'boolean' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const ctx: CommandContext = {
    projectDir: values.workdir ? resolve(values.workdir) : findProjectDir(process.cwd()),
    env: process.env,
    logger: createLogger({ level: values.debug ? 'debug' : 'info' }),
    out: (text) => process.stdout.write(`${text}\n`),
  };
  switch (command) {
    case 'start':
      return start(ctx);
    case 'status':
      return status(ctx);
    case 'stop':
      return stop(ctx);
    case 'db reset':
      return dbReset(ctx);
    case 'functions check':
      return functionsCheck(ctx);
    case 'gen types':
    case 'gen types typescript':
      return genTypes(
        ctx,
        (values.schema ?? []).flatMap((s) => s.split(',')),
      );
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const prefix = isWatchroomError(error) ? `error (${error.code})` : 'error';
    process.stderr.write(`${prefix}: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);

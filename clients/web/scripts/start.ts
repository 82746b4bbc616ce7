/**
 * `npm start`: the local stack for ./supabase (`watchroom start`, in a child process) and the
 * demo app on Vite's dev server at http://127.0.0.1:5173, the origin invite links and auth
 * redirect URLs name. Ctrl-C stops both; the stack stops Postgres on its way out.
 *
 *   node --import tsx clients/web/scripts/start.ts [watchroom start options, e.g. --debug]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('../../../stack/bin/watchroom.js', import.meta.url));

interface StackBanner {
  readonly apiUrl: string;
  readonly anonKey: string;
}

// `watchroom start` prints `supabase status`'s block between these once every service answers.
const READY_LINE = 'Started watchroom local development setup.';
const BANNER_END = 'Press Ctrl-C to stop.';
const DUPLICATE_SIGNAL_MS = 500;

/** Reads the banner off the child's stdout while passing everything through to ours. */
function waitForBanner(child: ChildProcess): Promise<StackBanner> {
  return new Promise((resolve, reject) => {
    let seen: string | undefined = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (seen === undefined) return;
      seen += chunk.toString('utf8');
      if (!seen.includes(READY_LINE) || !seen.includes(BANNER_END)) return;
      const apiUrl = /API URL: (\S+)/.exec(seen)?.[1];
      const anonKey = /anon key: (\S+)/.exec(seen)?.[1];
      // Once up, the rest of the output only passes through.
      seen = undefined;
      if (apiUrl && anonKey) resolve({ apiUrl, anonKey });
      else reject(new Error('watchroom start printed a banner without API URL or anon key'));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`watchroom start exited (${signal ?? code}) before it was up`)),
    );
  });
}

async function main(): Promise<number> {
  // Its own process group: a terminal's Ctrl-C reaches only this process, which forwards it
  // once. (Both getting it would make our forward the stack's second signal, its "stop now".)
  const stack = spawn(process.execPath, [cli, 'start', ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const stackExit = new Promise<number>((resolve) => stack.once('exit', (code) => resolve(code ?? 1)));

  let vite: ViteDevServer | undefined;
  let stopping = false;
  let forwardedAt = 0;
  const stop = (signal: NodeJS.Signals) => {
    // npm relays the terminal's signal as well: one Ctrl-C arrives twice within milliseconds.
    // A second press later is forwarded, and means "now" to the stack, as it does to its CLI.
    const running = stack.exitCode === null && stack.signalCode === null;
    if (running && Date.now() - forwardedAt > DUPLICATE_SIGNAL_MS) {
      forwardedAt = Date.now();
      stack.kill(signal);
    }
    if (stopping) return;
    stopping = true;
    void vite?.close();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  let banner: StackBanner;
  try {
    banner = await waitForBanner(stack);
  } catch (error) {
    console.error(`\n${(error as Error).message}`);
    return stackExit;
  }
  if (stopping) return stackExit;

  // Vite bakes VITE_* variables from the environment into the app; a set one wins, so the app
  // can be pointed at another project.
  process.env.VITE_SUPABASE_URL ??= banner.apiUrl;
  process.env.VITE_SUPABASE_ANON_KEY ??= banner.anonKey;
  try {
    vite = await createServer({ root: appRoot, clearScreen: false });
    await vite.listen();
  } catch (error) {
    console.error(`\nThe web app could not start: ${(error as Error).message}`);
    stop('SIGINT');
    await stackExit;
    return 1;
  }
  const url = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
  process.stdout.write(
    `\n  Watchroom app: ${url}  (API ${banner.apiUrl})\n\n  Press Ctrl-C to stop both.\n\n`,
  );

  // The stack ending on its own (crash, `watchroom stop` elsewhere) ends the app too.
  const code = await stackExit;
  stopping = true;
  await vite.close();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

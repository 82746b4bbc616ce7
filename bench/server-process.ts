import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const BIN = new URL('../stack/bin/watchroom.js', import.meta.url).pathname;

export interface ServerProcess {
  readonly apiUrl: string;
  readonly dbUrl: string;
  readonly anonKey: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs `watchroom start` for `projectDir` in its own process on free ports, as a user runs it,
 * so a benchmark's load generator does not share the server's event loop.
 */
export async function startServerProcess(projectDir: string, dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--workdir', projectDir], {
    env: { ...process.env, WATCHROOM_API_PORT: '0', WATCHROOM_DB_PORT: '0', WATCHROOM_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`watchroom start exited ${code}: ${out}`)));
  });
  const value = (label: string) => new RegExp(`${label}: (\\S+)`).exec(out)?.[1] ?? '';
  return {
    apiUrl: value('API URL'),
    dbUrl: value('DB URL'),
    anonKey: value('anon key'),
    child,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    },
  };
}

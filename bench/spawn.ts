import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

export interface Spawned<T> {
  readonly ready: T;
  readonly child: ChildProcess;
  /** Resident set size of the child process, in bytes (Linux /proc). */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script> ...args` and waits for its first stdout line of the form
 * `{"ready": ...}`. Benchmarks run every server in its own process.
 */
export async function spawnReady<T>(script: URL, args: string[] = []): Promise<Spawned<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  const ready = await new Promise<T>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.startsWith('{"ready"')) resolve((JSON.parse(line) as { ready: T }).ready);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited ${code}`)));
  });
  return {
    ready,
    child,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return kb * 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    },
  };
}

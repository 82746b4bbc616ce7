import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { projectTracker } from '../helpers/project.ts';

const BIN = new URL('../../stack/bin/watchroom.js', import.meta.url).pathname;
const run = promisify(execFile);
const env = { ...process.env, WATCHROOM_API_PORT: '0', WATCHROOM_DB_PORT: '0' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `watchroom start` and resolves once it printed its status block. */
async function startCli(projectDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--workdir', projectDir], { env });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => output.includes('Press Ctrl-C to stop.') && resolve());
    child.once('exit', (code) => reject(new Error(`start exited early (${code}): ${output}`)));
  });
  return { child, output: () => output };
}

/** Projects of this file: whatever a failed assertion left running is stopped, then removed. */
const projects = projectTracker();

afterEach(async () => {
  for (const projectDir of projects.dirs) {
    const recorded = await state(projectDir).catch(() => undefined);
    // A throwaway cluster about to be deleted: no need for a clean shutdown.
    for (const pid of [recorded?.pid, recorded?.postgresPid]) {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  await projects.cleanup();
});

async function state(projectDir: string) {
  return JSON.parse(await readFile(join(projectDir, '.watchroom', 'stack.json'), 'utf8')) as {
    pid: number;
    postgresPid: number;
    apiUrl: string;
    anonKey: string;
  };
}

// Each test runs several CLI processes that load TypeScript through tsx; on two loaded cores
// that takes longer than the default per-test budget.
describe('watchroom CLI', { timeout: 90_000 }, () => {
  it('start prints the status block; status and stop work from another process; nothing is left behind', async () => {
    const projectDir = await projects.create();
    const { child, output } = await startCli(projectDir);
    expect(output()).toMatch(/API URL: http:\/\/127\.0\.0\.1:\d+/);
    expect(output()).toMatch(/DB URL: postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres/);
    expect(output()).toContain('anon key: eyJ');
    const running = await state(projectDir);
    expect(alive(running.postgresPid)).toBe(true);
    expect(await fetch(`${running.apiUrl}/health`).then((r) => r.text())).toBe('OK');

    const status = await run(process.execPath, [BIN, 'status', '--workdir', projectDir], { env });
    expect(status.stdout).toContain('watchroom is running');
    expect(status.stdout).toContain(running.apiUrl);

    const exited = once(child, 'exit');
    const stopped = await run(process.execPath, [BIN, 'stop', '--workdir', projectDir], { env });
    expect(stopped.stdout).toContain('Stopped');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(alive(running.postgresPid)).toBe(false);
    const after = await run(process.execPath, [BIN, 'status', '--workdir', projectDir], { env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(after).toMatchObject({ code: 1, stdout: expect.stringContaining('not running') });
  });

  it('Ctrl-C (SIGINT) stops Postgres too', async () => {
    const projectDir = await projects.create();
    const { child } = await startCli(projectDir);
    const { postgresPid } = await state(projectDir);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(alive(postgresPid)).toBe(false);
  });

  it('stop cleans up a Postgres orphaned by a killed start process', async () => {
    const projectDir = await projects.create();
    const { child } = await startCli(projectDir);
    const { postgresPid } = await state(projectDir);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    expect(alive(postgresPid)).toBe(true);
    await run(process.execPath, [BIN, 'stop', '--workdir', projectDir], { env });
    expect(alive(postgresPid)).toBe(false);
  });

  it('db reset reports a broken migration with its file and exits non-zero', async () => {
    const projectDir = await projects.create({
      migrations: { '20240101000000_broken.sql': 'create table t (id int);\ncreate tabel oops (id int);' },
    });
    const result = await run(process.execPath, [BIN, 'db', 'reset', '--workdir', projectDir], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain(
      'supabase/migrations/20240101000000_broken.sql:2:8',
    );
    expect((result as { stderr: string }).stderr).toContain('syntax error at or near "tabel"');
  });
});

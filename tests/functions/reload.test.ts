/**
 * Reload on file change (what `watchroom start` turns on): an edited function serves its new
 * code on the next request, a new function directory is served, a change to shared code
 * restarts every function, and a deleted function is gone.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionsStack, logLine, projectCopy } from './helpers.ts';

let project: Awaited<ReturnType<typeof projectCopy>>;
beforeAll(async () => {
  project = await projectCopy();
  await writeVersion('live', 'v1');
});
afterAll(async () => {
  await project?.remove();
});

const fns = functionsStack({ projectDir: () => project.dir, functions: { watch: true } });

async function writeVersion(slug: string, version: string): Promise<void> {
  const dir = join(project.dir, 'supabase', 'functions', slug);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.ts'), `Deno.serve(() => new Response('${version}'));\n`);
}

async function text(slug: string): Promise<{ status: number; body: string }> {
  const response = await fns.call(`/${slug}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fns.stack.anonKey}` },
  });
  return { status: response.status, body: await response.text() };
}

/** Makes a change and waits for the stack to report the reload it causes. */
async function changed(change: () => Promise<void>): Promise<void> {
  const from = fns.logs.length;
  await change();
  await logLine(fns.logs, /\[functions\] reloaded/, from);
}

describe('reload on change', () => {
  it('serves the new code of an edited function on the next request', async () => {
    expect(await text('live')).toEqual({ status: 200, body: 'v1' });
    await changed(() => writeVersion('live', 'v2'));
    expect(await text('live')).toEqual({ status: 200, body: 'v2' });
  });

  it('serves a function added while running', async () => {
    expect((await text('added-later')).status).toBe(404);
    await changed(() => writeVersion('added-later', 'new'));
    expect(await text('added-later')).toEqual({ status: 200, body: 'new' });
  });

  it('restarts every function when shared code changes', async () => {
    const before = (await (
      await fns.call('/crash', { method: 'POST', headers: { authorization: `Bearer ${fns.stack.anonKey}` } })
    ).json()) as { pid: number };
    await changed(() =>
      writeFile(join(project.dir, 'supabase', 'functions', '_shared', 'extra.ts'), 'export const x = 1;\n'),
    );
    const after = (await (
      await fns.call('/crash', { method: 'POST', headers: { authorization: `Bearer ${fns.stack.anonKey}` } })
    ).json()) as { pid: number };
    expect(after.pid).not.toBe(before.pid);
  });

  it('stops serving a deleted function', async () => {
    await changed(() => rm(join(project.dir, 'supabase', 'functions', 'added-later'), { recursive: true }));
    expect((await text('added-later')).status).toBe(404);
  });
});

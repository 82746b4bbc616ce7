import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTraversable } from './os-user.ts';

describe('makeTraversable', () => {
  it('adds only the search bit to a 0700 checkout and its ancestors, never read or write', async () => {
    const root = await mkdtemp(join(tmpdir(), 'traverse-')); // created 0700, like a fresh clone
    const deep = join(root, 'node_modules', 'pkg', 'bin');
    await mkdir(deep, { recursive: true, mode: 0o700 });
    try {
      await makeTraversable(deep);
      for (const dir of [root, join(root, 'node_modules'), deep]) {
        const mode = (await stat(dir)).mode & 0o777;
        expect(mode & 0o011, dir).toBe(0o011);
        expect(mode & 0o066, dir).toBe(0);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

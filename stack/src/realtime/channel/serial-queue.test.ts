import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.ts';

describe('SerialQueue', () => {
  it('runs synchronous tasks at once', () => {
    const queue = new SerialQueue(() => undefined);
    const seen: number[] = [];
    queue.run(() => {
      seen.push(1);
    });
    expect(seen).toEqual([1]);
  });

  it('holds later tasks behind an asynchronous one, in order', async () => {
    const queue = new SerialQueue(() => undefined);
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      queue.run(async () => {
        await new Promise<void>((r) => {
          release = r;
        });
        seen.push('async');
      });
      queue.run(() => {
        seen.push('after');
        resolve();
      });
    });
    expect(seen).toEqual([]);
    release();
    await done;
    expect(seen).toEqual(['async', 'after']);
  });

  it('reports a failing task and goes on', async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue((error) => errors.push(error));
    const seen: string[] = [];
    queue.run(() => {
      throw new Error('sync');
    });
    await new Promise<void>((resolve) => {
      queue.run(async () => {
        throw new Error('async');
      });
      queue.run(() => {
        seen.push('next');
        resolve();
      });
    });
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync', 'async']);
    expect(seen).toEqual(['next']);
  });

  it('drains a long backlog without deep recursion', async () => {
    const queue = new SerialQueue(() => undefined);
    let count = 0;
    let release: () => void = () => undefined;
    queue.run(() => new Promise<void>((r) => (release = r)));
    for (let i = 0; i < 100_000; i++) queue.run(() => void count++);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(count).toBe(100_000);
  });
});

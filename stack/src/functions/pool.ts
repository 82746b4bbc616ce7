/**
 * The warm workers, one per function: started on first request (single-flight, so a burst of
 * cold requests boots one process), replaced after an exit, recycled on reload.
 */
import type { Logger } from '../lib/logger.ts';
import type { FunctionsConfig } from './config.ts';
import type { FunctionDefinition } from './discovery.ts';
import { FunctionWorker } from './worker.ts';

export interface PoolOptions {
  readonly deno: string;
  readonly bootstrap: string;
  readonly config: FunctionsConfig;
  readonly logger: Logger;
  env(): Readonly<Record<string, string>>;
}

export class WorkerPool {
  private readonly workers = new Map<string, FunctionWorker>();
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /** A ready worker for the function, booting one if needed; rejects with BootError. */
  async acquire(definition: FunctionDefinition): Promise<{ worker: FunctionWorker; port: number }> {
    let worker = this.workers.get(definition.slug);
    if (!worker?.isAlive) {
      worker = new FunctionWorker({
        definition,
        deno: this.options.deno,
        bootstrap: this.options.bootstrap,
        env: this.options.env(),
        config: this.options.config,
        logger: this.options.logger.child(definition.slug),
      });
      this.workers.set(definition.slug, worker);
      const started = worker;
      void started.exited.then(() => {
        if (this.workers.get(definition.slug) === started) this.workers.delete(definition.slug);
      });
    }
    try {
      return { worker, port: await worker.ready };
    } catch (error) {
      // Not kept: the next request boots again, as the edge runtime does after a boot error.
      if (this.workers.get(definition.slug) === worker) this.workers.delete(definition.slug);
      await worker.kill();
      throw error;
    }
  }

  /** Stops the worker of `slug` (all when omitted); the next request boots a fresh one. */
  async recycle(slug?: string): Promise<void> {
    const doomed = slug === undefined ? [...this.workers.values()] : [this.workers.get(slug)];
    for (const worker of doomed)
      if (worker && this.workers.get(worker.slug) === worker) this.workers.delete(worker.slug);
    await Promise.all(doomed.map((worker) => worker?.kill()));
  }

  get size(): number {
    return this.workers.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.recycle();
  }
}

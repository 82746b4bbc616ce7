/**
 * A closed-loop load generator: `concurrency` workers each run `fn` back to back until
 * `total` calls are done; latencies are per call, throughput is calls over wall time.
 */
export async function runLoad(
  fn: (i: number) => Promise<unknown>,
  options: { total: number; concurrency: number; warmup?: number },
): Promise<{ latencies: number[]; perSecond: number }> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn(i);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.total) {
      const i = next++;
      const t = performance.now();
      await fn(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { latencies, perSecond: options.total / seconds };
}

/**
 * Runs `work` at most once per `everyMs`: a call inside the interval is deferred to its end, and
 * calls made meanwhile share that one run (the work reads the latest state when it runs).
 */
export function throttle(work: () => Promise<void>, everyMs: number) {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): Promise<void> => {
    const wait = last + everyMs - Date.now();
    if (wait <= 0) {
      last = Date.now();
      return work();
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      void run().catch(() => undefined);
    }, wait);
    return Promise.resolve();
  };
  return Object.assign(run, {
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  });
}

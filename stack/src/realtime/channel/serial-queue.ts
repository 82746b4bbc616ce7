/**
 * Runs a channel's inbound messages in arrival order. Most handlers are synchronous and run at
 * once; while an asynchronous one (a policy check, a token refresh) is in flight, later
 * messages wait behind it, as they would in the reference server's channel process.
 */
export class SerialQueue {
  private busy = false;
  private readonly backlog: (() => void | Promise<void>)[] = [];

  constructor(private readonly onError: (error: unknown) => void) {}

  run(task: () => void | Promise<void>): void {
    this.backlog.push(task);
    if (!this.busy) this.drain();
  }

  private drain(): void {
    while (!this.busy) {
      const task = this.backlog.shift();
      if (!task) return;
      let result: void | Promise<void>;
      try {
        result = task();
      } catch (error) {
        this.onError(error);
        continue;
      }
      if (result instanceof Promise) {
        this.busy = true;
        result.catch(this.onError).finally(() => {
          this.busy = false;
          this.drain();
        });
      }
    }
  }
}

/** Events in arrival order, with waits on what has come or is still to come. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { match: (item: T) => boolean; resolve: (item: T) => void; from: number }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    const index = this.items.length - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.from && waiter.match(item)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  };

  /** The first item (already here or to come) matching `match`. */
  next(match: (item: T) => boolean = () => true): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return this.after(this.items.length, match);
  }

  /** The first item arriving at index `from` or later that matches. */
  after(from: number, match: (item: T) => boolean = () => true): Promise<T> {
    const found = this.items.slice(from).find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve, from }));
  }

  /** Resolves once `count` items matching `match` have arrived. */
  async count(count: number, match: (item: T) => boolean = () => true): Promise<T[]> {
    while (this.items.filter(match).length < count) {
      await this.after(this.items.length, match);
    }
    return this.items.filter(match);
  }
}

/**
 * A worse network for real clients: seeded random delays on a WebSocket's traffic (both ways,
 * order kept, as TCP keeps it) and on fetch requests and responses (each way drawn on its own,
 * so round trips are asymmetric the way NTP-style clocks dislike). Used by the sync tests and the
 * sync accuracy benchmark; the server sees a real client, only slower.
 */
import WebSocket from 'ws';

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Delays (ms) drawn uniformly from [minMs, maxMs]. */
export const uniform = (random: () => number, minMs: number, maxMs: number) => () =>
  minMs + random() * (maxMs - minMs);

/** Runs callbacks after a delay each, never overtaking an earlier one. */
function orderedDelay(delay: () => number) {
  let last = 0;
  return (deliver: () => void) => {
    const now = performance.now();
    const at = Math.max(last, now + delay());
    last = at;
    setTimeout(deliver, at - now);
  };
}

type Handler = ((event: WebSocket.MessageEvent) => void) | null;

/** A `ws` WebSocket class whose messages, in and out, each take `delay()` longer. */
export function delayedTransport(delay: () => number): typeof WebSocket {
  const accessor = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage') as PropertyDescriptor;
  class Delayed extends WebSocket {
    readonly #outbound = orderedDelay(delay);

    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      const inbound = orderedDelay(delay);
      let handler: Handler = null;
      // Realtime assigns onmessage; each message is handed on late, in order.
      Object.defineProperty(this, 'onmessage', {
        get: () => handler,
        set: (next: Handler) => {
          handler = next;
          accessor.set?.call(
            this,
            next && ((event: WebSocket.MessageEvent) => inbound(() => handler?.(event))),
          );
        },
      });
    }

    override send(data: WebSocket.Data): void {
      this.#outbound(() => {
        if (this.readyState === WebSocket.OPEN) super.send(data as Buffer);
      });
    }
  }
  return Delayed as unknown as typeof WebSocket;
}

/** fetch, with the request and the response each held for `delay()`. */
export function delayedFetch(delay: () => number, base: typeof fetch = fetch): typeof fetch {
  const wait = () => new Promise<void>((resolve) => setTimeout(resolve, delay()));
  return async (input, init) => {
    await wait();
    const response = await base(input, init);
    await wait();
    return response;
  };
}

/**
 * Coalesces a socket's outgoing frames per event-loop turn: frames queued during one turn are
 * written at the end of it, corked, so the kernel sees one writev per socket instead of one
 * per message. Under light load a socket rarely gets two frames in a turn and nothing changes;
 * at saturation this is what keeps fan-out from being syscall-bound (see bench/RESULTS.md).
 */
import type { WebSocket } from 'ws';
import type { Frame } from './wire/message.ts';

/** ws keeps its net.Socket here; corking it batches the frames ws writes into one writev. */
type Corkable = { _socket?: { cork(): void; uncork(): void } | null };

export interface Outbox {
  /** Queues `frame` for `ws`, written once the current turn ends; returns queued bytes. */
  send(ws: WebSocket, frame: Frame): number;
  /** Bytes queued for `ws` and not yet handed to the socket. */
  pending(ws: WebSocket): number;
  /** Writes what is queued for `ws` now, e.g. before closing it, so nothing queued is lost. */
  flush(ws: WebSocket): void;
}

export function createOutbox(): Outbox {
  const queues = new Map<WebSocket, { frames: Frame[]; bytes: number }>();
  let scheduled = false;

  const write = (ws: WebSocket, frames: readonly Frame[]) => {
    if (ws.readyState !== ws.OPEN) return;
    const socket = (ws as unknown as Corkable)._socket;
    socket?.cork();
    try {
      for (const frame of frames) ws.send(frame.data, { binary: frame.binary });
    } finally {
      socket?.uncork();
    }
  };

  const flushAll = () => {
    scheduled = false;
    for (const [ws, queue] of queues) write(ws, queue.frames);
    queues.clear();
  };

  return {
    send(ws, frame) {
      let queue = queues.get(ws);
      if (!queue) {
        queue = { frames: [], bytes: 0 };
        queues.set(ws, queue);
      }
      queue.frames.push(frame);
      queue.bytes += frame.data.length;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushAll);
      }
      return queue.bytes;
    },
    pending: (ws) => queues.get(ws)?.bytes ?? 0,
    flush(ws) {
      const queue = queues.get(ws);
      if (!queue) return;
      queues.delete(ws);
      write(ws, queue.frames);
    },
  };
}

import WebSocket from 'ws';
import { Inbox, target } from './helpers.ts';

/**
 * A bare WebSocket on /realtime/v1/websocket, for what supabase-js hides: exact frames, refs,
 * malformed input. Text frames arrive parsed (arrays for vsn 2.0.0); binary ones as Buffers.
 */
export class RawSocket {
  readonly inbox = new Inbox<unknown>();
  readonly closed: Promise<{ code: number; reason: string }>;
  private ref = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const buffer = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      this.inbox.push(isBinary ? buffer : JSON.parse(buffer.toString()));
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
    apiUrl: string = target.apiUrl,
  ): Promise<RawSocket> {
    const ws = new WebSocket(socketUrl({ apikey: target.anonKey, vsn: '2.0.0', ...query }, apiUrl), {
      headers,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawSocket(ws);
  }

  nextRef(): string {
    return String(++this.ref);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The next v2 message (array) on `topic` with `event` (and `ref`, when given). */
  message(topic: string, event: string, ref?: string): Promise<unknown[]> {
    return this.inbox.next(
      (m) => Array.isArray(m) && m[2] === topic && m[3] === event && (ref === undefined || m[1] === ref),
    ) as Promise<unknown[]>;
  }

  /** Sends phx_join and resolves with its reply. */
  async join(
    topic: string,
    payload: unknown = { config: {} },
  ): Promise<{ joinRef: string; reply: unknown[] }> {
    const joinRef = this.nextRef();
    this.send([joinRef, joinRef, topic, 'phx_join', payload]);
    return { joinRef, reply: await this.message(topic, 'phx_reply', joinRef) };
  }

  close(): void {
    this.ws.close();
  }
}

export function socketUrl(query: Record<string, string>, apiUrl: string = target.apiUrl): string {
  const url = new URL(`${apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/** Attempts an upgrade and reports what the server answered instead (or 101). */
export function upgradeAnswer(
  query: Record<string, string>,
  headers: Record<string, string> = {},
  apiUrl: string = target.apiUrl,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(query, apiUrl), { headers });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: undefined });
    });
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    ws.once('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

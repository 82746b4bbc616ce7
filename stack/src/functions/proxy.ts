/**
 * Forwards one request to a function worker and streams the answer back, unchanged: method,
 * path (`/<slug>/<sub/path>`), query, headers and body in; status, headers (every Set-Cookie)
 * and body out. Plain node:http rather than fetch, which would decompress bodies behind the
 * function's back.
 */

import type { Agent } from 'node:http';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { WatchroomError } from '../lib/errors.ts';

/** The worker went away (crashed, was killed) before it answered. */
export class WorkerGoneError extends WatchroomError<'function_worker_gone'> {}
/** The request body outgrew the limit while it streamed. */
export class BodyTooLargeError extends WatchroomError<'function_body_too_large'> {}
/** No answer within the wall-clock limit. */
export class WallClockError extends WatchroomError<'function_wall_clock'> {}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

export interface ForwardOptions {
  readonly port: number;
  readonly agent: Agent;
  readonly maxBodyBytes: number;
  /** Cut-off for the whole exchange, response body included. */
  readonly wallClockMs: number;
}

export function forward(request: Request, options: ForwardOptions): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  headers.host = url.host;

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    let upstream: IncomingMessage | undefined;
    const fail = (error: Error) => {
      if (!answered) {
        answered = true;
        reject(error);
      } else {
        upstream?.destroy(error);
      }
    };
    const timer = setTimeout(() => {
      fail(new WallClockError('function_wall_clock', `no response within ${options.wallClockMs} ms`));
      outgoing.destroy();
    }, options.wallClockMs);
    timer.unref();

    const outgoing = httpRequest({
      host: '127.0.0.1',
      port: options.port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: options.agent,
    });
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      if (error instanceof BodyTooLargeError || error instanceof WallClockError) fail(error);
      else fail(new WorkerGoneError('function_worker_gone', error.message, { cause: error }));
    });
    outgoing.on('response', (response) => {
      upstream = response;
      answered = true;
      response.once('close', () => clearTimeout(timer));
      resolve(toResponse(request, response));
    });

    // A request that declared no body (GET, or content-length: 0) reaches the function with none,
    // rather than an empty chunked one.
    const length = request.headers.get('content-length');
    const declared = request.headers.has('transfer-encoding') || (length !== null && length !== '0');
    if (!request.body || !declared) {
      void request.body?.cancel().catch(() => undefined);
      outgoing.end();
      return;
    }
    Readable.fromWeb(request.body as import('node:stream/web').ReadableStream)
      .on('error', (error) => outgoing.destroy(error))
      .pipe(limitBytes(options.maxBodyBytes))
      .on('error', (error) => outgoing.destroy(error))
      .pipe(outgoing);
  });
}

function toResponse(request: Request, response: IncomingMessage): Response {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!HOP_BY_HOP.has(name)) headers.append(name, raw[i + 1] as string);
  }
  const status = response.statusCode ?? 502;
  const bodyless =
    request.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (bodyless) response.resume();
  const body = bodyless ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: response.statusMessage, headers });
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > max) callback(new BodyTooLargeError('function_body_too_large', `body over ${max} bytes`));
      else callback(null, chunk);
    },
  });
}

/**
 * The WebSocket endpoint (realtime.md §1.1–1.2, §1.5): checks the credential and limits before
 * upgrading, refusing with the reference server's statuses and `{"error"}` bodies, then runs one
 * Session per connection. Idle sockets are swept by one timer, not one per socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiKeys } from '../gateway/api-keys.ts';
import { errorMessage } from '../lib/errors.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import { maxPayloadBytes, type RealtimeConfig } from './config.ts';
import type { RealtimeContext } from './context.ts';
import type { ChangesEngine, ChannelPolicies } from './contracts.ts';
import { Hub } from './hub.ts';
import { RealtimeTokenError, upgradeRefusal, verifyRealtimeToken } from './identity.ts';
import { createProjectRates, type ProjectRates } from './limits/rate-counter.ts';
import { createOutbox } from './outbox.ts';
import { type LogLevel, Session } from './session.ts';
import { serializerFor } from './wire/serializer.ts';

export interface SocketServerDeps {
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
  readonly policies: ChannelPolicies;
  readonly changes: ChangesEngine;
  readonly now?: () => number;
}

export interface SocketServer {
  readonly hub: Hub;
  /** The project-wide rates, which the REST broadcast endpoints consult too. */
  readonly rates: ProjectRates;
  /** Serves `/realtime/v1/websocket` and `/socket/websocket`; anything else is refused. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Refuses new joins, closes every socket (1001) and waits for them; idempotent. */
  close(): Promise<void>;
}

const WEBSOCKET_PATHS = new Set(['/realtime/v1/websocket', '/socket/websocket']);
const LOG_LEVELS = new Set<string>(['info', 'warning', 'error']);

export function createSocketServer(deps: SocketServerDeps): SocketServer {
  const { config, logger } = deps;
  const rates = createProjectRates(config);
  const hub = new Hub(rates, maxPayloadBytes(config));
  const ctx: RealtimeContext = {
    config,
    jwt: deps.jwt,
    keys: deps.keys,
    logger,
    policies: deps.policies,
    changes: deps.changes,
    hub,
    rates,
    outbox: createOutbox(),
    users: { count: 0 },
    lifecycle: { shuttingDown: false },
    now: deps.now ?? Date.now,
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const sessions = new Set<Session>();

  const sweep = setInterval(
    () => {
      const cutoff = ctx.now() - config.idleTimeoutMs;
      for (const session of sessions) if (session.lastSeen < cutoff) session.close(1000, 'idle timeout');
    },
    Math.max(50, Math.min(5_000, config.idleTimeoutMs / 4)),
  );
  sweep.unref();

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://realtime.local');
    const path = url.pathname.replace(/\/+$/, '');
    if (!WEBSOCKET_PATHS.has(path)) return refuse(socket, 404, 'Not Found');
    if (ctx.lifecycle.shuttingDown) return refuse(socket, 503, 'Realtime is restarting, please standby');
    const serializer = serializerFor(url.searchParams.get('vsn'));
    if (!serializer) return refuse(socket, 403, 'Unsupported serializer version');

    // Gateways pass the credential in x-api-key; it takes precedence over the query parameter.
    const header = request.headers['x-api-key'];
    const token = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey');
    try {
      await verifyRealtimeToken(ctx.jwt, ctx.keys, token, ctx.now);
    } catch (error) {
      if (!(error instanceof RealtimeTokenError)) throw error;
      await pause(config.connectErrorDelayMs);
      const refusal = upgradeRefusal(error);
      return refuse(socket, refusal.status, refusal.error);
    }
    if (ctx.users.count >= config.maxConcurrentUsers) return refuse(socket, 429, 'Too many connected users');
    if (rates.joins.tripped) return refuse(socket, 429, 'Too many joins per second');

    const logLevel = url.searchParams.get('log_level') ?? '';
    const options = {
      serializer,
      connectionToken: (token as string).trim(),
      headers: xHeaders(request),
      logLevel: (LOG_LEVELS.has(logLevel) ? logLevel : 'error') as LogLevel,
    };
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (ctx.lifecycle.shuttingDown) return ws.close(1001, 'server shutting down');
      const session = new Session(ctx, ws, options);
      sessions.add(session);
      ws.on('message', (data, isBinary) => {
        try {
          session.receive(toBuffer(data), isBinary);
        } catch (error) {
          logger.error(`realtime message: ${errorMessage(error)}`);
        }
      });
      // Oversized frames and protocol violations: ws closes the socket; nothing to add.
      ws.on('error', (error) => logger.debug(`websocket: ${errorMessage(error)}`));
      ws.on('close', () => {
        sessions.delete(session);
        session.closedByTransport();
      });
    });
  }

  let closing: Promise<void> | undefined;
  return {
    hub,
    rates,
    handleUpgrade(request, socket, head) {
      socket.on('error', (error) => logger.debug(`upgrade socket: ${errorMessage(error)}`));
      upgrade(request, socket, head).catch((error: unknown) => {
        logger.error(`realtime upgrade: ${errorMessage(error)}`);
        refuse(socket, 500, 'Error connecting to Realtime');
      });
    },
    close() {
      closing ??= (async () => {
        ctx.lifecycle.shuttingDown = true;
        clearInterval(sweep);
        const closed = [...sessions].map(
          (session) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => session.terminate(), 1_000);
              timer.unref();
              session.onceClosed(() => {
                clearTimeout(timer);
                resolve();
              });
              session.close(1001, 'server shutting down');
            }),
        );
        await Promise.all(closed);
        rates.stop();
        wss.close();
      })();
      return closing;
    },
  };
}

/** An HTTP answer instead of an upgrade, with the reference's `{"error": ...}` body. */
function refuse(socket: Duplex, status: number, error: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error });
  const reason = STATUS_TEXT[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Policies see only the upgrade request's `x-*` headers (realtime.md §6.1). */
function xHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith('x-') || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

const pause = (ms: number) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

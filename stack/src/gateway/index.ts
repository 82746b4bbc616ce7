import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { WatchroomError } from '../lib/errors.ts';
import { type ClientInfo, createGatewayHandler, type GatewayOptions } from './router.ts';

export type { ApiKeys } from './api-keys.ts';
export type { GatewayOptions, Service, ServiceName } from './router.ts';

/** Handles WebSocket upgrades (Realtime); without one, upgrades are refused with 501. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface GatewayListenOptions extends GatewayOptions {
  /** Port on 127.0.0.1 and ::1; 0 picks a free one. */
  readonly port: number;
  readonly onUpgrade?: UpgradeHandler;
}

export interface Gateway {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops accepting, closes idle keep-alive sockets; resolves when both listeners closed. */
  close(): Promise<void>;
}

/**
 * Serves the gateway on loopback only, on IPv4 and IPv6 alike: `localhost` resolves to ::1 on
 * some machines, and browsers and Node prefer it there.
 */
export async function startGateway(options: GatewayListenOptions): Promise<Gateway> {
  const handle = createGatewayHandler(options);
  const listener = getRequestListener(
    (request, env) => {
      const client: ClientInfo = { remoteAddress: env.incoming.socket.remoteAddress, protocol: 'http' };
      return handle(request, client);
    },
    { overrideGlobalObjects: false },
  );
  const make = () => {
    const server = createServer(listener);
    server.on('upgrade', (request, socket, head) => {
      if (options.onUpgrade) return options.onUpgrade(request, socket, head);
      const body = JSON.stringify({
        code: 'not_implemented',
        message: 'WebSocket upgrades are not available',
      });
      socket.end(
        `HTTP/1.1 501 Not Implemented\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    return server;
  };

  for (let attempt = 1; ; attempt++) {
    const v4 = make();
    const port = await listen(v4, options.port, '127.0.0.1');
    const v6 = make();
    try {
      await listen(v6, port, '::1');
      return gateway(port, [v4, v6]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return gateway(port, [v4]); // no IPv6 here
      await closeServer(v4);
      // With port 0 another process may hold the same port on ::1; try another.
      if (code !== 'EADDRINUSE' || options.port !== 0 || attempt >= 5) {
        throw new WatchroomError('gateway_listen_failed', `cannot listen on [::1]:${port}: ${code}`, {
          cause: error,
        });
      }
    }
  }
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('gateway has no address');
  return address.port;
}

function gateway(port: number, servers: Server[]): Gateway {
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= Promise.all(servers.map(closeServer)).then(() => undefined);
      return closing;
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeIdleConnections();
  // Long requests (streams) would hold shutdown forever; cut them after a grace period.
  const timer = setTimeout(() => server.closeAllConnections(), 2_000);
  timer.unref();
  await closed;
  clearTimeout(timer);
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiKeys } from '../gateway/api-keys.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { RealtimeConfig } from './config.ts';
import type { BroadcastHub, ChangesEngine, ChannelPolicies } from './contracts.ts';

export interface SocketServerDeps {
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
  readonly policies: ChannelPolicies;
  readonly changes: ChangesEngine;
}

export interface SocketServer {
  readonly hub: BroadcastHub;
  /** Serves `/realtime/v1/websocket` and `/socket/websocket`; anything else is refused. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

// PLACEHOLDER — replaced by the socket runtime: refuses every upgrade.
export function createSocketServer(_deps: SocketServerDeps): SocketServer {
  return {
    hub: { publish: () => 'rate_limited' },
    handleUpgrade(_request, socket) {
      socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    },
    close: async () => undefined,
  };
}

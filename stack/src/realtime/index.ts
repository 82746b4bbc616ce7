import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiKeys } from '../gateway/api-keys.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import { createChangesEngine } from './changes/index.ts';
import type { RealtimeConfig } from './config.ts';
import { createBroadcastApi } from './http/index.ts';
import { createChannelPolicies } from './policies/index.ts';
import { createSocketServer } from './server.ts';

export type { RealtimeConfig } from './config.ts';
export { DEFAULT_REALTIME_CONFIG } from './config.ts';

export interface RealtimeDeps {
  /** Connection URL as `supabase_realtime_admin` (REPLICATION, member of the API roles). */
  readonly databaseUrl: string;
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
}

/** The Realtime-compatible service the gateway mounts under `/realtime/v1`. */
export interface RealtimeService {
  /** HTTP endpoints below the prefix (`/api/broadcast`, `/api/broadcast/{topic}/events/{event}`). */
  fetch(request: Request): Promise<Response>;
  /** WebSocket upgrades; `request.url` still carries the `/realtime/v1` prefix. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes sockets, then replication and pools; idempotent. */
  close(): Promise<void>;
}

export async function createRealtimeService(deps: RealtimeDeps): Promise<RealtimeService> {
  const logger = deps.logger;
  const policies = createChannelPolicies({ databaseUrl: deps.databaseUrl, logger: logger.child('policies') });
  // The engine publishes database broadcasts through the hub the socket server creates below.
  let server: ReturnType<typeof createSocketServer> | undefined;
  const changes = await createChangesEngine({
    databaseUrl: deps.databaseUrl,
    config: deps.config,
    logger: logger.child('changes'),
    publish: (message) => server?.hub.publish(message) ?? 'ok',
  }).catch(async (error: unknown) => {
    await policies.close();
    throw error;
  });
  server = createSocketServer({
    jwt: deps.jwt,
    keys: deps.keys,
    config: deps.config,
    logger,
    policies,
    changes,
  });
  const rates = server.rates;
  const api = createBroadcastApi({
    hub: server.hub,
    eventsPerSecond: () => rates.events.average,
    policies,
    jwt: deps.jwt,
    keys: deps.keys,
    config: deps.config,
    logger: logger.child('api'),
  });

  let closing: Promise<void> | undefined;
  const socketServer = server;
  return {
    fetch: (request) => api.fetch(request),
    handleUpgrade: (request, socket, head) => socketServer.handleUpgrade(request, socket, head),
    close() {
      closing ??= (async () => {
        await socketServer.close();
        await changes.close();
        await policies.close();
      })();
      return closing;
    },
  };
}

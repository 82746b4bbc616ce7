/** What every part of the socket runtime shares: configuration, services and counters. */
import type { ApiKeys } from '../gateway/api-keys.ts';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { RealtimeConfig } from './config.ts';
import type { ChangesEngine, ChannelPolicies } from './contracts.ts';
import type { Hub } from './hub.ts';
import type { ProjectRates } from './limits/rate-counter.ts';
import type { Outbox } from './outbox.ts';

export interface RealtimeContext {
  readonly config: RealtimeConfig;
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  readonly logger: Logger;
  readonly policies: ChannelPolicies;
  readonly changes: ChangesEngine;
  readonly hub: Hub;
  readonly rates: ProjectRates;
  /** Every socket's outgoing frames, written once per event-loop turn. */
  readonly outbox: Outbox;
  /** Sockets holding at least one channel: the reference's "connected users". */
  readonly users: { count: number };
  /** Set once shutdown begins: new joins get `RealtimeRestarting`. */
  readonly lifecycle: { shuttingDown: boolean };
  readonly now: () => number;
}

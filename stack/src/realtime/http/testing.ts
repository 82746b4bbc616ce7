/**
 * Fixtures for the REST broadcast API tests (not part of the service): a hub that records what
 * it is asked to publish, policies that record their checks, project keys and tokens.
 */
import type { ApiKeys } from '../../gateway/api-keys.ts';
import { createJwtService, type JwtClaims, type JwtService } from '../../lib/jwt.ts';
import { silentLogger } from '../../lib/logger.ts';
import { DEFAULT_REALTIME_CONFIG, type RealtimeConfig } from '../config.ts';
import type {
  Broadcast,
  BroadcastHub,
  ChannelPolicies,
  PolicyContext,
  PolicyExtension,
  PublishResult,
} from '../contracts.ts';
import { type BroadcastApi, type BroadcastApiDeps, createBroadcastApi } from './index.ts';

export const SECRET = 'broadcast-api-test-secret-with-at-least-32-chars';
export const PUBLISHABLE_KEY = 'sb_publishable_test_key';
export const SECRET_KEY = 'sb_secret_test_key';

export interface RecordingHub extends BroadcastHub {
  readonly published: Broadcast[];
  /** Answers for the next publishes, in order; 'ok' once they run out. */
  readonly answers: PublishResult[];
}

export function recordingHub(): RecordingHub {
  const published: Broadcast[] = [];
  const answers: PublishResult[] = [];
  return {
    published,
    answers,
    publish(message) {
      const answer = answers.shift() ?? 'ok';
      if (answer === 'ok') published.push(message);
      return answer;
    },
  };
}

export interface RecordingPolicies extends ChannelPolicies {
  readonly writeChecks: { context: PolicyContext; extension: PolicyExtension }[];
}

/** Broadcast-write allowed for the listed topics only; `fail` makes every check throw it. */
export function recordingPolicies(writable: readonly string[] = [], fail?: unknown): RecordingPolicies {
  const writeChecks: RecordingPolicies['writeChecks'] = [];
  return {
    writeChecks,
    canRead: async () => ({}),
    async canWrite(context, extension) {
      writeChecks.push({ context, extension });
      if (fail) throw fail;
      return writable.includes(context.topic);
    },
    replay: async () => [],
  };
}

export interface Fixture {
  readonly api: BroadcastApi;
  readonly hub: RecordingHub;
  readonly jwt: JwtService;
  readonly keys: ApiKeys;
  token(claims: JwtClaims): Promise<string>;
}

export async function fixture(
  overrides: Partial<Omit<BroadcastApiDeps, 'config'>> & { config?: Partial<RealtimeConfig> } = {},
): Promise<Fixture> {
  const jwt = await createJwtService({ secret: SECRET });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const keys: ApiKeys = {
    anonKey: await jwt.signHs256({ role: 'anon', exp }),
    serviceRoleKey: await jwt.signHs256({ role: 'service_role', exp }),
    publishableKey: PUBLISHABLE_KEY,
    secretKey: SECRET_KEY,
  };
  const hub = recordingHub();
  const api = createBroadcastApi({
    hub,
    policies: recordingPolicies(),
    jwt,
    keys,
    logger: silentLogger,
    ...overrides,
    config: { ...DEFAULT_REALTIME_CONFIG, ...overrides.config },
  });
  return { api, hub, jwt, keys, token: (claims) => jwt.signHs256(claims) };
}

/** Claims of a signed-in user, valid for an hour. */
export function user(sub: string, extra: JwtClaims = {}): JwtClaims {
  return { role: 'authenticated', sub, exp: Math.floor(Date.now() / 1000) + 3600, ...extra };
}

export function post(
  path: string,
  init: {
    token?: string;
    apikey?: string;
    headers?: Record<string, string>;
    body?: RequestInit['body'];
  } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  if (init.apikey !== undefined) headers.set('apikey', init.apikey);
  return new Request(`http://realtime.test${path}`, { method: 'POST', headers, body: init.body ?? null });
}

export function json(value: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** The body a response carries, parsed when it is JSON. */
export async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  return text === '' ? '' : JSON.parse(text);
}

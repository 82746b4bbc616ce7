import { describe, expect, it } from 'vitest';
import { REALTIME_ENV_NAMES, realtimeConfigFromEnv } from './config-env.ts';

describe('realtimeConfigFromEnv', () => {
  it('reads numbers and booleans under WATCHROOM_REALTIME_*', () => {
    expect(
      realtimeConfigFromEnv({
        WATCHROOM_REALTIME_MAX_EVENTS_PER_SECOND: '500',
        WATCHROOM_REALTIME_PRIVATE_ONLY: 'true',
        WATCHROOM_REALTIME_JOIN_ERROR_DELAY_MS: '5000',
        UNRELATED: 'x',
      }),
    ).toEqual({ maxEventsPerSecond: 500, privateOnly: true, joinErrorDelayMs: 5000 });
  });

  it('names every field', () => {
    expect(REALTIME_ENV_NAMES).toContain('WATCHROOM_REALTIME_MAX_CHANNELS_PER_CLIENT');
    expect(REALTIME_ENV_NAMES).toContain('WATCHROOM_REALTIME_MAX_PAYLOAD_SIZE_KB');
  });

  it('rejects values that do not parse, naming the variable', () => {
    expect(() => realtimeConfigFromEnv({ WATCHROOM_REALTIME_MAX_EVENTS_PER_SECOND: 'many' })).toThrow(
      'WATCHROOM_REALTIME_MAX_EVENTS_PER_SECOND: expected a number',
    );
    expect(() => realtimeConfigFromEnv({ WATCHROOM_REALTIME_PRIVATE_ONLY: 'yes' })).toThrow(
      'expected true or false',
    );
    expect(() => realtimeConfigFromEnv({ WATCHROOM_REALTIME_MAX_EVENTS_PER_SECOND: '-1' })).toThrow();
  });
});

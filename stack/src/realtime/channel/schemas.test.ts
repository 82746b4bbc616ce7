import { describe, expect, it } from 'vitest';
import { parseJoinPayload } from './schemas.ts';

describe('parseJoinPayload', () => {
  it('reads what supabase-js sends', () => {
    const config = parseJoinPayload({
      config: {
        broadcast: { self: true, ack: true },
        presence: { key: 'me', enabled: true },
        postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'todos', filter: 'id=eq.1' }],
        private: false,
      },
      access_token: 'tok',
      version: 'realtime-js/2.109.0',
    });
    expect(config).toEqual({
      ack: true,
      self: true,
      replicationReady: false,
      replay: undefined,
      presenceEnabled: true,
      presenceKey: 'me',
      postgresChanges: [{ event: 'INSERT', schema: 'public', table: 'todos', filter: 'id=eq.1' }],
      private: false,
      accessToken: 'tok',
      invalid: [],
    });
  });

  it('defaults everything for an empty payload', () => {
    expect(parseJoinPayload({})).toMatchObject({
      ack: false,
      self: false,
      presenceEnabled: false,
      presenceKey: '',
      postgresChanges: [],
      private: false,
      accessToken: undefined,
    });
  });

  it('accepts booleans as strings in any case', () => {
    const config = parseJoinPayload({
      config: { broadcast: { ack: 'TRUE', self: 'False' }, private: 'true' },
    });
    expect([config.ack, config.self, config.private]).toEqual([true, false, true]);
  });

  it('defaults invalid fields instead of failing, and names them', () => {
    const config = parseJoinPayload({ config: { broadcast: { ack: 'yes' }, presence: 'on', private: 3 } });
    expect([config.ack, config.presenceEnabled, config.private]).toEqual([false, false, false]);
    expect(config.invalid).toEqual(['config.presence', 'config.broadcast.ack', 'config.private']);
  });

  it('drops null bindings and keeps the others verbatim', () => {
    const binding = { event: '*', schema: 'public', select: ['a'] };
    expect(parseJoinPayload({ config: { postgres_changes: [null, binding] } }).postgresChanges).toEqual([
      binding,
    ]);
    expect(parseJoinPayload({ config: { postgres_changes: null } }).postgresChanges).toEqual([]);
  });

  it('stringifies non-string presence keys', () => {
    expect(parseJoinPayload({ config: { presence: { key: 42 } } }).presenceKey).toBe('42');
    expect(parseJoinPayload({ config: { presence: { key: null } } }).presenceKey).toBe('');
  });

  it('prefers user_token over access_token', () => {
    expect(parseJoinPayload({ access_token: 'a', user_token: 'u' }).accessToken).toBe('u');
    expect(parseJoinPayload({ access_token: 5 }).accessToken).toBeUndefined();
  });

  it.each([
    [
      { since: 1000, limit: 5 },
      { since: 1000, limit: 5 },
    ],
    [{ since: 1000 }, { since: 1000, limit: undefined }],
    [{ limit: 5 }, 'invalid'],
    [{ since: '1000' }, 'invalid'],
    [{ since: 1.5 }, 'invalid'],
    [true, 'ignored'],
  ])('replay %j → %j', (replay, expected) => {
    expect(parseJoinPayload({ config: { broadcast: { replay } } }).replay).toEqual(expected);
  });
});

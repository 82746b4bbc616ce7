import { describe, expect, it } from 'vitest';
import {
  formatTimestamp,
  type IdentityRow,
  identityJson,
  mergeMetadata,
  sessionJson,
  type UserRow,
  userJson,
} from './serialize.ts';

const user: UserRow = {
  id: '6f1f6c1e-1111-4222-8333-944444444444',
  aud: 'authenticated',
  role: 'authenticated',
  email: 'ada@example.com',
  encrypted_password: '$2a$10$secret',
  phone: null,
  email_change: '',
  phone_change: '',
  raw_app_meta_data: { provider: 'email', providers: ['email'] },
  raw_user_meta_data: { name: 'Ada' },
  is_anonymous: false,
  is_sso_user: false,
  email_confirmed_at: '2026-01-02T03:04:05.123456Z',
  invited_at: null,
  phone_confirmed_at: null,
  confirmation_sent_at: null,
  confirmed_at: '2026-01-02T03:04:05.123456Z',
  recovery_sent_at: null,
  email_change_sent_at: null,
  phone_change_sent_at: null,
  reauthentication_sent_at: null,
  last_sign_in_at: '2026-01-02T03:04:06.500000Z',
  created_at: '2026-01-02T03:04:05.000000Z',
  updated_at: '2026-01-02T03:04:06.500000Z',
  banned_until: null,
  deleted_at: null,
};

const identity: IdentityRow = {
  id: '0b7c1d2e-1111-4222-8333-944444444444',
  provider_id: user.id,
  user_id: user.id,
  identity_data: { sub: user.id, email: 'ada@example.com' },
  provider: 'email',
  email: 'ada@example.com',
  last_sign_in_at: null,
  created_at: '2026-01-02T03:04:05.100000Z',
  updated_at: '2026-01-02T03:04:05.100000Z',
};

describe('formatTimestamp', () => {
  it("renders like Go's RFC3339Nano: trailing zeros and an empty fraction dropped", () => {
    expect(formatTimestamp('2026-01-02T03:04:05.123456Z')).toBe('2026-01-02T03:04:05.123456Z');
    expect(formatTimestamp('2026-01-02T03:04:05.120000Z')).toBe('2026-01-02T03:04:05.12Z');
    expect(formatTimestamp('2026-01-02T03:04:05.000000Z')).toBe('2026-01-02T03:04:05Z');
    expect(formatTimestamp('2026-01-02T03:04:05.120Z')).toBe('2026-01-02T03:04:05.12Z');
  });
});

describe('userJson', () => {
  it("uses GoTrue's key order and leaves out empty optional fields", () => {
    const json = userJson(user, [identity]);
    expect(Object.keys(json)).toEqual([
      'id',
      'aud',
      'role',
      'email',
      'email_confirmed_at',
      'phone',
      'confirmed_at',
      'last_sign_in_at',
      'app_metadata',
      'user_metadata',
      'identities',
      'created_at',
      'updated_at',
      'is_anonymous',
    ]);
    expect(json.phone).toBe('');
    expect(json.created_at).toBe('2026-01-02T03:04:05Z');
    expect(json.last_sign_in_at).toBe('2026-01-02T03:04:06.5Z');
    expect(JSON.stringify(json)).not.toContain('secret');
  });

  it('shows a pending email change as new_email and a ban as banned_until', () => {
    const json = userJson(
      {
        ...user,
        email_change: 'new@example.com',
        email_change_sent_at: '2026-01-03T00:00:00.000001Z',
        banned_until: '2999-01-01T00:00:00.000000Z',
      },
      [],
    );
    expect(json).toMatchObject({
      new_email: 'new@example.com',
      email_change_sent_at: '2026-01-03T00:00:00.000001Z',
      banned_until: '2999-01-01T00:00:00Z',
      identities: [],
    });
  });

  it('prints NULL metadata as empty objects and a NULL created_at as Go zero time', () => {
    const json = userJson(
      { ...user, raw_app_meta_data: null, raw_user_meta_data: null, created_at: null },
      [],
    );
    expect(json).toMatchObject({ app_metadata: {}, user_metadata: {}, created_at: '0001-01-01T00:00:00Z' });
  });
});

describe('identityJson', () => {
  it('names the row id identity_id and the provider id id', () => {
    expect(identityJson(identity)).toEqual({
      identity_id: identity.id,
      id: user.id,
      user_id: user.id,
      identity_data: identity.identity_data,
      provider: 'email',
      created_at: '2026-01-02T03:04:05.1Z',
      updated_at: '2026-01-02T03:04:05.1Z',
      email: 'ada@example.com',
    });
  });

  it('omits empty identity_data and email (soft-deleted identities)', () => {
    const json = identityJson({ ...identity, identity_data: {}, email: null });
    expect(json).not.toHaveProperty('identity_data');
    expect(json).not.toHaveProperty('email');
  });
});

describe('sessionJson', () => {
  it('is an AccessTokenResponse with weak_password only when present', () => {
    const base = { accessToken: 'a', expiresAt: 100, expiresIn: 60, refreshToken: 'r', user: { id: 'u' } };
    expect(Object.keys(sessionJson(base))).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'expires_at',
      'refresh_token',
      'user',
    ]);
    expect(sessionJson({ ...base, weakPassword: { message: 'm', reasons: ['length'] } })).toMatchObject({
      token_type: 'bearer',
      weak_password: { message: 'm', reasons: ['length'] },
    });
  });
});

describe('mergeMetadata', () => {
  it('merges shallowly and deletes keys set to null', () => {
    expect(mergeMetadata({ a: 1, b: 2, nested: { x: 1 } }, { b: null, c: 3, nested: { y: 2 } })).toEqual({
      a: 1,
      c: 3,
      nested: { y: 2 },
    });
    expect(mergeMetadata(null, { a: null, b: 1 })).toEqual({ b: 1 });
  });
});

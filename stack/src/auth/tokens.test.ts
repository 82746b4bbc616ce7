import { describe, expect, it } from 'vitest';
import { paginationLink } from './pagination.ts';
import type { UserRow } from './serialize.ts';
import { accessTokenClaims, generateRefreshToken, REFRESH_TOKEN_FORMAT } from './tokens.ts';

describe('accessTokenClaims', () => {
  it("lists GoTrue's claims in GoTrue's order", () => {
    const user = {
      id: 'u',
      aud: 'authenticated',
      role: 'authenticated',
      email: null,
      phone: null,
      raw_app_meta_data: null,
      raw_user_meta_data: { a: 1 },
      is_anonymous: true,
    } as unknown as UserRow;
    const claims = accessTokenClaims({
      issuer: 'http://auth.test/auth/v1',
      user,
      sessionId: 's',
      amr: [{ method: 'anonymous', timestamp: 10 }],
      issuedAt: 10,
      expiresAt: 3610,
    });
    expect(Object.keys(claims)).toEqual([
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'email',
      'phone',
      'app_metadata',
      'user_metadata',
      'role',
      'aal',
      'amr',
      'session_id',
      'is_anonymous',
    ]);
    expect(claims).toMatchObject({ email: '', phone: '', app_metadata: {}, aal: 'aal1', is_anonymous: true });
  });
});

describe('generateRefreshToken', () => {
  it('makes 12 lower-case alphanumerics, different every time', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => generateRefreshToken()));
    expect(tokens.size).toBe(500);
    for (const token of tokens) expect(token).toMatch(REFRESH_TOKEN_FORMAT);
  });
});

describe('paginationLink', () => {
  it('puts page first, adds next only when there is a next page', () => {
    expect(paginationLink(1, 2, 3)).toBe(
      '</admin/users?page=2&per_page=2>; rel="next", </admin/users?page=2&per_page=2>; rel="last"',
    );
    expect(paginationLink(2, 2, 3)).toBe('</admin/users?page=2&per_page=2>; rel="last"');
    expect(paginationLink(1, 50, 0)).toBe('</admin/users?page=0&per_page=50>; rel="last"');
  });

  it('keeps other query parameters after page and per_page', () => {
    const query = new URLSearchParams('per_page=1&filter=ada&page=1');
    expect(paginationLink(1, 1, 2, query)).toBe(
      '</admin/users?page=2&per_page=1&filter=ada>; rel="next", </admin/users?page=2&per_page=1&filter=ada>; rel="last"',
    );
  });
});

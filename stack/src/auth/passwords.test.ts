import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { AuthApiError } from './errors.ts';
import { checkPasswordStrength, hashPassword, isBcryptHash, verifyPassword } from './passwords.ts';

const DEFAULTS = { minimumLength: 6, requirements: '' } as const;

describe('checkPasswordStrength', () => {
  it('accepts a password at the minimum length', () => {
    expect(checkPasswordStrength('abcdef', DEFAULTS)).toBeUndefined();
  });

  it('reports length with GoTrue message', () => {
    expect(checkPasswordStrength('abc', DEFAULTS)).toEqual({
      message: 'Password should be at least 6 characters.',
      reasons: ['length'],
    });
  });

  it('counts bytes as Go does, so three two-byte letters meet a minimum of six', () => {
    expect(checkPasswordStrength('ééé', DEFAULTS)).toBeUndefined();
  });

  it('requires one character of each set and joins messages with a space', () => {
    const weak = checkPasswordStrength('abc', {
      minimumLength: 8,
      requirements: 'lower_upper_letters_digits',
    });
    expect(weak?.reasons).toEqual(['length', 'characters']);
    expect(weak?.message).toBe(
      'Password should be at least 8 characters. Password should contain at least one character of each: ' +
        'abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
    );
    expect(
      checkPasswordStrength('abcDEF12', { minimumLength: 8, requirements: 'lower_upper_letters_digits' }),
    ).toBe(undefined);
  });

  it('treats the symbol set, colon and backslash included, as one set', () => {
    const policy = { minimumLength: 0, requirements: 'lower_upper_letters_digits_symbols' } as const;
    expect(checkPasswordStrength('aB1:', policy)).toBeUndefined();
    expect(checkPasswordStrength('aB1\\', policy)).toBeUndefined();
    expect(checkPasswordStrength('aB12', policy)?.reasons).toEqual(['characters']);
  });

  it('refuses more than 72 bytes with validation_failed', () => {
    let caught: unknown;
    try {
      checkPasswordStrength('x'.repeat(73), DEFAULTS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthApiError);
    expect(caught).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('bcrypt', () => {
  it('hashes at cost 10 with the $2a$ label GoTrue writes', async () => {
    const hash = await hashPassword('hunter22');
    expect(hash).toMatch(/^\$2a\$10\$/);
    expect(isBcryptHash(hash)).toBe(true);
    expect(await verifyPassword('hunter22', hash)).toBe(true);
    expect(await verifyPassword('hunter23', hash)).toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('verifies %s hashes of any cost', async (prefix) => {
    for (const cost of [4, 6]) {
      const hash = prefix + bcrypt.hashSync('seeded-password', cost).slice(4);
      expect(await verifyPassword('seeded-password', hash)).toBe(true);
    }
  });

  it('never matches an empty, missing or foreign hash', async () => {
    expect(await verifyPassword('', '')).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', '$argon2id$v=19$m=65536,t=3,p=4$abc$def')).toBe(false);
  });
});

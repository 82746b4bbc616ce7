import { describe, expect, it } from 'vitest';
import { parseGoDuration, validateEmail, validatePhone } from './validate.ts';

describe('parseGoDuration', () => {
  it.each([
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['876000h', 876_000 * 3_600_000],
    ['300ms', 300],
    ['0', 0],
    ['-2m', -120_000],
  ])('%s = %d ms', (value, ms) => {
    expect(parseGoDuration(value)).toBe(ms);
  });

  it.each(['', '10', 'h', '1d', '1h x'])('rejects %j as GoTrue does', (value) => {
    expect(() => parseGoDuration(value)).toThrow(/invalid format for ban duration/);
  });
});

describe('validateEmail', () => {
  it('lower-cases a valid address', () => {
    expect(validateEmail('Ada.Lovelace+x@Example.COM')).toBe('ada.lovelace+x@example.com');
  });

  it.each([
    ['', 'An email address is required'],
    ['not-an-email', 'Unable to validate email address: invalid format'],
    ['a@b@c.com', 'Unable to validate email address: invalid format'],
    [`${'a'.repeat(250)}@x.com`, 'An email address is too long'],
  ])('%j → %s', (email, message) => {
    expect(() => validateEmail(email)).toThrow(message);
  });
});

describe('validatePhone', () => {
  it('keeps E.164 digits only', () => {
    expect(validatePhone('+1 (555) 010-9999')).toBe('15550109999');
  });

  it('rejects what is not E.164', () => {
    expect(() => validatePhone('0123')).toThrow('Invalid phone number format (E.164 required)');
  });
});

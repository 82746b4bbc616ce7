import { badRequest } from './errors.ts';

/** badoux/checkmail's format check, which GoTrue's `validateEmail` relies on. */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's `validateEmail`: required, ≤ 255 chars, well-formed; returns it lower-cased. */
export function validateEmail(email: string): string {
  if (email === '') throw badRequest('validation_failed', 'An email address is required');
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
  if (!EMAIL.test(email)) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.toLowerCase();
}

const E164 = /^[1-9]\d{1,14}$/;

/** GoTrue's `validatePhone`: strips formatting, then E.164 digits without the plus. */
export function validatePhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (!E164.test(digits))
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
  return digits;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;

/**
 * Go's `time.ParseDuration` (what `ban_duration` is), in milliseconds: a signed sequence of
 * decimal numbers with units, e.g. `24h`, `1h30m`, `-1.5h`.
 *
 * @example parseGoDuration('1h30m') // 5_400_000
 */
export function parseGoDuration(value: string): number {
  const invalid = () =>
    badRequest('validation_failed', `invalid format for ban duration: time: invalid duration "${value}"`);
  let rest = value;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(rest); match; match = DURATION_PART.exec(rest)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
    consumed = DURATION_PART.lastIndex;
  }
  if (consumed !== rest.length) throw invalid();
  return sign * total;
}

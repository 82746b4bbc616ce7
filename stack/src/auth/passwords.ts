import bcrypt from 'bcryptjs';
import type { PasswordRequirements } from './config.ts';
import { badRequest, type WeakPasswordDetail } from './errors.ts';

/** bcrypt only reads the first 72 bytes, so GoTrue refuses longer passwords. */
export const MAX_PASSWORD_BYTES = 72;

/** GoTrue's own cost for new hashes (bcrypt.DefaultCost). */
export const BCRYPT_COST = 10;

/**
 * The character sets the Supabase CLI hands GoTrue (GOTRUE_PASSWORD_REQUIRED_CHARACTERS) for
 * each `[auth] password_requirements` value; a password needs one character of every set.
 */
const REQUIRED_CHARACTERS: Record<PasswordRequirements, readonly string[]> = {
  '': [],
  letters_digits: ['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'],
  lower_upper_letters_digits: ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'],
  lower_upper_letters_digits_symbols: [
    'abcdefghijklmnopqrstuvwxyz',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789',
    '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~',
  ],
};

export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requirements: PasswordRequirements;
}

/**
 * GoTrue's `checkPasswordStrength`: returns the weak-password detail (reasons `length`,
 * `characters`, messages joined by a space) or undefined; throws for > 72 bytes.
 */
export function checkPasswordStrength(
  password: string,
  policy: PasswordPolicy,
): WeakPasswordDetail | undefined {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  const reasons: string[] = [];
  const messages: string[] = [];
  // Go's len() counts bytes, not characters.
  if (bytes < policy.minimumLength) {
    reasons.push('length');
    messages.push(`Password should be at least ${policy.minimumLength} characters.`);
  }
  const sets = REQUIRED_CHARACTERS[policy.requirements];
  if (sets.some((set) => ![...set].some((ch) => password.includes(ch)))) {
    reasons.push('characters');
    messages.push(`Password should contain at least one character of each: ${sets.join(', ')}.`);
  }
  return reasons.length > 0 ? { message: messages.join(' '), reasons } : undefined;
}

/**
 * A cost-10 bcrypt hash labelled `$2a$` as Go's bcrypt writes it (the algorithm is the same for
 * ≤ 72-byte passwords), which pgcrypto's `crypt()` also verifies.
 */
export async function hashPassword(password: string): Promise<string> {
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  return hash.startsWith('$2b$') ? `$2a$${hash.slice(4)}` : hash;
}

const BCRYPT_HASH = /^\$2[a-z]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function isBcryptHash(value: string): boolean {
  return BCRYPT_HASH.test(value);
}

/** Any bcrypt variant and cost ($2a$/$2b$/$2y$; seeds use pgcrypto's `gen_salt('bf')`). */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash || !isBcryptHash(hash)) return false;
  return bcrypt.compare(password, hash);
}

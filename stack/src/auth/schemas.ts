import { z } from 'zod';

/*
 * Request bodies, shaped like GoTrue's Go structs: unknown keys are ignored, `null` counts as
 * absent (Go leaves the zero value), and a wrong JSON type is a `bad_json` error.
 */

/** A Go `string` field: absent or null reads as "". */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
/** A Go `*string` field: absent or null stays undefined, "" is a value. */
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const flag = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);
/** A Go `map[string]interface{}`: absent or null stays undefined. */
const jsonObject = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((v) => v ?? undefined);

/** `null` as a whole body decodes to the zero struct in Go. */
const body = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => v ?? {}, z.object(shape));

export const signupBody = body({
  email: text,
  phone: text,
  password: text,
  data: jsonObject,
  channel: text,
  code_challenge: text,
  code_challenge_method: text,
});
export type SignupBody = z.output<typeof signupBody>;

export const passwordGrantBody = body({ email: text, phone: text, password: text });

export const refreshGrantBody = body({ refresh_token: text });

export const pkceGrantBody = body({ auth_code: text, code_verifier: text });

export const userUpdateBody = body({
  email: text,
  password: optionalText,
  current_password: optionalText,
  nonce: text,
  data: jsonObject,
  app_metadata: jsonObject,
  phone: text,
  channel: text,
  code_challenge: text,
  code_challenge_method: text,
});
export type UserUpdateBody = z.output<typeof userUpdateBody>;

export const adminUserBody = body({
  id: text,
  aud: text,
  role: text,
  email: text,
  phone: text,
  password: optionalText,
  password_hash: text,
  email_confirm: flag,
  phone_confirm: flag,
  user_metadata: jsonObject,
  app_metadata: jsonObject,
  ban_duration: text,
});
export type AdminUserBody = z.output<typeof adminUserBody>;

export const adminDeleteBody = body({ should_soft_delete: flag });

/** Query of `GET /admin/users`; auth-js sends empty strings for unset values. */
export const listUsersQuery = z.object({
  page: z.string().regex(/^\d*$/, 'page must be a non-negative integer').optional(),
  per_page: z.string().regex(/^\d*$/, 'per_page must be a non-negative integer').optional(),
  filter: z.string().optional(),
  sort: z.string().optional(),
});

import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { AuthApiError, badRequest } from './errors.ts';

/** GoTrue wraps every request body in a 1 MiB MaxBytesReader. */
export const MAX_BODY_BYTES = 1 << 20;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AuthApiError(
      413,
      'request_entity_too_large',
      `Request body too large (max ${MAX_BODY_BYTES} bytes)`,
    );
  },
});

const badJson = (detail: string) => badRequest('bad_json', `Could not parse request body as JSON: ${detail}`);

/** Decodes a raw body as JSON and validates it; an empty body is invalid JSON, as in Go. */
export function parseBody<S extends z.ZodType>(raw: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw badJson(raw.trim() === '' ? 'unexpected end of JSON input' : (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || 'body';
    throw badJson(`${path}: ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return parseBody(await c.req.text(), schema);
}

/** Admin delete may come without a body; only a non-empty one is parsed. */
export async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await c.req.text();
  return parseBody(raw.length === 0 ? '{}' : raw, schema);
}

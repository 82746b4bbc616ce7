// What every function's Hono app shares: its base path, CORS, the error envelope (one onError
// for every failure), request validation with zod, and per-user rate limits.

import type { Tx } from './db.ts';
import { cors, Hono, HTTPException, sql, type z } from './deps.ts';
import { AppError, errorResponse, fromDatabase } from './errors.ts';

export const CORS_HEADERS = [
  'authorization',
  'x-client-info',
  'apikey',
  'content-type',
  'x-region',
  'x-retry-count',
  'idempotency-key',
];

export function createApp(slug: string): Hono {
  const app = new Hono().basePath(`/${slug}`);
  app.use(
    '*',
    cors({
      origin: '*',
      allowHeaders: CORS_HEADERS,
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    }),
  );
  app.notFound((c) =>
    errorResponse(new AppError('route_not_found', `No route ${c.req.method} ${new URL(c.req.url).pathname}`)),
  );
  app.onError((error) => {
    if (error instanceof AppError) return errorResponse(error);
    const mapped = fromDatabase(error);
    if (mapped) return errorResponse(mapped);
    if (error instanceof HTTPException)
      return errorResponse(new AppError('validation_failed', error.message));
    console.error(error);
    return errorResponse(new AppError('internal', 'Something went wrong on our side'));
  });
  return app;
}

/** The JSON body, validated; a bad one is 400 validation_failed with the zod issues as details. */
export async function body<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    const text = await request.text();
    raw = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', 'The body is not JSON');
  }
  return parse(schema, raw);
}

export function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      'The request is not valid',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/** Counts one `action` against the caller's budget; 429 rate_limited with Retry-After when spent. */
export async function rateLimit(
  tx: Tx,
  action: string,
  budget: { limit: number; windowSeconds: number },
): Promise<void> {
  const result = await sql<{ wait: number }>`
    select private.take_rate_limit(${action}, ${budget.limit}, ${budget.windowSeconds}) as wait`.execute(tx);
  const wait = Number(result.rows[0]?.wait ?? 0);
  if (wait > 0) {
    throw new AppError(
      'rate_limited',
      `Too many ${action} requests; try again in ${Math.ceil(wait / 1000)} s`,
      { retry_after_ms: wait },
      {
        'retry-after': String(Math.ceil(wait / 1000)),
      },
    );
  }
}

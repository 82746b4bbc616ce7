// The functions' configuration: the environment, parsed once when a worker starts.
import { z } from './deps.ts';

const rate = z
  .string()
  .regex(/^[1-9]\d*\/[1-9]\d*s$/, 'a rate is <count>/<seconds>s, e.g. 10/10s')
  .transform((value) => {
    const [count, seconds] = value.slice(0, -1).split('/').map(Number) as [number, number];
    return { limit: count, windowSeconds: seconds };
  });

const schema = z.object({
  SUPABASE_URL: z.string().url(),
  SUPABASE_DB_URL: z.string().min(1),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1),
  SUPABASE_JWKS: z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as { keys: Record<string, unknown>[] };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'SUPABASE_JWKS is not JSON' });
      return z.NEVER;
    }
  }),
  /** Where the web app lives, for invite links. */
  WATCHROOM_APP_URL: z.string().url().default('http://127.0.0.1:5173'),
  WATCHROOM_DB_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  WATCHROOM_COMMENT_RATE: rate.prefault('10/10s'),
  WATCHROOM_CONTROL_RATE: rate.prefault('30/10s'),
  WATCHROOM_INTERACTION_RATE: rate.prefault('60/10s'),
  WATCHROOM_ROOM_CREATE_RATE: rate.prefault('10/60s'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`function configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

import { z } from 'zod';

/**
 * Input schemas of the REST broadcast API, shaped like the reference's Ecto changesets
 * (`Realtime.Tenants.BatchBroadcast`, `SingleBroadcast`) so that the same input fails the same
 * way. Ecto's casting rules are reproduced where they differ from plain JSON typing:
 *
 * - `null` and whitespace-only strings count as not given (`empty_values`), so a required field
 *   holding them is "can't be blank";
 * - booleans also accept the strings "true"/"false"/"1"/"0";
 * - `payload` must be a JSON object (`:map`), `id` any string (the embed's `:binary_id`);
 * - unknown keys are ignored.
 */
export function notGiven(value: unknown): unknown {
  return value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function castBoolean(value: unknown): unknown {
  const given = notGiven(value);
  if (given === 'true' || given === '1') return true;
  if (given === 'false' || given === '0') return false;
  return given;
}

const requiredText = z.preprocess(notGiven, z.string());

/** One entry of `messages` in `POST /api/broadcast`. */
export const batchMessageSchema = z.object({
  topic: requiredText,
  event: requiredText,
  payload: z.preprocess(notGiven, z.custom<Record<string, unknown>>(isJsonObject)),
  private: z.preprocess(castBoolean, z.boolean().optional()),
  id: z.preprocess(notGiven, z.string().optional()),
});
export type BatchMessageInput = z.output<typeof batchMessageSchema>;

/** The body of `POST /api/broadcast`; a non-empty list of objects, each checked on its own. */
export const batchSchema = z.object({
  messages: z.preprocess(notGiven, z.array(z.custom<Record<string, unknown>>(isJsonObject)).min(1)),
});

/** The path parameters of `POST /api/broadcast/{topic}/events/{event}`. */
export const singleTargetSchema = z.object({ topic: requiredText, event: requiredText });

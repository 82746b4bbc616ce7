import type { z } from 'zod';
import type { BroadcastPayload } from '../contracts.ts';
import { type FieldErrors, validationFailed } from './errors.ts';
import { batchMessageSchema, batchSchema, isJsonObject, notGiven, singleTargetSchema } from './schemas.ts';

const BLANK = "can't be blank";
const INVALID = 'is invalid';
const TOO_LARGE = 'Payload size exceeds tenant limit';

export interface BatchMessage {
  readonly topic: string;
  readonly event: string;
  readonly payload: Record<string, unknown>;
  readonly private: boolean;
  readonly id?: string;
}

/**
 * The messages of a batch body, or a 422 with Ecto's error shape: `{"messages":["can't be
 * blank"]}` / `{"messages":["is invalid"]}` for the list itself, else one error object per
 * message, `{}` for the valid ones. A body that is not a JSON object has no `messages` (Plug
 * files it under `_json`).
 */
export function validateBatch(body: unknown, maxPayloadBytes: number): BatchMessage[] {
  const root = isJsonObject(body) ? body : {};
  const list = batchSchema.safeParse(root);
  if (!list.success) {
    const given = notGiven(root.messages);
    const empty = given === undefined || (Array.isArray(given) && given.length === 0);
    throw validationFailed({ messages: [empty ? BLANK : INVALID] });
  }
  const messages: BatchMessage[] = [];
  const errors: FieldErrors[] = [];
  for (const raw of list.data.messages) {
    const parsed = batchMessageSchema.safeParse(raw);
    const fields: Record<string, string[]> = parsed.success ? {} : fieldErrors(parsed.error.issues, raw);
    // Checked whenever the payload itself is valid, like the changeset's last validation.
    const payload = parsed.success ? parsed.data.payload : notGiven(raw.payload);
    if (!fields.payload && isJsonObject(payload) && jsonBytes(payload) > maxPayloadBytes) {
      fields.payload = [TOO_LARGE];
    }
    errors.push(sorted(fields));
    if (parsed.success) {
      const { topic, event, id } = parsed.data;
      messages.push({
        topic,
        event,
        payload: parsed.data.payload,
        private: parsed.data.private ?? false,
        ...(id === undefined ? {} : { id }),
      });
    }
  }
  if (errors.some((fields) => Object.keys(fields).length > 0)) throw validationFailed({ messages: errors });
  return messages;
}

/** Path parameters and payload of a single broadcast, or a 422 (`{"topic":["can't be blank"]}`, ...). */
export function validateSingle(
  target: { topic: string; event: string },
  payload: BroadcastPayload,
  maxPayloadBytes: number,
): void {
  const parsed = singleTargetSchema.safeParse(target);
  const fields: Record<string, string[]> = parsed.success ? {} : fieldErrors(parsed.error.issues, target);
  if (payloadBytes(payload) > maxPayloadBytes) fields.payload = [TOO_LARGE];
  if (Object.keys(fields).length > 0) throw validationFailed(sorted(fields));
}

/** The size the payload limit applies to: UTF-8 bytes of the JSON text, or the raw bytes. */
export function payloadBytes(payload: BroadcastPayload): number {
  return payload.kind === 'binary' ? payload.bytes.byteLength : jsonBytes(payload.value);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null');
}

/** Zod's issues as Ecto words them: a field not given is blank, any other failure invalid. */
function fieldErrors(issues: readonly z.core.$ZodIssue[], raw: Readonly<Record<string, unknown>>) {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'base');
    fields[field] = [notGiven(raw[field]) === undefined ? BLANK : INVALID];
  }
  return fields;
}

/** Keys in order, as Jason encodes an Elixir map of atoms. */
function sorted(fields: Record<string, string[]>): FieldErrors {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Broadcast from the database (realtime.md §3.6): every committed INSERT on realtime.messages
 * (publication `supabase_realtime_messages_publication`, changes published as the partitioned
 * root) with id, topic, event, private, inserted_at and a payload becomes a broadcast on its
 * topic, `binary_payload` preferred over `payload`. Updates and deletes never do; rolled-back
 * inserts never reach the stream.
 */
import type { Broadcast } from '../contracts.ts';
import type { Relation } from './pgoutput.ts';
import type { RowChange } from './transactions.ts';

export const MESSAGES_PUBLICATION = 'supabase_realtime_messages_publication';

/**
 * realtime.messages, or one of its partitions should a publication publish those directly
 * (`messages_2025_01_31`, `messages_default`: the only tables of that name the schema holds).
 */
export function isMessagesRelation(relation: Relation): boolean {
  return (
    relation.namespace === 'realtime' &&
    (relation.name === 'messages' || relation.name.startsWith('messages_'))
  );
}

/** The broadcast an inserted realtime.messages row asks for, or undefined if it asks for none. */
export function broadcastOf(change: RowChange): Broadcast | undefined {
  if (change.kind !== 'INSERT' || !change.newRow) return undefined;
  const row = change.newRow;
  const id = row.get('id');
  const topic = row.get('topic');
  const event = row.get('event');
  const isPrivate = row.get('private');
  const insertedAt = row.get('inserted_at');
  if (id == null || topic == null || event == null || isPrivate == null || insertedAt == null)
    return undefined;
  const binary = row.get('binary_payload');
  const json = row.get('payload');
  let payload: Broadcast['payload'];
  if (binary != null) {
    // bytea in hex output: `\x` and two digits per byte.
    if (!binary.startsWith('\\x')) return undefined;
    payload = { kind: 'binary', bytes: new Uint8Array(Buffer.from(binary.slice(2), 'hex')) };
  } else if (json != null) {
    payload = { kind: 'json', value: JSON.parse(json) };
  } else {
    return undefined;
  }
  return { topic, private: isPrivate === 't', event, payload, origin: 'database', meta: { id } };
}

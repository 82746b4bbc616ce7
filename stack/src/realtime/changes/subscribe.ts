/**
 * Validating a channel's bindings the way the reference registers them (realtime.md §5.2):
 * parse each one, then insert its rows into realtime.subscription (one per matching table of
 * publication `supabase_realtime`), whose trigger checks columns, casts and operators for the
 * claims' role. All bindings go in one transaction, which we roll back: the rows only serve as
 * the validation; the accepted subscriptions live in memory.
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { ChannelIdentity, PostgresBinding } from '../contracts.ts';
import { describeParams, parseSubscriptionParams, type SubscriptionParams } from './params.ts';
import { isConnectionFailure, isPostgresError, postgrexMessage } from './postgres-error.ts';
import type { EntrySpec } from './registry.ts';

export const PUBLICATION = 'supabase_realtime';

/** What the reference says when it cannot reach the database (a retryable failure). */
export const UNABLE_TO_CONNECT = 'Realtime was unable to connect to the project database';

export type ValidationResult =
  | { readonly ok: true; readonly entries: readonly EntrySpec[] }
  | { readonly ok: false; readonly message: string; readonly retryable: boolean };

export interface BindingInput {
  readonly binding: PostgresBinding;
  readonly id: number;
}

const INSERT_SUBSCRIPTION = `
  with sub_tables as (
    select pg_catalog.format('%I.%I', pub.schemaname, pub.tablename)::pg_catalog.regclass as entity
    from pg_catalog.pg_publication_tables pub
    where pub.pubname = $1
      and pub.schemaname like (case $2 when '*' then '%' else $2 end) escape ''
      and pub.tablename like (case $3 when '*' then '%' else $3 end) escape ''
  )
  insert into realtime.subscription as x
    (subscription_id, entity, filters, claims, action_filter, selected_columns)
  select $4::text::uuid, sub_tables.entity,
    (select coalesce(pg_catalog.array_agg(
              row(f.c, f.o::realtime.equality_op, f.v, f.n)::realtime.user_defined_filter order by f.ord),
            '{}'::realtime.user_defined_filter[])
     from rows from (pg_catalog.jsonb_to_recordset($5::text::jsonb) as (c text, o text, v text, n boolean))
       with ordinality as f(c, o, v, n, ord)),
    $6::text::jsonb,
    $7::text,
    (select pg_catalog.array_agg(s order by s.ord)
     from pg_catalog.jsonb_array_elements_text($8::text::jsonb) with ordinality as s(s, ord))
  from sub_tables
  returning x.entity::pg_catalog.oid::int8 as table_oid`;

export async function validateBindings(
  sql: Sql,
  bindings: readonly BindingInput[],
  identity: ChannelIdentity,
): Promise<ValidationResult> {
  const parsed: { input: BindingInput; params: SubscriptionParams }[] = [];
  for (const input of bindings) {
    const result = parseSubscriptionParams(input.binding);
    if (!result.ok) return { ok: false, message: result.message, retryable: false };
    parsed.push({ input, params: result.params });
  }
  if (parsed.length === 0) return { ok: true, entries: [] };

  let connection: Awaited<ReturnType<Sql['reserve']>>;
  try {
    connection = await sql.reserve();
  } catch {
    return { ok: false, message: UNABLE_TO_CONNECT, retryable: true };
  }
  try {
    await connection.unsafe('begin');
    const entries: EntrySpec[] = [];
    for (const { input, params } of parsed) {
      let rows: { table_oid: string }[];
      try {
        rows = await connection.unsafe<{ table_oid: string }[]>(
          INSERT_SUBSCRIPTION,
          [
            PUBLICATION,
            params.schema,
            params.table,
            randomUUID(),
            JSON.stringify(params.filters.map((f) => ({ c: f.column, o: f.op, v: f.value, n: f.negate }))),
            JSON.stringify(identity.claims),
            params.action,
            params.select ? JSON.stringify(params.select) : null,
          ],
          { prepare: true },
        );
      } catch (error) {
        if (isConnectionFailure(error)) return { ok: false, message: UNABLE_TO_CONNECT, retryable: true };
        const exception = isPostgresError(error) ? postgrexMessage(error) : String(error);
        return {
          ok: false,
          retryable: false,
          message: `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${describeParams(params)}]. Exception: ${exception}`,
        };
      }
      if (rows.length === 0) {
        return {
          ok: false,
          retryable: false,
          message: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${describeParams(params)}]`,
        };
      }
      const select = params.select ? [...params.select] : null;
      for (const row of rows) {
        entries.push({
          bindingId: input.id,
          tableOid: Number(row.table_oid),
          action: params.action,
          filters: params.filters,
          select,
          selectKey: select ? JSON.stringify([...new Set(select)].sort()) : '',
        });
      }
    }
    return { ok: true, entries };
  } catch {
    return { ok: false, message: UNABLE_TO_CONNECT, retryable: true };
  } finally {
    // Whatever happened, nothing stays in realtime.subscription.
    await connection.unsafe('rollback').catch(() => undefined);
    connection.release();
  }
}

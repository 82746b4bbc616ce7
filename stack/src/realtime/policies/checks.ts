import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PolicyContext, PolicyExtension } from '../contracts.ts';
import { inRolledBackTransaction, type StatementOutcome } from './pipeline.ts';
import { applySettings, BYPASS_ROLE } from './settings.ts';

const EXTENSIONS: readonly PolicyExtension[] = ['broadcast', 'presence'];

/** RLS violation (WITH CHECK) or missing privilege: the one failure that means "denied". */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Read check (realtime.md §6.2): as the table owner (who RLS does not apply to), insert one
 * probe row per extension; then, as the caller, select the probes back. An extension is
 * readable iff its probe is visible. One pipelined transaction, rolled back.
 */
export async function checkRead(
  sql: Sql,
  logger: Logger,
  context: PolicyContext,
  requested: readonly PolicyExtension[],
): Promise<Partial<Record<PolicyExtension, boolean>>> {
  const extensions = EXTENSIONS.filter((extension) => requested.includes(extension));
  if (extensions.length === 0) return {};
  if (context.identity.role === BYPASS_ROLE) return allAs(extensions, true);

  // Ids made here, so the answer maps back to extensions without RETURNING.
  const broadcastId = extensions.includes('broadcast') ? randomUUID() : null;
  const presenceId = extensions.includes('presence') ? randomUUID() : null;
  const outcomes = await inRolledBackTransaction(sql, (conn) => [
    conn`
      insert into realtime.messages (id, topic, extension)
      select probe.id, ${context.topic}, probe.extension
        from (values (${broadcastId}::uuid, 'broadcast'), (${presenceId}::uuid, 'presence'))
             as probe (id, extension)
       where probe.id is not null`,
    applySettings(conn, context),
    conn`select id from realtime.messages where id in (${broadcastId}::uuid, ${presenceId}::uuid)`,
  ]);
  const failure = firstFailure(outcomes);
  if (failure) {
    // A raising policy, an unknown role or one we may not assume: denied, as upstream.
    logger.warn(`read check on "${context.topic}" as ${context.identity.role} failed: ${failure}`);
    return allAs(extensions, false);
  }
  const visible = new Set(rowsOf(outcomes[2]).map((row) => row.id as string));
  const result: Partial<Record<PolicyExtension, boolean>> = {};
  if (broadcastId) result.broadcast = visible.has(broadcastId);
  if (presenceId) result.presence = visible.has(presenceId);
  return result;
}

/**
 * Write check (realtime.md §6.2): with the caller's settings, INSERT a row for the extension
 * in a savepoint; allowed iff the insert succeeds. Rolled back, so nothing persists.
 */
export async function checkWrite(
  sql: Sql,
  logger: Logger,
  context: PolicyContext,
  extension: PolicyExtension,
): Promise<boolean> {
  if (context.identity.role === BYPASS_ROLE) return true;
  const outcomes = await inRolledBackTransaction(sql, (conn) => [
    applySettings(conn, context),
    conn`savepoint write_check`,
    conn`insert into realtime.messages (topic, extension) values (${context.topic}, ${extension})`,
  ]);
  const [settings, , insert] = outcomes;
  if (
    settings?.status === 'fulfilled' &&
    insert?.status === 'rejected' &&
    sqlStateOf(insert.reason) === INSUFFICIENT_PRIVILEGE
  ) {
    return false;
  }
  const failure = firstFailure(outcomes);
  if (failure) {
    logger.warn(
      `${extension} write check on "${context.topic}" as ${context.identity.role} failed: ${failure}`,
    );
    return false;
  }
  return true;
}

function allAs(extensions: readonly PolicyExtension[], value: boolean) {
  return Object.fromEntries(extensions.map((extension) => [extension, value])) as Partial<
    Record<PolicyExtension, boolean>
  >;
}

/** The message of the first statement that failed, which explains the ones after it. */
function firstFailure(outcomes: readonly StatementOutcome[]): string | undefined {
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  return failed ? errorMessage(failed.reason) : undefined;
}

function rowsOf(outcome: StatementOutcome | undefined) {
  return outcome?.status === 'fulfilled' ? outcome.value : [];
}

function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

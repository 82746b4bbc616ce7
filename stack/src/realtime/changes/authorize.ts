/**
 * Row-level-security checks for many subscribers at once (realtime.md §5.3 rule 5): may this
 * subscriber SELECT the changed row right now? Subscribers with the same role and claims form
 * one group, asked once. All groups are asked in one transaction whose statements are
 * pipelined on one connection: one network round trip once the statements are prepared.
 *
 *   begin isolation level repeatable read;
 *   select <the changes' transactions are visible in this snapshot>;
 *   -- per group:
 *   select set_config('role', ...), set_config('request.jwt.claims', ...), ...;
 *   select ... where exists (select 1 from <table> where <pk> = <values>);   -- per table
 *   rollback;
 *
 * Isolation: a group's answer counts only if both its statements succeeded, so it was asked
 * under its own role and claims. A group whose policy raises (or whose role is unusable) is
 * denied; the groups after it, which then failed only because the transaction was aborted, are
 * asked again in another round. Groups that failed before are wrapped in a savepoint
 * (`rollback to savepoint` clears the abort), so a persistently failing subscriber costs the
 * others nothing. The transaction is rolled back: nothing a policy does persists.
 *
 * pgoutput sends a transaction once its commit is flushed, which can be a moment before the
 * committing backend makes it visible to new snapshots: a check then would not find the row.
 * So all checks share one snapshot (repeatable read), which must see the changes' transactions;
 * if it does not yet, the round is asked again an instant later.
 */
import type { Sql } from 'postgres';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { quoteIdent, type TableInfo, type TypeInfo } from './catalog.ts';
import { isPostgresError } from './postgres-error.ts';

export interface RlsGroup {
  /** Identifies the role and claims across batches. */
  readonly key: string;
  readonly role: string;
  /** `request.jwt.claims`, the claims as JSON. */
  readonly claims: string;
  /** `request.jwt.claim.sub` ('' when the token has none). */
  readonly sub: string;
  /** Rows to check, by table. */
  readonly rows: ReadonlyMap<TableInfo, readonly (readonly string[])[]>;
}

/** For each group, per table, which rows (indexes into `rows`) the group may see. */
export type RlsVisibility = ReadonlyMap<RlsGroup, ReadonlyMap<TableInfo, ReadonlySet<number>>>;

export interface RowSecurityChecker {
  check(
    groups: readonly RlsGroup[],
    types: ReadonlyMap<number, TypeInfo>,
    /** Transactions whose rows are checked: the snapshot must include their effects. */
    xids: readonly number[],
  ): Promise<RlsVisibility>;
}

const SET_CLAIMS = `select pg_catalog.set_config('role', $1, true),
  pg_catalog.set_config('request.jwt.claims', $2, true),
  pg_catalog.set_config('request.jwt.claim.sub', $3, true),
  pg_catalog.set_config('request.jwt.claim.role', $1, true)`;

/**
 * True when every transaction id (pgoutput's 32-bit xid) is visible in this transaction's
 * snapshot. The xids get their epoch from the snapshot's xmax (they are recent, so they are
 * within 2^31 of it).
 */
const XIDS_VISIBLE = `with s as (select pg_catalog.pg_current_snapshot() as snap),
  m as (select s.snap, pg_catalog.pg_snapshot_xmax(s.snap)::text::int8 as xmax from s)
  select coalesce(pg_catalog.bool_and(pg_catalog.pg_visible_in_snapshot((
    case when x.xid <= (m.xmax & 4294967295) or m.xmax < 4294967296
      then ((m.xmax >> 32) << 32) | x.xid
      else (((m.xmax >> 32) - 1) << 32) | x.xid end)::text::pg_catalog.xid8, m.snap)), true) as visible
  from m, pg_catalog.jsonb_array_elements_text($1::text::jsonb) as j(v),
    lateral (select j.v::int8 as xid) x`;

/** Rounds that may find the snapshot still missing a change before we settle for it. */
const VISIBILITY_ATTEMPTS = 20;
/** Remembered failing groups; forgotten wholesale beyond this many. */
const MAX_SUSPECTS = 10_000;
const IN_FAILED_TRANSACTION = '25P02';

/**
 * `select` returning the 1-based positions of the visible rows among `$1`, a JSON array of
 * primary-key tuples (text). Values are bound, identifiers come from the catalog.
 */
export function existsStatement(table: TableInfo, types: ReadonlyMap<number, TypeInfo>): string {
  const conditions = table.primaryKey.map((name, i) => {
    const type = types.get(table.columnByName.get(name)?.typeOid ?? 0);
    const cast = type ? `::${type.sqlName}` : '';
    return `t.${quoteIdent(name)} = (u.v ->> ${i})${cast}`;
  });
  return `select coalesce(pg_catalog.jsonb_agg(u.ord), '[]') as visible
    from pg_catalog.jsonb_array_elements($1::text::jsonb) with ordinality as u(v, ord)
    where exists (select 1 from ${quoteIdent(table.schema)}.${quoteIdent(table.name)} t
                  where ${conditions.join(' and ')})`;
}

export function createRowSecurityChecker(sql: Sql, logger: Logger): RowSecurityChecker {
  const suspects = new Set<string>();

  return {
    async check(groups, types, xids) {
      const visibility = new Map<RlsGroup, Map<TableInfo, Set<number>>>();
      let remaining = groups;
      for (let attempt = 1; remaining.length > 0; ) {
        const round = await askRound(sql, remaining, types, xids, suspects);
        if (!round.snapshotSeesChanges && attempt < VISIBILITY_ATTEMPTS) {
          // The commit becomes visible microseconds after it is flushed: yield, then a little longer.
          logger.debug(
            `row security: snapshot does not see the change yet (attempt ${attempt}); asking again`,
          );
          await new Promise((resolve) => setTimeout(resolve, attempt < 3 ? 0 : attempt));
          attempt++;
          continue;
        }
        const again: RlsGroup[] = [];
        let ownErrors = 0;
        for (const group of remaining) {
          const outcome = round.outcomes.get(group);
          if (outcome?.kind === 'answered') visibility.set(group, outcome.rows);
          else if (outcome?.kind === 'collateral') again.push(group);
          else {
            ownErrors++;
            if (suspects.size >= MAX_SUSPECTS) suspects.clear();
            suspects.add(group.key);
            logger.debug(
              `row security: check failed for role ${group.role}: ${errorMessage(outcome?.error)}`,
            );
          }
        }
        // Without a failure of their own to blame, collateral failures mean the round itself
        // broke (connection lost, snapshot check failed): deny what is left.
        remaining = ownErrors > 0 ? again : [];
      }
      return visibility;
    },
  };
}

type Outcome =
  | { readonly kind: 'answered'; readonly rows: Map<TableInfo, Set<number>> }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'collateral' };

async function askRound(
  sql: Sql,
  groups: readonly RlsGroup[],
  types: ReadonlyMap<number, TypeInfo>,
  xids: readonly number[],
  suspects: ReadonlySet<string>,
): Promise<{ outcomes: Map<RlsGroup, Outcome>; snapshotSeesChanges: boolean }> {
  const outcomes = new Map<RlsGroup, Outcome>();
  let snapshotSeesChanges = false;
  const connection = await sql.reserve();
  const pending: Promise<unknown>[] = [];
  // postgres.js sends a query when its promise is first observed: issuing them all before
  // awaiting any pipelines them, in this order, on the reserved connection.
  const issue = <T>(
    query: PromiseLike<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
    const settled = Promise.resolve(query).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    pending.push(settled);
    return settled;
  };
  try {
    const begun = issue(connection.unsafe('begin isolation level repeatable read'));
    const visible = issue(
      connection.unsafe<{ visible: boolean }[]>(XIDS_VISIBLE, [JSON.stringify(xids)], { prepare: true }),
    );
    const isolated = groups.some((group) => suspects.has(group.key));
    if (isolated) issue(connection.unsafe('savepoint rls'));
    const asked = groups.map((group) => {
      const claims = issue(
        connection.unsafe(SET_CLAIMS, [group.role, group.claims, group.sub], { prepare: true }),
      );
      const checks = [...group.rows].map(([table, keys]) => ({
        table,
        result: issue(
          connection.unsafe<{ visible: number[] }[]>(existsStatement(table, types), [JSON.stringify(keys)], {
            prepare: true,
          }),
        ),
      }));
      if (suspects.has(group.key)) issue(connection.unsafe('rollback to savepoint rls'));
      return { group, claims, checks };
    });
    issue(connection.unsafe('rollback'));
    await Promise.all(pending);

    const snapshot = await visible;
    snapshotSeesChanges = snapshot.ok && snapshot.value[0]?.visible === true;
    // Outside a transaction the role settings would not reach the checks: trust nothing.
    const inTransaction = (await begun).ok;
    for (const { group, claims, checks } of asked) {
      const results = [await claims, ...(await Promise.all(checks.map((check) => check.result)))];
      const failure = results.find((result) => !result.ok);
      if (!failure && inTransaction) {
        const rows = new Map<TableInfo, Set<number>>();
        for (const { table, result } of checks) {
          const settled = await result;
          const positions = settled.ok ? (settled.value[0]?.visible ?? []) : [];
          rows.set(table, new Set(positions.map((position) => position - 1)));
        }
        outcomes.set(group, { kind: 'answered', rows });
      } else if (
        failure &&
        !failure.ok &&
        isPostgresError(failure.error) &&
        failure.error.code !== IN_FAILED_TRANSACTION
      ) {
        outcomes.set(group, { kind: 'failed', error: failure.error });
      } else {
        outcomes.set(group, { kind: 'collateral' });
      }
    }
  } finally {
    connection.release();
  }
  return { outcomes, snapshotSeesChanges };
}

/**
 * Per-change processing (realtime.md §5.3) for a batch of committed changes, in commit order:
 *
 *   1. candidates: bindings on the change's table for its kind;
 *   2. catalog facts (cached): table, column types, columns readable per role;
 *   3. per binding: 400 (no primary key) / 401 (primary key not readable), else filters, with
 *      SQL-evaluated conditions of the whole batch in one round trip (values needing Postgres
 *      for their JSON form are converted alongside);
 *   4. RLS for INSERT/UPDATE on RLS tables: one pipelined transaction for every claims group
 *      and row of the batch;
 *   5. delivery: per channel, one message per column selection with the ids of every binding
 *      that matched, data objects shared between channels that see the same thing.
 */
import type { Sql } from 'postgres';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ChangeData } from '../contracts.ts';
import type { RlsGroup, RowSecurityChecker } from './authorize.ts';
import { type Catalog, type ReadableColumns, readableKey, type TableInfo, type TypeInfo } from './catalog.ts';
import {
  type CompiledFilter,
  compileFilter,
  evaluateInPostgres,
  finishSql,
  type SqlCondition,
} from './filters.ts';
import {
  approximateWalBytes,
  buildChangeData,
  type ConvertedRow,
  type ConvertedValue,
  ERROR_NO_PRIMARY_KEY,
  ERROR_UNAUTHORIZED,
  errorChangeData,
} from './records.ts';
import type { BindingEntry, Registration, Registry } from './registry.ts';
import type { Row, RowChange } from './transactions.ts';
import {
  type CastRequest,
  castInPostgres,
  convertValue,
  jsonbTextBytes,
  NEEDS_POSTGRES,
  valuePlan,
} from './values.ts';

export interface PendingChange {
  readonly change: RowChange;
  readonly commitTimestamp: string;
  /** Of the change's transaction: RLS checks wait until it is visible. */
  readonly xid: number;
}

export interface ProcessorDeps {
  readonly sql: Sql;
  readonly catalog: Catalog;
  readonly registry: Registry;
  readonly rowSecurity: RowSecurityChecker;
  readonly logger: Logger;
  readonly maxRecordBytes: number;
  /** Checked before every delivery: nothing is delivered once the engine closes. */
  readonly isClosed: () => boolean;
}

type Verdict =
  | { readonly kind: 'skip' }
  | { readonly kind: 'error'; readonly error: string }
  | { readonly kind: 'match' }
  | { readonly kind: 'pending'; readonly conditions: readonly { index: number; filter: CompiledFilter }[] };

interface Work {
  readonly change: RowChange;
  readonly commitTimestamp: string;
  readonly xid: number;
  readonly table: TableInfo;
  readonly candidates: readonly BindingEntry[];
  readonly verdicts: Verdict[];
  newValues?: Map<string, ConvertedValue>;
  oldValues?: Map<string, ConvertedValue>;
}

export interface ChangeProcessor {
  /** Authorizes and delivers a batch of committed changes, in order. */
  process(batch: readonly PendingChange[]): Promise<void>;
}

export function createChangeProcessor(deps: ProcessorDeps): ChangeProcessor {
  /** Filters compiled against the catalog generation they were compiled with. */
  const compiled = new WeakMap<BindingEntry, { generation: number; filters: (CompiledFilter | null)[] }>();
  return { process: (batch) => processChanges(deps, compiled, batch) };
}

type FilterCache = WeakMap<BindingEntry, { generation: number; filters: (CompiledFilter | null)[] }>;

async function processChanges(
  deps: ProcessorDeps,
  compiledFilters: FilterCache,
  batch: readonly PendingChange[],
): Promise<void> {
  const { catalog, registry } = deps;
  const wanted = batch
    .map((item) => ({
      ...item,
      candidates: registry.candidates(item.change.relation.relationId, item.change.kind),
    }))
    .filter((item) => item.candidates.length > 0);
  if (wanted.length === 0) return;

  const pairs = wanted.flatMap((item) =>
    item.candidates.map((entry) => [entry.registration.identity.role, entry.tableOid] as const),
  );
  const [tables, readable] = await Promise.all([
    catalog.tables(wanted.map((item) => item.change.relation.relationId)),
    catalog.readable(pairs),
  ]);
  const typeOids = new Set<number>();
  for (const item of wanted) for (const column of item.change.relation.columns) typeOids.add(column.typeId);
  for (const table of tables.values()) for (const column of table.columns) typeOids.add(column.typeOid);
  const types = await catalog.types(typeOids);

  const work: Work[] = [];
  const conditions: SqlCondition[] = [];
  for (const item of wanted) {
    const table = tables.get(item.change.relation.relationId);
    if (!table) continue; // dropped since
    const verdicts = item.candidates.map((entry) =>
      judge(entry, item.change, table, types, readable, conditions, catalog.generation, compiledFilters),
    );
    work.push({ ...item, table, verdicts });
  }

  const [results] = await Promise.all([
    evaluateInPostgres(deps.sql, conditions),
    convertAll(deps.sql, work, types),
  ]);
  for (const item of work) {
    item.verdicts.forEach((verdict, i) => {
      if (verdict.kind !== 'pending') return;
      const pass = verdict.conditions.every(({ index, filter }) =>
        finishSql(filter.spec, results[index] ?? null),
      );
      item.verdicts[i] = pass ? { kind: 'match' } : { kind: 'skip' };
    });
  }

  const visible = await rowSecurity(deps, work, types);
  work.forEach((item, w) => {
    deliver(deps, item, w, types, readable, visible);
  });
}

function judge(
  entry: BindingEntry,
  change: RowChange,
  table: TableInfo,
  types: ReadonlyMap<number, TypeInfo>,
  readable: ReadonlyMap<string, ReadableColumns>,
  conditions: SqlCondition[],
  generation: number,
  compiledFilters: FilterCache,
): Verdict {
  const columns = readable.get(readableKey(entry.registration.identity.role, table.oid));
  if (!columns) return { kind: 'skip' }; // the role no longer exists
  if (change.kind !== 'DELETE') {
    if (table.primaryKey.length === 0) return { kind: 'error', error: ERROR_NO_PRIMARY_KEY };
    if (!table.primaryKey.every((name) => columns.has(name)))
      return { kind: 'error', error: ERROR_UNAUTHORIZED };
  }
  let compiled = compiledFilters.get(entry);
  if (!compiled || compiled.generation !== generation) {
    compiled = {
      generation,
      filters: entry.filters.map((spec) => {
        const type = types.get(table.columnByName.get(spec.column)?.typeOid ?? 0);
        return type ? compileFilter(spec, type) : null;
      }),
    };
    compiledFilters.set(entry, compiled);
  }
  // INSERT/UPDATE filter the new row, DELETE the old one (its replica identity).
  const row: Row | undefined = change.kind === 'DELETE' ? change.oldRow : change.newRow;
  const pending: { index: number; filter: CompiledFilter }[] = [];
  for (const filter of compiled.filters) {
    // A column gone from the table, absent from the WAL, or no longer readable fails the filter.
    if (!filter || !row?.has(filter.spec.column) || !columns.has(filter.spec.column)) return { kind: 'skip' };
    const value = row.get(filter.spec.column) ?? null;
    if (filter.local) {
      if (filter.local(value) !== true) return { kind: 'skip' };
    } else if (filter.shape) {
      if (value === null) {
        // Postgres would say unknown for NULL, except IS DISTINCT FROM a non-null value.
        if (finishSql(filter.spec, filter.spec.op === 'isdistinct' ? true : null) !== true)
          return { kind: 'skip' };
        continue;
      }
      pending.push({ index: conditions.length, filter });
      conditions.push({ shape: filter.shape, value, pattern: filter.spec.value });
    }
  }
  return pending.length > 0 ? { kind: 'pending', conditions: pending } : { kind: 'match' };
}

/** JSON values of every column of the changes that may be delivered. */
async function convertAll(
  sql: Sql,
  work: readonly Work[],
  types: ReadonlyMap<number, TypeInfo>,
): Promise<void> {
  const requests: CastRequest[] = [];
  const targets: { map: Map<string, ConvertedValue>; name: string }[] = [];
  const convert = (change: RowChange, row: Row | undefined): Map<string, ConvertedValue> | undefined => {
    if (!row) return undefined;
    const out = new Map<string, ConvertedValue>();
    const columnTypes = new Map(change.relation.columns.map((c) => [c.name, c.typeId]));
    for (const [name, text] of row) {
      if (text === null) {
        out.set(name, { value: null, bytes: 4, isNull: true });
        continue;
      }
      const type = types.get(columnTypes.get(name) ?? 0);
      const plan = type ? valuePlan(type) : 'string';
      const value = convertValue(text, plan);
      if (value === NEEDS_POSTGRES) {
        requests.push({ text, typeOid: type?.oid ?? 25 });
        targets.push({ map: out, name });
        out.set(name, { value: text, bytes: jsonbTextBytes(text), isNull: false });
      } else {
        const bytes = plan === 'number' && typeof value === 'number' ? text.length : jsonbTextBytes(value);
        out.set(name, { value, bytes, isNull: false });
      }
    }
    return out;
  };
  for (const item of work) {
    if (item.verdicts.every((verdict) => verdict.kind === 'skip' || verdict.kind === 'error')) continue;
    item.newValues = convert(item.change, item.change.newRow);
    item.oldValues = convert(item.change, item.change.oldRow);
  }
  const values = await castInPostgres(sql, requests);
  targets.forEach(({ map, name }, i) => {
    const value = values[i];
    map.set(name, { value, bytes: jsonbTextBytes(value), isNull: value === null });
  });
}

/** Which (work item, candidate) pairs pass RLS, as `${workIndex}:${claimsKey}`. */
async function rowSecurity(
  deps: ProcessorDeps,
  work: readonly Work[],
  types: ReadonlyMap<number, TypeInfo>,
): Promise<ReadonlySet<string>> {
  const groups = new Map<
    string,
    { group: RlsGroup; rows: Map<TableInfo, string[][]>; at: Map<string, number> }
  >();
  work.forEach((item, w) => {
    if (!item.table.rls || item.change.kind === 'DELETE') return;
    item.verdicts.forEach((verdict, i) => {
      if (verdict.kind !== 'match') return;
      const registration = (item.candidates[i] as BindingEntry).registration;
      let entry = groups.get(registration.claimsKey);
      if (!entry) {
        const rows = new Map<TableInfo, string[][]>();
        const { identity } = registration;
        const sub = identity.claims.sub;
        const group: RlsGroup = {
          key: registration.claimsKey,
          role: identity.role,
          claims: JSON.stringify(identity.claims),
          sub: typeof sub === 'string' ? sub : sub === undefined || sub === null ? '' : String(sub),
          rows,
        };
        entry = { group, rows, at: new Map() };
        groups.set(registration.claimsKey, entry);
      }
      const key = `${w}`;
      if (entry.at.has(key)) return;
      const keys = entry.rows.get(item.table) ?? [];
      entry.rows.set(item.table, keys);
      entry.at.set(key, keys.length);
      keys.push(item.table.primaryKey.map((name) => item.change.newRow?.get(name) ?? ''));
    });
  });
  const passed = new Set<string>();
  if (groups.size === 0) return passed;
  const xids = new Set<number>();
  for (const { at } of groups.values()) for (const w of at.keys()) xids.add(work[Number(w)]?.xid ?? 0);
  const started = performance.now();
  const visibility = await deps.rowSecurity.check(
    [...groups.values()].map((g) => g.group),
    types,
    [...xids],
  );
  for (const [claimsKey, { group, at }] of groups) {
    for (const [w, position] of at) {
      const table = work[Number(w)]?.table;
      if (table && visibility.get(group)?.get(table)?.has(position)) passed.add(`${w}:${claimsKey}`);
    }
  }
  deps.logger.debug(
    `row security: ${groups.size} claims group(s) in ${(performance.now() - started).toFixed(1)} ms`,
  );
  return passed;
}

function deliver(
  deps: ProcessorDeps,
  item: Work,
  workIndex: number,
  types: ReadonlyMap<number, TypeInfo>,
  readable: ReadonlyMap<string, ReadableColumns>,
  visible: ReadonlySet<string>,
): void {
  const needsRls = item.table.rls && item.change.kind !== 'DELETE';
  const tooLarge = approximateWalBytes(item.change) > deps.maxRecordBytes;
  const perChannel = new Map<
    Registration,
    Map<string, { ids: Set<number>; entry: BindingEntry; error?: string }>
  >();
  item.verdicts.forEach((verdict, i) => {
    const entry = item.candidates[i] as BindingEntry;
    if (verdict.kind === 'skip' || verdict.kind === 'pending') return;
    if (verdict.kind === 'match' && needsRls && !visible.has(`${workIndex}:${entry.registration.claimsKey}`))
      return;
    const error = verdict.kind === 'error' ? verdict.error : undefined;
    const selections = perChannel.get(entry.registration) ?? new Map();
    perChannel.set(entry.registration, selections);
    const key = `${entry.selectKey}\u0000${error ?? ''}`;
    const group = selections.get(key) ?? { ids: new Set<number>(), entry, error };
    group.ids.add(entry.bindingId);
    selections.set(key, group);
  });

  const shared = new Map<string, ChangeData>();
  for (const [registration, selections] of perChannel) {
    for (const [key, { ids, entry, error }] of selections) {
      if (deps.isClosed() || !registration.active) continue;
      const role = registration.identity.role;
      const cacheKey = `${role}\u0000${key}`;
      let data = shared.get(cacheKey);
      if (!data) {
        data = error
          ? errorChangeData(item.change, error)
          : buildChangeData({
              change: item.change,
              table: item.table,
              types,
              readable: readable.get(readableKey(role, item.table.oid)) ?? new Set(),
              select: entry.select ? new Set(entry.select) : null,
              newValues: item.newValues as ConvertedRow | undefined,
              oldValues: item.oldValues as ConvertedRow | undefined,
              tooLarge,
              commitTimestamp: item.commitTimestamp,
            });
        shared.set(cacheKey, data);
      }
      try {
        registration.subscription.deliver([...ids], data);
      } catch (error) {
        deps.logger.warn(`postgres_changes delivery failed: ${errorMessage(error)}`);
      }
    }
  }
}

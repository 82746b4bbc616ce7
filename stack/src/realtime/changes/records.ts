/**
 * The `data` of a postgres_changes message (realtime.md §5.3 "Record contents", §5.4), built
 * for one change as one role with one column selection sees it.
 */
import type { ChangeData } from '../contracts.ts';
import type { TableInfo, TypeInfo } from './catalog.ts';
import type { RowChange } from './transactions.ts';
import { jsonbKeyOrder } from './values.ts';

/** A converted column value: the JSON value and its jsonb text size (for the 64-byte rule). */
export interface ConvertedValue {
  readonly value: unknown;
  readonly bytes: number;
  readonly isNull: boolean;
}

export type ConvertedRow = ReadonlyMap<string, ConvertedValue>;

export const ERROR_NO_PRIMARY_KEY = 'Error 400: Bad Request, no primary key';
export const ERROR_UNAUTHORIZED = 'Error 401: Unauthorized';
export const ERROR_TOO_LARGE = 'Error 413: Payload Too Large';

/** Values longer than this are dropped from a change over the record size limit. */
const LARGE_VALUE_BYTES = 64;

export interface RecordInput {
  readonly change: RowChange;
  readonly table: TableInfo;
  readonly types: ReadonlyMap<number, TypeInfo>;
  readonly readable: ReadonlySet<string>;
  /** Selected columns, or null for all. The primary key is always included. */
  readonly select: ReadonlySet<string> | null;
  readonly newValues: ConvertedRow | undefined;
  readonly oldValues: ConvertedRow | undefined;
  readonly tooLarge: boolean;
  readonly commitTimestamp: string;
}

export function buildChangeData(input: RecordInput): ChangeData {
  const { change, table, readable, select, tooLarge } = input;
  const pk = new Set(table.primaryKey);
  const shown = (name: string) => readable.has(name) && (select === null || select.has(name) || pk.has(name));
  const fits = (value: ConvertedValue) => !tooLarge || (!value.isNull && value.bytes <= LARGE_VALUE_BYTES);

  const columns = table.columns
    .filter((column) => shown(column.name))
    .map((column) => ({ name: column.name, type: input.types.get(column.typeOid)?.name ?? 'unknown' }));
  const data: {
    -readonly [K in keyof ChangeData]: ChangeData[K];
  } = {
    schema: change.relation.namespace,
    table: change.relation.name,
    type: change.kind,
    commit_timestamp: input.commitTimestamp,
    columns,
    errors: tooLarge ? [ERROR_TOO_LARGE] : null,
  };

  if (change.kind !== 'DELETE') {
    const record: [string, unknown][] = [];
    for (const [name, value] of input.newValues ?? []) {
      if (shown(name) && fits(value)) record.push([name, value.value]);
    }
    // Unchanged TOASTed columns are not in the WAL; with replica identity full the old row has them.
    if (change.kind === 'UPDATE' && !tooLarge) {
      for (const [name, value] of input.oldValues ?? []) {
        if (!input.newValues?.has(name) && shown(name)) record.push([name, value.value]);
      }
    }
    data.record = jsonbObject(record);
  }
  if (change.kind !== 'INSERT') {
    const old: [string, unknown][] = [];
    for (const [name, value] of input.oldValues ?? []) {
      // RLS cannot be checked for a deleted row, so only its key is revealed.
      if (change.kind === 'DELETE' && table.rls && !pk.has(name)) continue;
      if (shown(name) && fits(value)) old.push([name, value.value]);
    }
    data.old_record = jsonbObject(old);
  }
  return data;
}

/** The 400/401 rows: no columns, no timestamp, empty records. */
export function errorChangeData(change: RowChange, error: string): ChangeData {
  return {
    schema: change.relation.namespace,
    table: change.relation.name,
    type: change.kind,
    commit_timestamp: null,
    columns: [],
    record: {},
    ...(change.kind === 'UPDATE' ? { old_record: {} } : {}),
    errors: [error],
  };
}

/** Keys in jsonb order, as jsonb_object_agg leaves them in the reference's records. */
function jsonbObject(entries: [string, unknown][]): Record<string, unknown> {
  entries.sort(([a], [b]) => jsonbKeyOrder(a, b));
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    // A column named `__proto__` is data like any other.
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true });
    else object[key] = value;
  }
  return object;
}

/**
 * The size the reference compares with `max_record_bytes`: the change's wal2json (format 2)
 * document. We do not build it; this estimates it from the values and per-column overhead.
 */
export function approximateWalBytes(change: RowChange): number {
  // {"action":"I","timestamp":...,"schema":...,"table":...,"columns":[...],"pk":[...]}
  let bytes = 100 + Buffer.byteLength(change.relation.namespace) + Buffer.byteLength(change.relation.name);
  for (const row of [change.newRow, change.oldRow]) {
    for (const [name, value] of row ?? []) {
      // {"name":...,"type":...,"typeoid":...,"value":...}
      bytes += 50 + Buffer.byteLength(name) + (value === null ? 4 : Buffer.byteLength(value) + 2);
    }
  }
  return bytes;
}

/**
 * Turns the pgoutput message sequence into committed transactions of row changes. pgoutput
 * (protocol 1, no streaming) sends each transaction whole, after it committed, in commit order:
 * Begin, then Relation/Type messages as needed and the changes, then Commit.
 */
import type { PgOutputMessage, Relation, ReplicaIdentity, TupleValue } from './pgoutput.ts';
import { UNCHANGED_TOAST } from './pgoutput.ts';
import { pgMicrosToIso } from './replication-protocol.ts';

export type ChangeKind = 'INSERT' | 'UPDATE' | 'DELETE';

/** A row as name → text (null for SQL NULL); absent columns were not sent (unchanged TOAST). */
export type Row = ReadonlyMap<string, string | null>;

export interface RowChange {
  readonly kind: ChangeKind;
  readonly relation: Relation;
  /** INSERT/UPDATE: the new row, without unchanged TOASTed columns. */
  readonly newRow?: Row;
  /**
   * UPDATE/DELETE: the replica identity of the old row: the key columns (with default or index
   * identity; taken from the new row when the key did not change), or the whole old row (full).
   */
  readonly oldRow?: Row;
}

export interface CommittedTransaction {
  /** The transaction id (32-bit, as pgoutput sends it). */
  readonly xid: number;
  /** `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
  readonly commitTimestamp: string;
  readonly changes: readonly RowChange[];
}

export interface TransactionAssembler {
  /** Feeds one message; returns the transaction its Commit completes. */
  handle(message: PgOutputMessage): CommittedTransaction | undefined;
  /** A new session re-sends relations; anything half-received is void. */
  reset(): void;
}

export interface AssemblerHooks {
  /** Called for every Relation message, before changes that use it. */
  readonly onRelation?: (relation: Relation) => void;
  /** Whether changes of this relation are wanted at all; others are dropped at once. */
  readonly wants: (relation: Relation, kind: ChangeKind) => boolean;
}

export function createTransactionAssembler(hooks: AssemblerHooks): TransactionAssembler {
  const relations = new Map<number, Relation>();
  let current: { xid: number; changes: RowChange[] } | undefined;

  const relationOf = (id: number): Relation => {
    const relation = relations.get(id);
    // The protocol guarantees a Relation before first use; without it the tuple cannot be read.
    if (!relation) throw new Error(`pgoutput change for unknown relation ${id}`);
    return relation;
  };

  const push = (change: RowChange) => {
    if (current && hooks.wants(change.relation, change.kind)) current.changes.push(change);
  };

  return {
    handle(message) {
      switch (message.tag) {
        case 'Begin':
          current = { xid: message.xid, changes: [] };
          return undefined;
        case 'Commit': {
          const done = current;
          current = undefined;
          if (!done) return undefined;
          return { xid: done.xid, commitTimestamp: pgMicrosToIso(message.commitTime), changes: done.changes };
        }
        case 'Relation':
          relations.set(message.relationId, message);
          hooks.onRelation?.(message);
          return undefined;
        case 'Insert': {
          const relation = relationOf(message.relationId);
          push({ kind: 'INSERT', relation, newRow: toRow(relation, message.newTuple, 'all') });
          return undefined;
        }
        case 'Update': {
          const relation = relationOf(message.relationId);
          const newRow = toRow(relation, message.newTuple, 'all');
          const oldRow = message.old
            ? toRow(relation, message.old.tuple, message.old.kind === 'key' ? 'key' : 'all')
            : keyOf(relation, newRow);
          push({ kind: 'UPDATE', relation, newRow, oldRow });
          return undefined;
        }
        case 'Delete': {
          const relation = relationOf(message.relationId);
          const oldRow = toRow(relation, message.old.tuple, message.old.kind === 'key' ? 'key' : 'all');
          push({ kind: 'DELETE', relation, oldRow });
          return undefined;
        }
        default:
          // Origin, Type, Truncate (the reference does not stream truncates), Message.
          return undefined;
      }
    },
    reset() {
      relations.clear();
      current = undefined;
    },
  };
}

/** A 'K' tuple carries every column, but only the key columns hold values. */
function toRow(relation: Relation, tuple: readonly TupleValue[], columns: 'all' | 'key'): Row {
  const row = new Map<string, string | null>();
  relation.columns.forEach((column, i) => {
    if (columns === 'key' && !column.isKey) return;
    const value = tuple[i];
    if (value === undefined || value === UNCHANGED_TOAST) return;
    row.set(column.name, value);
  });
  return row;
}

/** UPDATE without old tuple: the key did not change, so the new row's key columns are the old. */
function keyOf(relation: Relation, newRow: Row): Row {
  const identity: ReplicaIdentity = relation.replicaIdentity;
  const row = new Map<string, string | null>();
  if (identity === 'nothing') return row;
  for (const column of relation.columns) {
    if (!column.isKey) continue;
    const value = newRow.get(column.name);
    if (value !== undefined) row.set(column.name, value);
  }
  return row;
}

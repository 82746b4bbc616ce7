/**
 * Decoder for the messages of PostgreSQL's `pgoutput` logical decoding plugin, protocol
 * version 1 (PostgreSQL docs, "Logical Replication Message Formats"). Each XLogData payload is
 * one message; the names and fields below follow that page.
 */
import { BufferReader } from './buffer-reader.ts';
import { ChangesError } from './errors.ts';
import type { Lsn } from './replication-protocol.ts';

/** TupleData kind 'u': an unchanged TOASTed value the server did not send. */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');

/** A column of TupleData: text ('t'), NULL ('n') or unchanged TOAST ('u'). */
export type TupleValue = string | null | typeof UNCHANGED_TOAST;

export interface Begin {
  readonly tag: 'Begin';
  readonly finalLsn: Lsn;
  /** Commit time, microseconds since 2000-01-01 UTC. */
  readonly commitTime: bigint;
  readonly xid: number;
}

export interface Commit {
  readonly tag: 'Commit';
  readonly flags: number;
  readonly commitLsn: Lsn;
  readonly endLsn: Lsn;
  readonly commitTime: bigint;
}

export interface Origin {
  readonly tag: 'Origin';
  readonly commitLsn: Lsn;
  readonly name: string;
}

export interface RelationColumn {
  /** Flag 1: the column is part of the replica identity (the "key"). */
  readonly isKey: boolean;
  readonly name: string;
  readonly typeId: number;
  readonly typeMod: number;
}

export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface Relation {
  readonly tag: 'Relation';
  readonly relationId: number;
  /** `pg_catalog` when the server sends the empty string. */
  readonly namespace: string;
  readonly name: string;
  readonly replicaIdentity: ReplicaIdentity;
  readonly columns: readonly RelationColumn[];
}

export interface TypeMessage {
  readonly tag: 'Type';
  readonly typeId: number;
  readonly namespace: string;
  readonly name: string;
}

export interface Insert {
  readonly tag: 'Insert';
  readonly relationId: number;
  readonly newTuple: readonly TupleValue[];
}

/** 'K': only replica identity columns are meaningful; 'O': the whole old row (identity full). */
export type OldTupleKind = 'key' | 'old';

export interface Update {
  readonly tag: 'Update';
  readonly relationId: number;
  /** Absent unless the key changed or the table has replica identity full. */
  readonly old?: { readonly kind: OldTupleKind; readonly tuple: readonly TupleValue[] };
  readonly newTuple: readonly TupleValue[];
}

export interface Delete {
  readonly tag: 'Delete';
  readonly relationId: number;
  readonly old: { readonly kind: OldTupleKind; readonly tuple: readonly TupleValue[] };
}

export interface Truncate {
  readonly tag: 'Truncate';
  readonly cascade: boolean;
  readonly restartIdentity: boolean;
  readonly relationIds: readonly number[];
}

export interface LogicalMessage {
  readonly tag: 'Message';
  readonly transactional: boolean;
  readonly lsn: Lsn;
  readonly prefix: string;
  readonly content: Buffer;
}

export type PgOutputMessage =
  | Begin
  | Commit
  | Origin
  | Relation
  | TypeMessage
  | Insert
  | Update
  | Delete
  | Truncate
  | LogicalMessage;

const REPLICA_IDENTITY: Record<string, ReplicaIdentity> = {
  d: 'default',
  n: 'nothing',
  f: 'full',
  i: 'index',
};

export function decodePgOutput(message: Buffer): PgOutputMessage {
  if (message.length === 0) {
    throw new ChangesError('changes_protocol_error', 'pgoutput: empty message');
  }
  const tag = String.fromCharCode(message[0] as number);
  const decoder = DECODERS[tag];
  if (!decoder) {
    throw new ChangesError('changes_protocol_error', `pgoutput: unknown message type ${JSON.stringify(tag)}`);
  }
  const reader = new BufferReader(message, `pgoutput ${decoder.name}`);
  reader.uint8();
  const decoded = decoder.decode(reader);
  reader.end();
  return decoded;
}

const DECODERS: Record<string, { name: string; decode: (r: BufferReader) => PgOutputMessage }> = {
  B: {
    name: 'Begin',
    decode: (r) => ({ tag: 'Begin', finalLsn: r.uint64(), commitTime: r.int64(), xid: r.uint32() }),
  },
  C: {
    name: 'Commit',
    decode: (r) => ({
      tag: 'Commit',
      flags: r.uint8(),
      commitLsn: r.uint64(),
      endLsn: r.uint64(),
      commitTime: r.int64(),
    }),
  },
  O: { name: 'Origin', decode: (r) => ({ tag: 'Origin', commitLsn: r.uint64(), name: r.cstring() }) },
  R: { name: 'Relation', decode: decodeRelation },
  Y: {
    name: 'Type',
    decode: (r) => ({
      tag: 'Type',
      typeId: r.uint32(),
      namespace: namespace(r.cstring()),
      name: r.cstring(),
    }),
  },
  I: {
    name: 'Insert',
    decode: (r) => {
      const relationId = r.uint32();
      expectKind(r, 'N');
      return { tag: 'Insert', relationId, newTuple: decodeTupleData(r) };
    },
  },
  U: { name: 'Update', decode: decodeUpdate },
  D: {
    name: 'Delete',
    decode: (r) => {
      const relationId = r.uint32();
      const kind = oldTupleKind(r.char());
      if (!kind) throw protocolError('Delete', 'expected K or O');
      return { tag: 'Delete', relationId, old: { kind, tuple: decodeTupleData(r) } };
    },
  },
  T: {
    name: 'Truncate',
    decode: (r) => {
      const count = r.uint32();
      const options = r.uint8();
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(r.uint32());
      return {
        tag: 'Truncate',
        cascade: (options & 1) !== 0,
        restartIdentity: (options & 2) !== 0,
        relationIds,
      };
    },
  },
  M: {
    name: 'Message',
    decode: (r) => {
      const transactional = r.uint8() === 1;
      const lsn = r.uint64();
      const prefix = r.cstring();
      const content = r.bytes(r.uint32());
      return { tag: 'Message', transactional, lsn, prefix, content };
    },
  },
};

function decodeRelation(r: BufferReader): Relation {
  const relationId = r.uint32();
  const ns = namespace(r.cstring());
  const name = r.cstring();
  const identityChar = r.char();
  const replicaIdentity = REPLICA_IDENTITY[identityChar];
  if (!replicaIdentity)
    throw protocolError('Relation', `unknown replica identity ${JSON.stringify(identityChar)}`);
  const count = r.int16();
  const columns: RelationColumn[] = [];
  for (let i = 0; i < count; i++) {
    const flags = r.uint8();
    columns.push({ isKey: (flags & 1) !== 0, name: r.cstring(), typeId: r.uint32(), typeMod: r.int32() });
  }
  return { tag: 'Relation', relationId, namespace: ns, name, replicaIdentity, columns };
}

function decodeUpdate(r: BufferReader): Update {
  const relationId = r.uint32();
  let kind = r.char();
  let old: Update['old'];
  const oldKind = oldTupleKind(kind);
  if (oldKind) {
    old = { kind: oldKind, tuple: decodeTupleData(r) };
    kind = r.char();
  }
  if (kind !== 'N') throw protocolError('Update', `expected N, got ${JSON.stringify(kind)}`);
  const newTuple = decodeTupleData(r);
  return old ? { tag: 'Update', relationId, old, newTuple } : { tag: 'Update', relationId, newTuple };
}

/** TupleData: Int16 column count, then per column a kind byte and, for 't', Int32 length + text. */
function decodeTupleData(r: BufferReader): TupleValue[] {
  const count = r.int16();
  const values: TupleValue[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.char();
    if (kind === 'n') values.push(null);
    else if (kind === 'u') values.push(UNCHANGED_TOAST);
    else if (kind === 't') values.push(r.utf8(r.int32()));
    // 'b' (binary) only appears when the `binary` option is requested, which we never do.
    else throw protocolError('TupleData', `unsupported column kind ${JSON.stringify(kind)}`);
  }
  return values;
}

function expectKind(r: BufferReader, expected: string): void {
  const kind = r.char();
  if (kind !== expected) throw protocolError('tuple', `expected ${expected}, got ${JSON.stringify(kind)}`);
}

function oldTupleKind(kind: string): OldTupleKind | undefined {
  return kind === 'K' ? 'key' : kind === 'O' ? 'old' : undefined;
}

function namespace(name: string): string {
  return name === '' ? 'pg_catalog' : name;
}

function protocolError(what: string, detail: string): ChangesError {
  return new ChangesError('changes_protocol_error', `pgoutput ${what}: ${detail}`);
}

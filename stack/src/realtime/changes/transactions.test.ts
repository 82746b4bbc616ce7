import { describe, expect, it } from 'vitest';
import { broadcastOf, isMessagesRelation } from './broadcasts.ts';
import { type PgOutputMessage, type Relation, UNCHANGED_TOAST } from './pgoutput.ts';
import { createTransactionAssembler, type RowChange } from './transactions.ts';

const relation = (overrides: Partial<Relation> = {}): Relation => ({
  tag: 'Relation',
  relationId: 7,
  namespace: 'public',
  name: 'todos',
  replicaIdentity: 'default',
  columns: [
    { isKey: true, name: 'id', typeId: 23, typeMod: -1 },
    { isKey: false, name: 'task', typeId: 25, typeMod: -1 },
    { isKey: false, name: 'notes', typeId: 25, typeMod: -1 },
  ],
  ...overrides,
});

const begin = (xid: number): PgOutputMessage => ({ tag: 'Begin', finalLsn: 1n, commitTime: 0n, xid });
const commit: PgOutputMessage = { tag: 'Commit', flags: 0, commitLsn: 1n, endLsn: 2n, commitTime: 1_000n };

function assemble(messages: PgOutputMessage[], wants = () => true) {
  const relations: Relation[] = [];
  const assembler = createTransactionAssembler({ wants, onRelation: (r) => relations.push(r) });
  const transactions = messages.map((m) => assembler.handle(m)).filter((t) => t !== undefined);
  return { transactions, relations, assembler };
}

const rows = (change: RowChange | undefined) => ({
  kind: change?.kind,
  newRow: change?.newRow && Object.fromEntries(change.newRow),
  oldRow: change?.oldRow && Object.fromEntries(change.oldRow),
});

describe('createTransactionAssembler', () => {
  it('hands over whole transactions at Commit, with xid and commit timestamp', () => {
    const { transactions, relations } = assemble([
      begin(42),
      relation(),
      { tag: 'Insert', relationId: 7, newTuple: ['1', 'a', null] },
      { tag: 'Delete', relationId: 7, old: { kind: 'key', tuple: ['1', null, null] } },
      commit,
    ]);
    expect(relations).toHaveLength(1);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ xid: 42, commitTimestamp: '2000-01-01T00:00:00.001Z' });
    expect(rows(transactions[0]?.changes[0])).toEqual({
      kind: 'INSERT',
      newRow: { id: '1', task: 'a', notes: null },
      oldRow: undefined,
    });
    // A key tuple carries every column; only the key columns hold values.
    expect(rows(transactions[0]?.changes[1])).toEqual({
      kind: 'DELETE',
      newRow: undefined,
      oldRow: { id: '1' },
    });
  });

  it('builds the old row of an UPDATE from the replica identity', () => {
    const update = (
      rel: Relation,
      message: Omit<Extract<PgOutputMessage, { tag: 'Update' }>, 'tag' | 'relationId'>,
    ) =>
      rows(
        assemble([begin(1), rel, { tag: 'Update', relationId: 7, ...message }, commit]).transactions[0]
          ?.changes[0],
      );
    // Key unchanged: no old tuple, the key comes from the new row; unchanged TOAST is absent.
    expect(update(relation(), { newTuple: ['1', 'b', UNCHANGED_TOAST] })).toEqual({
      kind: 'UPDATE',
      newRow: { id: '1', task: 'b' },
      oldRow: { id: '1' },
    });
    expect(
      update(relation(), { old: { kind: 'key', tuple: ['9', null, null] }, newTuple: ['1', 'b', 'c'] })
        .oldRow,
    ).toEqual({
      id: '9',
    });
    expect(
      update(relation({ replicaIdentity: 'full' }), {
        old: { kind: 'old', tuple: ['1', 'a', 'n'] },
        newTuple: ['1', 'b', 'n'],
      }).oldRow,
    ).toEqual({ id: '1', task: 'a', notes: 'n' });
    expect(update(relation({ replicaIdentity: 'nothing' }), { newTuple: ['1', 'b', 'c'] }).oldRow).toEqual(
      {},
    );
  });

  it('drops changes nobody wants at once, and forgets half-received transactions on reset', () => {
    const { transactions } = assemble(
      [begin(1), relation(), { tag: 'Insert', relationId: 7, newTuple: ['1', 'a', null] }, commit],
      () => false,
    );
    expect(transactions[0]?.changes).toEqual([]);

    const { assembler } = assemble([
      begin(2),
      relation(),
      { tag: 'Insert', relationId: 7, newTuple: ['1', 'a', null] },
    ]);
    assembler.reset();
    expect(assembler.handle(commit)).toBeUndefined();
    expect(() => assembler.handle({ tag: 'Insert', relationId: 7, newTuple: [] })).toThrow(
      /unknown relation 7/,
    );
  });
});

describe('broadcastOf', () => {
  const messages = relation({
    namespace: 'realtime',
    name: 'messages',
    columns: [
      'topic',
      'extension',
      'payload',
      'event',
      'private',
      'updated_at',
      'inserted_at',
      'id',
      'binary_payload',
    ].map((name) => ({ isKey: name === 'id', name, typeId: 25, typeMod: -1 })),
  });
  const insert = (values: Record<string, string | null>): RowChange => ({
    kind: 'INSERT',
    relation: messages,
    newRow: new Map(
      Object.entries({
        topic: 'room',
        extension: 'broadcast',
        event: 'e',
        private: 'f',
        inserted_at: '2025-01-01 00:00:00',
        id: 'row-id',
        payload: null,
        binary_payload: null,
        ...values,
      }),
    ),
  });

  it('turns inserted rows into broadcasts, binary payload first', () => {
    expect(isMessagesRelation(messages)).toBe(true);
    expect(isMessagesRelation(relation({ namespace: 'realtime', name: 'messages_2025_01_01' }))).toBe(true);
    expect(isMessagesRelation(relation({ namespace: 'public', name: 'messages' }))).toBe(false);
    expect(broadcastOf(insert({ payload: '{"a": 1}', private: 't' }))).toEqual({
      topic: 'room',
      private: true,
      event: 'e',
      payload: { kind: 'json', value: { a: 1 } },
      origin: 'database',
      meta: { id: 'row-id' },
    });
    expect(broadcastOf(insert({ payload: '{"a": 1}', binary_payload: '\\x0aff' }))?.payload).toEqual({
      kind: 'binary',
      bytes: new Uint8Array([10, 255]),
    });
  });

  it('ignores rows without a payload or a required column, and anything but inserts', () => {
    expect(broadcastOf(insert({}))).toBeUndefined();
    for (const column of ['id', 'topic', 'event', 'private', 'inserted_at']) {
      expect(broadcastOf(insert({ payload: '{}', [column]: null })), column).toBeUndefined();
    }
    expect(broadcastOf({ ...insert({ payload: '{}' }), kind: 'UPDATE' })).toBeUndefined();
  });
});

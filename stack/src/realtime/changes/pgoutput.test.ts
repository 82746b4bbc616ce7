import { describe, expect, it } from 'vitest';
import { ChangesError } from './errors.ts';
import { decodePgOutput, type PgOutputMessage, UNCHANGED_TOAST } from './pgoutput.ts';
import {
  decodeReplicationMessage,
  encodeStandbyStatusUpdate,
  formatLsn,
  msToPgMicros,
  parseLsn,
  pgMicrosToIso,
} from './replication-protocol.ts';

/** Builds protocol messages byte by byte, the way the server lays them out. */
class Bytes {
  private readonly parts: Buffer[] = [];
  char(c: string) {
    this.parts.push(Buffer.from(c, 'latin1'));
    return this;
  }
  u8(n: number) {
    this.parts.push(Buffer.from([n]));
    return this;
  }
  i16(n: number) {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    this.parts.push(b);
    return this;
  }
  i32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    this.parts.push(b);
    return this;
  }
  u32(n: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.parts.push(b);
    return this;
  }
  i64(n: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    this.parts.push(b);
    return this;
  }
  str(s: string) {
    this.parts.push(Buffer.from(s, 'utf8'), Buffer.from([0]));
    return this;
  }
  text(s: string) {
    const bytes = Buffer.from(s, 'utf8');
    this.char('t').i32(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  build() {
    return Buffer.concat(this.parts);
  }
}

/** 2025-11-03T09:32:55.123456Z in pgoutput's unit: microseconds since 2000-01-01. */
const COMMIT_TIME = BigInt(Date.UTC(2025, 10, 3, 9, 32, 55, 123) - Date.UTC(2000, 0, 1)) * 1000n + 456n;

const relation = new Bytes()
  .char('R')
  .u32(16_390)
  .str('public')
  .str('todos')
  .char('d')
  .i16(3)
  .u8(1)
  .str('id')
  .u32(20)
  .i32(-1)
  .u8(0)
  .str('task')
  .u32(25)
  .i32(-1)
  .u8(0)
  .str('note')
  .u32(1043)
  .i32(36)
  .build();

const samples: [string, Buffer, PgOutputMessage][] = [
  [
    'Begin',
    new Bytes().char('B').i64(0x16b374d848n).i64(COMMIT_TIME).u32(4_000_000_000).build(),
    { tag: 'Begin', finalLsn: 0x16b374d848n, commitTime: COMMIT_TIME, xid: 4_000_000_000 },
  ],
  [
    'Commit',
    new Bytes().char('C').u8(0).i64(10n).i64(20n).i64(COMMIT_TIME).build(),
    { tag: 'Commit', flags: 0, commitLsn: 10n, endLsn: 20n, commitTime: COMMIT_TIME },
  ],
  [
    'Origin',
    new Bytes().char('O').i64(7n).str('node-a').build(),
    { tag: 'Origin', commitLsn: 7n, name: 'node-a' },
  ],
  [
    'Relation',
    relation,
    {
      tag: 'Relation',
      relationId: 16_390,
      namespace: 'public',
      name: 'todos',
      replicaIdentity: 'default',
      columns: [
        { isKey: true, name: 'id', typeId: 20, typeMod: -1 },
        { isKey: false, name: 'task', typeId: 25, typeMod: -1 },
        { isKey: false, name: 'note', typeId: 1043, typeMod: 36 },
      ],
    },
  ],
  [
    'Relation in pg_catalog (empty namespace), replica identity full',
    new Bytes().char('R').u32(5).str('').str('t').char('f').i16(0).build(),
    {
      tag: 'Relation',
      relationId: 5,
      namespace: 'pg_catalog',
      name: 't',
      replicaIdentity: 'full',
      columns: [],
    },
  ],
  [
    'Type',
    new Bytes().char('Y').u32(16_400).str('public').str('mood').build(),
    { tag: 'Type', typeId: 16_400, namespace: 'public', name: 'mood' },
  ],
  [
    'Insert with text, null and unicode',
    new Bytes().char('I').u32(16_390).char('N').i16(3).text('42').char('n').text('héllo ✓').build(),
    { tag: 'Insert', relationId: 16_390, newTuple: ['42', null, 'héllo ✓'] },
  ],
  [
    'Update without old tuple, unchanged TOAST',
    new Bytes().char('U').u32(16_390).char('N').i16(3).text('42').text('x').char('u').build(),
    { tag: 'Update', relationId: 16_390, newTuple: ['42', 'x', UNCHANGED_TOAST] },
  ],
  [
    'Update with key tuple',
    new Bytes().char('U').u32(1).char('K').i16(1).text('1').char('N').i16(1).text('2').build(),
    { tag: 'Update', relationId: 1, old: { kind: 'key', tuple: ['1'] }, newTuple: ['2'] },
  ],
  [
    'Update with old tuple (replica identity full)',
    new Bytes()
      .char('U')
      .u32(1)
      .char('O')
      .i16(2)
      .text('1')
      .text('a')
      .char('N')
      .i16(2)
      .text('1')
      .text('b')
      .build(),
    { tag: 'Update', relationId: 1, old: { kind: 'old', tuple: ['1', 'a'] }, newTuple: ['1', 'b'] },
  ],
  [
    'Delete with key tuple',
    new Bytes().char('D').u32(1).char('K').i16(2).text('1').char('n').build(),
    { tag: 'Delete', relationId: 1, old: { kind: 'key', tuple: ['1', null] } },
  ],
  [
    'Delete with old tuple',
    new Bytes().char('D').u32(1).char('O').i16(1).text('').build(),
    { tag: 'Delete', relationId: 1, old: { kind: 'old', tuple: [''] } },
  ],
  [
    'Truncate',
    new Bytes().char('T').u32(2).u8(3).u32(10).u32(11).build(),
    { tag: 'Truncate', cascade: true, restartIdentity: true, relationIds: [10, 11] },
  ],
  [
    'Message',
    new Bytes().char('M').u8(1).i64(99n).str('pfx').u32(3).char('abc').build(),
    { tag: 'Message', transactional: true, lsn: 99n, prefix: 'pfx', content: Buffer.from('abc') },
  ],
];

function protocolError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodePgOutput', () => {
  it.each(samples)('decodes %s', (_name, bytes, expected) => {
    expect(decodePgOutput(bytes)).toEqual(expected);
  });

  it.each(samples)('rejects every truncation of %s with a protocol error', (_name, bytes) => {
    for (let length = 0; length < bytes.length; length++) {
      const error = protocolError(() => decodePgOutput(bytes.subarray(0, length)));
      expect(error, `prefix of ${length} bytes`).toBeInstanceOf(ChangesError);
      expect((error as ChangesError).code).toBe('changes_protocol_error');
    }
  });

  it('rejects trailing bytes, unknown messages and binary tuple data', () => {
    expect(() => decodePgOutput(Buffer.concat([relation, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodePgOutput(Buffer.from('Z'))).toThrow(/unknown message type "Z"/);
    expect(() => decodePgOutput(new Bytes().char('I').u32(1).char('N').i16(1).char('b').build())).toThrow(
      /unsupported column kind "b"/,
    );
    expect(() => decodePgOutput(new Bytes().char('D').u32(1).char('N').i16(0).build())).toThrow(
      /expected K or O/,
    );
    expect(() =>
      decodePgOutput(new Bytes().char('R').u32(1).str('s').str('t').char('x').i16(0).build()),
    ).toThrow(/unknown replica identity/);
    expect(() =>
      decodePgOutput(new Bytes().char('I').u32(1).char('N').i16(1).char('t').i32(-5).build()),
    ).toThrow(/negative length/);
  });
});

describe('the replication sub-protocol', () => {
  it('decodes XLogData and keeps the payload', () => {
    const payload = new Bytes().char('C').u8(0).i64(1n).i64(2n).i64(3n).build();
    const message = new Bytes().char('w').i64(100n).i64(200n).i64(300n).build();
    expect(decodeReplicationMessage(Buffer.concat([message, payload]))).toEqual({
      type: 'XLogData',
      walStart: 100n,
      walEnd: 200n,
      sendTime: 300n,
      data: payload,
    });
  });

  it('decodes keepalives with and without reply request', () => {
    const keepalive = (reply: number) => new Bytes().char('k').i64(0x1_0000_0001n).i64(5n).u8(reply).build();
    expect(decodeReplicationMessage(keepalive(1))).toEqual({
      type: 'PrimaryKeepalive',
      walEnd: 0x1_0000_0001n,
      sendTime: 5n,
      replyRequested: true,
    });
    expect(decodeReplicationMessage(keepalive(0))).toMatchObject({ replyRequested: false });
    for (let length = 0; length < 18; length++) {
      expect(() => decodeReplicationMessage(keepalive(1).subarray(0, length))).toThrow(ChangesError);
    }
    expect(() => decodeReplicationMessage(Buffer.from('q'))).toThrow(/unknown kind "q"/);
  });

  it('encodes standby status updates with the position three times and the clock', () => {
    const update = encodeStandbyStatusUpdate({ lsn: 0xabcdefn, nowMs: Date.UTC(2000, 0, 1, 0, 0, 1) });
    expect(update.length).toBe(34);
    expect(update.toString('latin1', 0, 1)).toBe('r');
    expect([update.readBigUInt64BE(1), update.readBigUInt64BE(9), update.readBigUInt64BE(17)]).toEqual([
      0xabcdefn,
      0xabcdefn,
      0xabcdefn,
    ]);
    expect(update.readBigInt64BE(25)).toBe(1_000_000n);
    expect(update[33]).toBe(0);
    expect(encodeStandbyStatusUpdate({ lsn: 0n, nowMs: 0, replyRequested: true })[33]).toBe(1);
  });

  it('parses and prints LSNs', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(formatLsn(0x16b374d848n)).toBe('16/B374D848');
    expect(formatLsn(parseLsn('0/0'))).toBe('0/0');
    expect(() => parseLsn('16-B374D848')).toThrow(ChangesError);
  });

  it('prints commit times as the reference does: UTC, milliseconds truncated', () => {
    expect(pgMicrosToIso(COMMIT_TIME)).toBe('2025-11-03T09:32:55.123Z');
    expect(pgMicrosToIso(999n)).toBe('2000-01-01T00:00:00.000Z');
    expect(pgMicrosToIso(-1n)).toBe('1999-12-31T23:59:59.999Z');
    expect(msToPgMicros(Date.UTC(2000, 0, 1))).toBe(0n);
  });
});

/**
 * The streaming replication sub-protocol carried in CopyData once START_REPLICATION runs
 * (PostgreSQL docs, "Streaming Replication Protocol"): the server sends XLogData ('w') and
 * Primary keepalive ('k') messages; the client answers with Standby status updates ('r').
 */
import { BufferReader } from './buffer-reader.ts';
import { ChangesError } from './errors.ts';

/** A WAL position. Postgres prints it as two hex halves, `16/B374D848`. */
export type Lsn = bigint;

/** Microseconds from the Unix epoch to Postgres's epoch, 2000-01-01 00:00 UTC. */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

export interface XLogData {
  readonly type: 'XLogData';
  readonly walStart: Lsn;
  readonly walEnd: Lsn;
  /** Server clock, microseconds since 2000-01-01. */
  readonly sendTime: bigint;
  /** One pgoutput message. */
  readonly data: Buffer;
}

export interface PrimaryKeepalive {
  readonly type: 'PrimaryKeepalive';
  readonly walEnd: Lsn;
  readonly sendTime: bigint;
  /** The server disconnects us if no status update follows soon. */
  readonly replyRequested: boolean;
}

export type ReplicationMessage = XLogData | PrimaryKeepalive;

export function decodeReplicationMessage(message: Buffer): ReplicationMessage {
  const reader = new BufferReader(message, 'replication message');
  const kind = reader.char();
  if (kind === 'w') {
    const walStart = reader.uint64();
    const walEnd = reader.uint64();
    const sendTime = reader.int64();
    return { type: 'XLogData', walStart, walEnd, sendTime, data: reader.rest() };
  }
  if (kind === 'k') {
    const walEnd = reader.uint64();
    const sendTime = reader.int64();
    const replyRequested = reader.uint8() === 1;
    reader.end();
    return { type: 'PrimaryKeepalive', walEnd, sendTime, replyRequested };
  }
  throw new ChangesError(
    'changes_protocol_error',
    `replication message: unknown kind ${JSON.stringify(kind)}`,
  );
}

export interface StandbyStatus {
  /** Everything up to here is received, stored and applied: the server may recycle the WAL. */
  readonly lsn: Lsn;
  readonly nowMs: number;
  readonly replyRequested?: boolean;
}

/** Standby status update: written, flushed and applied positions, clock, reply flag. */
export function encodeStandbyStatusUpdate(status: StandbyStatus): Buffer {
  const message = Buffer.alloc(34);
  message.write('r', 0, 'latin1');
  message.writeBigUInt64BE(status.lsn, 1);
  message.writeBigUInt64BE(status.lsn, 9);
  message.writeBigUInt64BE(status.lsn, 17);
  message.writeBigInt64BE(msToPgMicros(status.nowMs), 25);
  message.writeUInt8(status.replyRequested ? 1 : 0, 33);
  return message;
}

export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new ChangesError('changes_protocol_error', `not an LSN: ${JSON.stringify(text)}`);
  }
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function msToPgMicros(ms: number): bigint {
  return BigInt(Math.round(ms * 1000)) - PG_EPOCH_MICROS;
}

/**
 * A pgoutput timestamp (µs since 2000-01-01) as the reference's `commit_timestamp`:
 * `YYYY-MM-DDTHH:MM:SS.mmmZ`, milliseconds truncated like `to_char(..., 'MS')`.
 */
export function pgMicrosToIso(micros: bigint): string {
  const unixMicros = micros + PG_EPOCH_MICROS;
  // Floor division, so an instant before 1970 still truncates towards the past.
  const ms = unixMicros >= 0n ? unixMicros / 1000n : -((-unixMicros + 999n) / 1000n);
  return new Date(Number(ms)).toISOString();
}

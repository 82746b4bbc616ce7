import { ChangesError } from './errors.ts';

/**
 * Sequential big-endian reads over one protocol message. Every read checks the bounds, so a
 * truncated message raises `changes_protocol_error` instead of yielding garbage.
 */
export class BufferReader {
  private offset = 0;

  constructor(
    private readonly buffer: Buffer,
    /** Named in errors, e.g. `pgoutput Insert`. */
    private readonly what: string,
  ) {}

  uint8(): number {
    this.need(1);
    return this.buffer.readUInt8(this.offset++);
  }

  /** One byte read as an ASCII letter, as the protocol's kind bytes are documented. */
  char(): string {
    return String.fromCharCode(this.uint8());
  }

  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  uint64(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** A NUL-terminated UTF-8 string (the protocol's `String`). */
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end < 0) this.fail('unterminated string');
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  utf8(length: number): string {
    return this.bytes(length).toString('utf8');
  }

  bytes(length: number): Buffer {
    if (length < 0) this.fail(`negative length ${length}`);
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  rest(): Buffer {
    const value = this.buffer.subarray(this.offset);
    this.offset = this.buffer.length;
    return value;
  }

  /** Messages have a fixed layout: bytes left over mean we misread it. */
  end(): void {
    if (this.offset !== this.buffer.length) {
      this.fail(`${this.buffer.length - this.offset} unexpected trailing bytes`);
    }
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) {
      this.fail(`truncated at byte ${this.offset} (needs ${bytes} more)`);
    }
  }

  private fail(detail: string): never {
    throw new ChangesError('changes_protocol_error', `${this.what}: ${detail}`);
  }
}

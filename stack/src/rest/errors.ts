import { WatchroomError } from '../lib/errors.ts';

/**
 * An error answered in PostgREST's shape: `{ code, details, hint, message }` with its HTTP
 * status. `code` is a PGRSTxxx code or a SQLSTATE.
 */
export class PostgrestError extends WatchroomError<string> {
  readonly status: number;
  readonly details: string | null;
  readonly hint: string | null;
  /** Extra response headers (WWW-Authenticate, or those a `RAISE SQLSTATE 'PGRST'` set). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      details?: string | null;
      hint?: string | null;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, { cause: extra.cause });
    this.status = status;
    this.details = extra.details ?? null;
    this.hint = extra.hint ?? null;
    this.headers = extra.headers ?? {};
  }

  toJSON(): { code: string; details: string | null; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

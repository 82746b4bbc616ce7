import { WatchroomError } from '../../lib/errors.ts';

export interface BootstrapFailure {
  /** The bootstrap SQL file that failed, e.g. `03a_auth_tables.sql`. */
  readonly file: string;
  /**
   * 1-based line in that file: of the error position when Postgres gives one, else of the
   * failing statement's start. Undefined when the failure came before any file ran.
   */
  readonly line: number | undefined;
  /** Postgres' own message, without our framing. */
  readonly postgresMessage: string;
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** Postgres' context, e.g. the line inside a DO block. */
  readonly where: string | undefined;
}

/** The platform bootstrap failed; its transaction was rolled back, the database is unchanged. */
export class BootstrapError extends WatchroomError<'bootstrap_failed'> {
  readonly file: string;
  readonly line: number | undefined;
  readonly postgresMessage: string;
  readonly sqlState: string | undefined;

  constructor(
    readonly failure: BootstrapFailure,
    options?: { cause?: unknown },
  ) {
    super('bootstrap_failed', describe(failure), options);
    this.file = failure.file;
    this.line = failure.line;
    this.postgresMessage = failure.postgresMessage;
    this.sqlState = failure.sqlState;
  }
}

function describe(failure: BootstrapFailure): string {
  const at = failure.line === undefined ? failure.file : `${failure.file}:${failure.line}`;
  const state = failure.sqlState ? ` (SQLSTATE ${failure.sqlState})` : '';
  const lines = [`platform bootstrap failed in ${at}: ${failure.postgresMessage}${state}`];
  if (failure.detail) lines.push(`DETAIL: ${failure.detail}`);
  if (failure.hint) lines.push(`HINT: ${failure.hint}`);
  if (failure.where) lines.push(`CONTEXT: ${failure.where}`);
  return lines.join('\n');
}

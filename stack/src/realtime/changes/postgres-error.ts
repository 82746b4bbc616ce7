import { SQLSTATE_NAMES } from './sqlstate-names.ts';

/** The fields of a Postgres ErrorResponse that postgres.js exposes on its errors. */
export interface PostgresErrorFields {
  readonly severity?: string;
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly table_name?: string;
  readonly column_name?: string;
  readonly constraint_name?: string;
}

/** An error Postgres answered with, as opposed to a lost connection or a bug of ours. */
export function isPostgresError(error: unknown): error is PostgresErrorFields & Error {
  return (
    error instanceof Error &&
    error.name === 'PostgresError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** SQLSTATE classes that mean "the server went away", not "the statement is wrong". */
export function isConnectionFailure(error: unknown): boolean {
  if (!isPostgresError(error)) return true;
  const code = error.code ?? '';
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/**
 * Postgrex's wording of a database error, which the reference server appends to its
 * subscription errors: `ERROR 22P02 (invalid_text_representation) invalid input syntax ...`,
 * then table/column/constraint/hint lines and the detail, as `Postgrex.Error.message/1` does.
 */
export function postgrexMessage(error: PostgresErrorFields): string {
  const code = error.code ?? 'XX000';
  const name = SQLSTATE_NAMES[code] ?? 'internal_error';
  let text = `${error.severity ?? 'ERROR'} ${code} (${name}) ${error.message ?? ''}`;
  const metadata = [
    ['table', error.table_name],
    ['column', error.column_name],
    ['constraint', error.constraint_name],
    ['hint', error.hint],
  ].filter(([, value]) => value);
  if (metadata.length > 0) text += `\n${metadata.map(([key, value]) => `\n    ${key}: ${value}`).join('')}`;
  if (error.detail) text += `\n\n${error.detail}`;
  return text;
}

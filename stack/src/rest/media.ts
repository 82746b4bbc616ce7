import { PostgrestError } from './errors.ts';

/** What a response body is rendered as. */
export type MediaType = 'json' | 'object' | 'csv';

const OBJECT = 'application/vnd.pgrst.object+json';

/**
 * Negotiates the response media type from `Accept` as PostgREST does: JSON by default, a single
 * object for `vnd.pgrst.object(+json)`, CSV for `text/csv`; anything else we cannot produce is
 * 406 PGRST107.
 */
export function negotiate(accept: string | null): MediaType {
  if (!accept) return 'json';
  const types = accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .filter(Boolean);
  for (const type of types) {
    if (type === OBJECT || type === 'application/vnd.pgrst.object') return 'object';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
    if (type === 'text/csv') return 'csv';
  }
  throw new PostgrestError(406, 'PGRST107', `None of these media types are available: ${types.join(', ')}`);
}

export function contentTypeOf(media: MediaType): string {
  if (media === 'csv') return 'text/csv; charset=utf-8';
  if (media === 'object') return `${OBJECT}; charset=utf-8`;
  return 'application/json; charset=utf-8';
}

/** 406 PGRST116 for a singular response over anything but exactly one row. */
export function notSingular(rows: number): PostgrestError {
  return new PostgrestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', {
    details: `The result contains ${rows} rows`,
  });
}

/** Rows as CSV: a header of column names, then one line per row; nested values as JSON. */
export function toCsv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const header = rows[0] ? Object.keys(rows[0]) : columns;
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(header.map((key) => csvValue(row[key])).join(','));
  return lines.join('\n');
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return csvField(JSON.stringify(value));
  return csvField(String(value));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

import type { MediaType } from '../media.ts';

/**
 * Select-list expressions over the rows `r` of `... from (<rows>) as r` that PostgREST's main
 * statement computes next to the rows: the body in the negotiated media type and the response
 * settings a function may have set.
 */

/**
 * The response body as text. JSON is the rows as an array; a singular response the first row
 * (the caller checks there is exactly one); CSV is PostgREST's: the first row's keys as the
 * header, then each row's PostgreSQL text form without its parentheses.
 */
export function bodySql(media: MediaType, stripNulls = false): string {
  // json_strip_nulls drops null-valued keys at every depth, embedded objects included.
  const strip = (json: string) => (stripNulls ? `json_strip_nulls(${json})` : json);
  switch (media) {
    case 'object':
      return `(${strip('json_agg(r)->0')})::text`;
    case 'csv': {
      const header = `coalesce((select string_agg(k, ',') from json_object_keys(json_agg(r)->0) as k), '')`;
      const lines = `coalesce(string_agg(substring(r::text, 2, length(r::text) - 2), E'\\n'), '')`;
      return `${header} || E'\\n' || ${lines}`;
    }
    case 'json':
      return `${strip(`coalesce(json_agg(r), '[]'::json)`)}::text`;
  }
}

/** `response.headers` / `response.status` as set by the request's SQL, read in the same statement. */
export const RESPONSE_SETTINGS_SQL = `nullif(current_setting('response.headers', true), '') as response_headers,
  nullif(current_setting('response.status', true), '') as response_status`;

/** The two settings as the statement returns them. */
export interface ResponseSettings {
  readonly response_headers: string | null;
  readonly response_status: string | null;
}

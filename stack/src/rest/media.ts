import { PostgrestError } from './errors.ts';

/** What a response body is rendered as. */
export type MediaType = 'json' | 'object' | 'csv';

/** The negotiated media type; `nulls=stripped` drops null-valued keys from JSON objects. */
export interface Negotiated {
  readonly media: MediaType;
  readonly stripNulls: boolean;
}

const OBJECT = 'application/vnd.pgrst.object+json';
const ARRAY = 'application/vnd.pgrst.array+json';

const JSON_TYPES: Readonly<Record<string, MediaType>> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  [ARRAY]: 'json',
  'application/vnd.pgrst.array': 'json',
  [OBJECT]: 'object',
  'application/vnd.pgrst.object': 'object',
};

/**
 * Negotiates the response media type from `Accept` as PostgREST does, in the client's order:
 * JSON by default, a single object for `vnd.pgrst.object(+json)`, CSV for `text/csv`, and
 * `nulls=stripped` on the `vnd.pgrst` array and object types (supabase-js `stripNulls()`);
 * anything else we cannot produce is 406 PGRST107.
 */
export function negotiate(accept: string | null): Negotiated {
  if (!accept) return { media: 'json', stripNulls: false };
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    return { type, params };
  });
  for (const { type, params } of ranges.filter((r) => r.type !== '')) {
    if (type === 'text/csv') return { media: 'csv', stripNulls: false };
    const media = JSON_TYPES[type];
    if (media) {
      const stripNulls = type.startsWith('application/vnd.pgrst.') && params.includes('nulls=stripped');
      return { media, stripNulls };
    }
  }
  const types = ranges.map((r) => r.type).filter(Boolean);
  throw new PostgrestError(406, 'PGRST107', `None of these media types are available: ${types.join(', ')}`);
}

export function contentTypeOf({ media, stripNulls }: Negotiated): string {
  if (media === 'csv') return 'text/csv; charset=utf-8';
  if (stripNulls) return `${media === 'object' ? OBJECT : ARRAY};nulls=stripped; charset=utf-8`;
  if (media === 'object') return `${OBJECT}; charset=utf-8`;
  return 'application/json; charset=utf-8';
}

/** 406 PGRST116 for a singular response over anything but exactly one row. */
export function notSingular(rows: number): PostgrestError {
  return new PostgrestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', {
    details: `The result contains ${rows} rows`,
  });
}

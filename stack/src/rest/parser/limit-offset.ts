import { PostgrestError } from '../errors.ts';
import { stripSpaces } from './lexical.ts';

/**
 * `limit` / `offset` (and `author.limit` / `author.offset`) as PostgREST reads them, which is
 * more lenient than "non-negative integers":
 *
 * - a value that is not an integer is ignored (Haskell's `readMaybe`), so `limit=abc` means no
 *   limit; when a path has both parameters, an unreadable limit counts as 0;
 * - the root page is clipped to start at row 0, so a negative offset is a no-op, and a page that
 *   ends before it starts answers 416 PGRST103 "Limit should be greater than or equal to zero."
 *   (`limit=-1`), except the `limit=0` page;
 * - embedded pages are passed through unchecked: PostgreSQL rejects a negative LIMIT or OFFSET
 *   (2201W / 2201X) behind PostgREST too.
 *
 * The Range request header is not considered here.
 */
export interface RawPage {
  /** The last `limit` value given for the path, verbatim. */
  readonly limit?: string;
  /** The last `offset` value given for the path, verbatim. */
  readonly offset?: string;
}

export interface Page {
  readonly limit?: number;
  readonly offset?: number;
}

/** Rows `lower..upper` (inclusive); `upper` may be Infinity. Empty when `upper < lower`. */
interface RowRange {
  readonly lower: number;
  readonly upper: number;
}

const ALL: RowRange = { lower: 0, upper: Number.POSITIVE_INFINITY };

/** Haskell's `readMaybe :: Maybe Integer` for the spellings it accepts, clamped to safe integers. */
export function readInteger(text: string): number | undefined {
  const match = /^(-?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|[0-9]+)$/.exec(stripSpaces(text));
  if (match === null) return undefined;
  const [, sign = '', digits = '0'] = match;
  const magnitude = BigInt(digits); // reads the 0x / 0o prefixes as Haskell does
  const clamped = magnitude > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(magnitude);
  return sign === '-' ? -clamped : clamped;
}

/** PostgREST's merge of one path's `limit` and `offset` into a row range. */
function requestedRange(raw: RawPage): RowRange {
  const limit = raw.limit === undefined ? undefined : readInteger(raw.limit);
  const offset = raw.offset === undefined ? undefined : readInteger(raw.offset);
  if (raw.limit !== undefined && raw.offset !== undefined) {
    const from = offset ?? 0;
    return { lower: from, upper: from + (limit ?? 0) - 1 };
  }
  if (limit !== undefined) return { lower: 0, upper: limit - 1 };
  if (offset !== undefined) return { lower: offset, upper: Number.POSITIVE_INFINITY };
  return ALL;
}

function toPage(range: RowRange): Page {
  if (range.lower === ALL.lower && range.upper === ALL.upper) return {};
  return {
    ...(Number.isFinite(range.upper) && { limit: range.upper - range.lower + 1 }),
    ...(range.lower !== 0 && { offset: range.lower }),
  };
}

/** The root resource's page. Throws 416 PGRST103 for a negative limit. */
export function rootPage(raw: RawPage): Page {
  const range = requestedRange(raw);
  // `limit=0` is the one empty page PostgREST allows (its range is 0..-1).
  if (range.upper === -1) return { limit: 0 };
  const clipped = { lower: Math.max(0, range.lower), upper: range.upper };
  if (range.upper < range.lower || clipped.upper < clipped.lower) {
    throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', {
      details: 'Limit should be greater than or equal to zero.',
    });
  }
  return toPage(clipped);
}

/** An embed's page, unchecked (see the module comment). */
export function embedPage(raw: RawPage): Page {
  return toPage(requestedRange(raw));
}

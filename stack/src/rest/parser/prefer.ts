import type { Preferences } from '../ast.ts';
import { PostgrestError } from '../errors.ts';
import { stripSpaces } from './lexical.ts';
import { readInteger } from './limit-offset.ts';

/**
 * The `Prefer` request header (RFC 7240), as PostgREST's `Preferences.fromHeaders` reads it:
 * every Prefer header is split on `,`, each value trimmed and matched exactly (case-sensitive).
 * The first value of each kind wins, across headers. `timezone=` and `max-affected=` take the
 * rest of the value (an unreadable max-affected is ignored); anything else, including empty
 * values from stray commas, is collected verbatim in `invalid`.
 *
 * postgrest-js sends several preferences either in one header joined by `, ` or, through
 * `Headers.append`, as separate values of the same header.
 *
 * @example parsePreferences(['return=representation, count=exact', 'handling=strict, max-affected=5'])
 */
export function parsePreferences(headers: readonly string[] | string | null): Preferences {
  const draft: Draft = { invalid: [] };
  const invalid: string[] = [];
  // Only the first max-affected counts, even when it is unreadable.
  let maxAffectedSeen = false;
  for (const value of headerValues(headers)) {
    const known = KNOWN.get(value);
    if (known !== undefined) {
      known(draft);
    } else if (value.startsWith('timezone=')) {
      choose(draft, 'timezone', value.slice('timezone='.length));
    } else if (value.startsWith('max-affected=')) {
      const limit = maxAffectedSeen ? undefined : readInteger(value.slice('max-affected='.length));
      if (limit !== undefined) draft.maxAffected = limit;
      maxAffectedSeen = true;
    } else {
      invalid.push(value);
    }
  }
  return { ...draft, invalid };
}

/**
 * Under `handling=strict` a preference we did not understand is an error (400 PGRST122);
 * otherwise (lenient, the default) it is ignored.
 */
export function assertPreferencesHandled(preferences: Preferences): void {
  if (preferences.handling !== 'strict' || preferences.invalid.length === 0) return;
  throw new PostgrestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', {
    details: `Invalid preferences: ${preferences.invalid.join(', ')}`,
  });
}

function headerValues(headers: readonly string[] | string | null): string[] {
  if (headers === null) return [];
  const list = typeof headers === 'string' ? [headers] : headers;
  return list.flatMap((header) => header.split(',').map(stripSpaces));
}

type Draft = { -readonly [K in keyof Preferences]: Preferences[K] };

/** Sets a preference unless one of its kind came earlier: the first one wins. */
function choose<K extends keyof Draft>(draft: Draft, kind: K, value: Draft[K]): void {
  if (draft[kind] === undefined) draft[kind] = value;
}

/** Every exact preference value and what it sets. */
const KNOWN = new Map<string, (draft: Draft) => void>([
  ['return=minimal', (d) => choose(d, 'return', 'minimal')],
  ['return=representation', (d) => choose(d, 'return', 'representation')],
  ['return=headers-only', (d) => choose(d, 'return', 'headers-only')],
  ['count=exact', (d) => choose(d, 'count', 'exact')],
  ['count=planned', (d) => choose(d, 'count', 'planned')],
  ['count=estimated', (d) => choose(d, 'count', 'estimated')],
  ['resolution=merge-duplicates', (d) => choose(d, 'resolution', 'merge-duplicates')],
  ['resolution=ignore-duplicates', (d) => choose(d, 'resolution', 'ignore-duplicates')],
  ['missing=default', (d) => choose(d, 'missing', 'default')],
  ['missing=null', (d) => choose(d, 'missing', 'null')],
  ['handling=strict', (d) => choose(d, 'handling', 'strict')],
  ['handling=lenient', (d) => choose(d, 'handling', 'lenient')],
  ['tx=commit', (d) => choose(d, 'tx', 'commit')],
  ['tx=rollback', (d) => choose(d, 'tx', 'rollback')],
]);

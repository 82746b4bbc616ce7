/**
 * GoTrue's `X-Supabase-Api-Version` negotiation: a request naming a date on or after 2024-01-01
 * gets the 2024-01-01 error envelope and the version echoed back; anything else (absent,
 * earlier, unparseable) gets the initial one.
 */
export type ApiVersion = 'initial' | '2024-01-01';

export const API_VERSION_HEADER = 'X-Supabase-Api-Version';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseApiVersion(value: string | null | undefined): ApiVersion {
  const match = value ? DATE.exec(value) : null;
  if (!match) return 'initial';
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Go's time.Parse rejects 2024-02-30; Date.UTC silently rolls it over.
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1) return 'initial';
  return date.getTime() >= Date.UTC(2024, 0, 1) ? '2024-01-01' : 'initial';
}

export function requestApiVersion(request: Request): ApiVersion {
  return parseApiVersion(request.headers.get(API_VERSION_HEADER));
}

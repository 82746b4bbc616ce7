/**
 * PostgREST's Content-Range and status rules for a page of `count` rows starting at
 * `offset`, out of `total` when the client asked for a count.
 */
export function contentRange(offset: number, count: number, total: number | undefined): string {
  const of = total === undefined ? '*' : String(total);
  if (count === 0) return `*/${of}`;
  return `${offset}-${offset + count - 1}/${of}`;
}

/** 200 for a whole result, 206 for a partial page, 416 for a page past the end. */
export function rangeStatus(offset: number, count: number, total: number | undefined): 200 | 206 | 416 {
  if (total === undefined) return 200;
  if (offset > total) return 416;
  if (count < total) return 206;
  return 200;
}

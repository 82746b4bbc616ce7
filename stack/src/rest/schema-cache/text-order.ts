/**
 * Compares strings by Unicode code point, the order of Haskell's `Text` (and so of PostgREST's
 * sorted lists) and of PostgreSQL's "C" collation. JavaScript's `<` compares UTF-16 code units,
 * which disagrees for characters above U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const x = a[Symbol.iterator]();
  const y = b[Symbol.iterator]();
  for (;;) {
    const p = x.next();
    const q = y.next();
    if (p.done || q.done) return p.done ? (q.done ? 0 : -1) : 1;
    const d = (p.value.codePointAt(0) ?? 0) - (q.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

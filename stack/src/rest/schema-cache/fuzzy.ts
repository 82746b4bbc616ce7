/**
 * Approximate string matching with the behaviour of Haskell's `fuzzyset` 0.2 (itself after
 * fuzzyset.js), which PostgREST uses for its "Perhaps you meant ..." hints, so our hints
 * name the same candidates:
 *
 * - an exact match, ignoring case, wins outright with score 1;
 * - otherwise candidates are ranked by cosine similarity of their character n-gram counts
 *   (n = 3, then n = 2 when nothing at 3 passes), over the lower-cased text with everything
 *   but letters, digits, spaces and commas dropped and `-` added at both ends;
 * - the best 50 are re-scored by normalised Levenshtein similarity of the lower-cased texts
 *   (1 - distance / longer length) and those at or above the minimum score returned, best first.
 */

const GRAM_SIZES = [3, 2] as const;
const RESCORED = 50;

interface Entry {
  /** Lower-cased text. */
  readonly key: string;
  readonly original: string;
  readonly grams: ReadonlyMap<number, ReadonlyMap<string, number>>;
  readonly magnitudes: ReadonlyMap<number, number>;
}

export interface FuzzySet {
  readonly entries: readonly Entry[];
  readonly exact: ReadonlyMap<string, string>;
}

const WORD = /[\p{L}\p{N}\s,]/u;

function gramCounts(value: string, size: number): Map<string, number> {
  const chars = [...`-${[...value.toLowerCase()].filter((c) => WORD.test(c)).join('')}-`];
  const counts = new Map<string, number>();
  for (let i = 0; i + size <= chars.length; i++) {
    const gram = chars.slice(i, i + size).join('');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

const magnitude = (counts: ReadonlyMap<string, number>) =>
  Math.sqrt([...counts.values()].reduce((sum, n) => sum + n * n, 0));

export function fuzzySet(values: Iterable<string>): FuzzySet {
  const entries: Entry[] = [];
  const exact = new Map<string, string>();
  for (const original of values) {
    const key = original.toLowerCase();
    if (exact.has(key)) continue;
    exact.set(key, original);
    const grams = new Map(GRAM_SIZES.map((size) => [size, gramCounts(key, size)] as const));
    const magnitudes = new Map([...grams].map(([size, counts]) => [size, magnitude(counts)] as const));
    entries.push({ key, original, grams, magnitudes });
  }
  return { entries, exact };
}

/** Candidates scoring at least `minScore`, best first. */
export function fuzzyMatches(
  set: FuzzySet,
  value: string,
  minScore = 0.33,
): { score: number; value: string }[] {
  const key = value.toLowerCase();
  const exact = set.exact.get(key);
  if (exact !== undefined) return [{ score: 1, value: exact }];
  for (const size of GRAM_SIZES) {
    const query = gramCounts(key, size);
    const queryMagnitude = magnitude(query);
    const cosine: { score: number; entry: Entry }[] = [];
    for (const entry of set.entries) {
      const grams = entry.grams.get(size) as ReadonlyMap<string, number>;
      let dot = 0;
      for (const [gram, count] of query) dot += count * (grams.get(gram) ?? 0);
      if (dot > 0) {
        cosine.push({ score: dot / (queryMagnitude * (entry.magnitudes.get(size) ?? 1)), entry });
      }
    }
    const matches = cosine
      .sort((a, b) => b.score - a.score)
      .slice(0, RESCORED)
      .map(({ entry }) => ({ score: levenshteinSimilarity(key, entry.key), value: entry.original }))
      .sort((a, b) => b.score - a.score)
      .filter((m) => m.score >= minScore);
    if (matches.length > 0) return matches;
  }
  return [];
}

/** The best candidate scoring at least `minScore`. */
export function fuzzyBest(set: FuzzySet, value: string, minScore = 0.33): string | undefined {
  return fuzzyMatches(set, value, minScore)[0]?.value;
}

function levenshteinSimilarity(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return 1 - (previous[y.length] as number) / longest;
}

/**
 * Shares and rankings of feature importance.
 *
 * Order: importance descending, ties broken by feature name in code-unit order (`<`), so the same
 * numbers always give the same list. Rank: the competition rank 1 + #{features strictly more
 * important}; tied features share the best rank, so a protected feature tied with the K-th
 * feature counts as within the top K (the conservative reading for a gate).
 */
export interface RankedFeature {
  feature: string;
  importance: number;
  /** importance / Σ importance. */
  share: number;
  /** Competition rank (1 = most important; ties share the best rank). */
  rank: number;
}

export const byImportance = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Ranks the features; `null` when the total importance is 0 (no share is computable).
 *
 * @example
 * ```ts
 * rankFeatures(new Map([['a', 1], ['b', 3], ['c', 1]]));
 * // [ {b, share 0.6, rank 1}, {a, share 0.2, rank 2}, {c, share 0.2, rank 2} ]
 * ```
 */
export const rankFeatures = (importance: ReadonlyMap<string, number>): RankedFeature[] | null => {
  let total = 0;
  for (const v of importance.values()) total += v;
  if (!(total > 0)) return null;
  const sorted = [...importance].sort(byImportance);
  const out: RankedFeature[] = [];
  sorted.forEach(([feature, importance], i) => {
    const prev = out[i - 1];
    const rank = prev !== undefined && prev.importance === importance ? prev.rank : i + 1;
    out.push({ feature, importance, share: importance / total, rank });
  });
  return out;
};

/** The K features first in the deterministic order (exactly min(K, n) names). */
export const topK = (importance: ReadonlyMap<string, number>, k: number): string[] =>
  [...importance]
    .sort(byImportance)
    .slice(0, k)
    .map(([f]) => f);

/**
 * Kendall's τ-b between the candidate's and the champion's importance over the top K.
 *
 * Features compared: the union of the candidate's top K and the champion's top K (each by the
 * deterministic order of ranking.ts), with a model's importance 0 for a feature it does not
 * report. The union (not the intersection) is used so that a feature entering or leaving the top
 * K counts as disagreement instead of silently dropping out of the comparison.
 *
 * τ-b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), n₀ = m(m−1)/2, n₁ / n₂ = pairs tied in the candidate /
 * champion; a pair tied in either counts as neither concordant nor discordant. Not computable when
 * fewer than 2 features are compared or either side is entirely tied (a zero denominator).
 */
import { topK } from './ranking.js';
import type { MetricOutcome } from './types.js';

/** τ-b of two paired samples. */
export const kendallTauB = (x: ArrayLike<number>, y: ArrayLike<number>): MetricOutcome => {
  const m = x.length;
  if (m !== y.length) throw new RangeError(`kendallTauB: samples differ in length (${m} vs ${y.length})`);
  if (m < 2) return { value: null, reason: `fewer than 2 features to compare (${m})` };
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const sx = Math.sign(x[i]! - x[j]!);
      const sy = Math.sign(y[i]! - y[j]!);
      if (sx === 0) tiesX++;
      if (sy === 0) tiesY++;
      if (sx * sy > 0) concordant++;
      else if (sx * sy < 0) discordant++;
    }
  }
  const n0 = (m * (m - 1)) / 2;
  const den = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  if (den === 0) return { value: null, reason: 'every compared feature is tied in one of the models' };
  return { value: (concordant - discordant) / den };
};

/** τ-b over the union of both models' top K features. Returns the features compared too. */
export const kendallTopK = (
  candidate: ReadonlyMap<string, number>,
  champion: ReadonlyMap<string, number>,
  k: number,
): MetricOutcome & { features: string[] } => {
  const features = [...new Set([...topK(candidate, k), ...topK(champion, k)])];
  const tau = kendallTauB(
    features.map((f) => candidate.get(f) ?? 0),
    features.map((f) => champion.get(f) ?? 0),
  );
  return { ...tau, features };
};

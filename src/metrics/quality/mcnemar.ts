/**
 * McNemar's test for two classifiers scored on the same rows: only the discordant rows carry
 * information — b rows where the candidate alone is right, c rows where the champion alone is.
 */
import { erfc } from './special.js';

export interface McNemarResult {
  /** Rows compared. */
  n: number;
  /** Rows the candidate got right and the champion wrong. */
  candidateOnlyCorrect: number;
  /** Rows the champion got right and the candidate wrong. */
  championOnlyCorrect: number;
  /** Candidate accuracy − champion accuracy = (b − c) / n; `null` with no rows. */
  accuracyDifference: number | null;
  /** `exact`: binomial test on b of b + c at ½; `chi2`: χ² with continuity correction. */
  method: 'exact' | 'chi2';
  /** The χ² statistic (chi2 method only). */
  statistic?: number;
  /** Two-sided p-value for "both models are equally accurate". */
  pValue: number;
  /** One-sided p-value for "the candidate is not less accurate" (small = evidence it is worse). */
  pValueCandidateWorse: number;
}

/** Below this many discordant rows the exact binomial test is used (the χ² approximation is poor there). */
export const MCNEMAR_EXACT_BELOW = 25;

/** Binomial(m, ½) CDF at k, by the term recurrence (m is small in the exact branch). */
const binomHalfCdf = (k: number, m: number): number => {
  let term = Math.pow(0.5, m);
  let sum = term;
  for (let j = 0; j < k; j++) {
    term *= (m - j) / (j + 1);
    sum += term;
  }
  return Math.min(1, sum);
};

/** Standard normal upper tail P(Z > z). */
const normalUpper = (z: number): number => 0.5 * erfc(z / Math.SQRT2);

/**
 * McNemar's test from the discordant counts.
 *
 * @example
 * ```ts
 * mcnemar(2, 8, 100).pValue; // exact: 2·P(Bin(10, ½) ≤ 2) = 0.109375
 * ```
 */
export const mcnemar = (b: number, c: number, n: number, exactBelow = MCNEMAR_EXACT_BELOW): McNemarResult => {
  const m = b + c;
  const base = { n, candidateOnlyCorrect: b, championOnlyCorrect: c, accuracyDifference: n === 0 ? null : (b - c) / n };
  if (m < exactBelow) {
    const two = m === 0 ? 1 : Math.min(1, 2 * binomHalfCdf(Math.min(b, c), m));
    // Candidate worse ⇔ few rows where it alone is right: P(B ≤ b).
    const one = m === 0 ? 1 : binomHalfCdf(b, m);
    return { ...base, method: 'exact', pValue: two, pValueCandidateWorse: one };
  }
  const corrected = Math.max(0, Math.abs(b - c) - 1);
  const statistic = (corrected * corrected) / m;
  // One-sided: the signed, continuity-corrected normal score of b against its mean m/2.
  const z = (c - b - 1) / Math.sqrt(m);
  return { ...base, method: 'chi2', statistic, pValue: erfc(Math.sqrt(statistic / 2)), pValueCandidateWorse: normalUpper(z) };
};

/**
 * Turns bootstrap replicates into a paired comparison per metric: the point difference
 * (candidate − champion on all rows), a percentile interval, and a one-sided bound on how much
 * worse the candidate can be at the chosen confidence.
 */
import { quantileSorted, type OnlineBootstrap } from './bootstrap.js';
import { greaterIsBetter } from '../metric-direction.js';
import type { MetricTable } from './types.js';

export interface PairedComparison {
  /** Candidate − champion on every row; `null` when either is not computable. */
  difference: number | null;
  /** `[q_{1−c}, q_c]` of the replicate differences: each end is a one-sided bound at confidence c (0.95 ⇒ a 90% two-sided interval). */
  interval?: [number, number];
  /**
   * With confidence c, the candidate is worse than the champion by at most this much (in the
   * metric's own units; negative = better by at least that). A gate "not worse by more than δ"
   * passes when `worseningBound ≤ δ`. `null` when not computable.
   */
  worseningBound: number | null;
  greaterIsBetter: boolean;
  /** Replicates in which both models' metric was computable. */
  replicatesUsed: number;
  reason?: string;
}

/** Below this share of usable replicates the bound is withheld: it would describe a biased subset of resamples. */
export const MIN_USABLE_REPLICATE_SHARE = 0.9;

/** Metric values of both models computed from one replicate's statistics (`null` = not computable). */
export type ReplicateMetrics = (stats: Float64Array) => { candidate: Record<string, number | null>; champion: Record<string, number | null> };

export const comparePaired = (
  names: readonly string[],
  candidate: MetricTable,
  champion: MetricTable,
  bootstrap: OnlineBootstrap,
  replicateMetrics: ReplicateMetrics,
  confidence: number,
): Record<string, PairedComparison> => {
  const diffs = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < bootstrap.replicates; r++) {
    const m = replicateMetrics(bootstrap.replicate(r));
    for (const name of names) {
      const a = m.candidate[name];
      const b = m.champion[name];
      if (a !== null && a !== undefined && b !== null && b !== undefined) diffs.get(name)!.push(a - b);
    }
  }
  const out: Record<string, PairedComparison> = {};
  for (const name of names) {
    const up = greaterIsBetter(name) ?? true;
    const a = candidate[name]?.value ?? null;
    const b = champion[name]?.value ?? null;
    const difference = a !== null && b !== null ? a - b : null;
    const d = diffs.get(name)!.sort((x, y) => x - y);
    const base = { difference, greaterIsBetter: up, replicatesUsed: d.length };
    if (difference === null) {
      out[name] = {
        ...base,
        worseningBound: null,
        reason: `not computable for the ${a === null ? 'candidate' : 'champion'}: ${(a === null ? candidate : champion)[name]?.reason ?? 'absent'}`,
      };
    } else if (d.length < MIN_USABLE_REPLICATE_SHARE * bootstrap.replicates) {
      out[name] = { ...base, worseningBound: null, reason: `computable in only ${d.length} of ${bootstrap.replicates} bootstrap replicates` };
    } else {
      const lo = quantileSorted(d, 1 - confidence);
      const hi = quantileSorted(d, confidence);
      out[name] = { ...base, interval: [lo, hi], worseningBound: up ? 0 - lo : hi };
    }
  }
  return out;
};

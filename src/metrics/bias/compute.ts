/**
 * From counts to metrics: applies the group-size rule, then the pre- and post-training formulas.
 */
import { describeGroups, sliceOf } from './facets.js';
import { generalizedEntropy, postTrainingMetrics } from './post-training.js';
import { notComputable, preTrainingMetrics } from './pre-training.js';
import { summarize } from './summary.js';
import { POST_TRAINING_METRICS, PRE_TRAINING_METRICS, type BiasMetricName, type BiasValue, type FacetCounts, type FacetSpec } from './types.js';

/** Every metric of one facet. */
export interface FacetBias {
  facet: FacetSpec;
  /** `sex=F`, `race=B|C`, `age>=60`. */
  slice: string;
  /** Rows in group a and group d. */
  sizes: { a: number; d: number };
  metrics: Partial<Record<BiasMetricName, BiasValue>>;
}

export interface ComputeOptions {
  /** Fewer rows than this in a or d makes every metric of the facet not computable. */
  minGroupSize: number;
  /** The stratum column's name, for reasons (`null` when none was asked for). */
  groupColumn: string | null;
}

/**
 * All pre- and post-training metrics of one facet (GE excluded: it belongs to the population).
 *
 * @example
 * ```ts
 * const bias = facetBias(counts, { column: 'sex', sensitive: ['F'] }, { minGroupSize: 30, groupColumn: null });
 * bias.metrics.DI; // { value: 0.62, interval: [0.51, 0.75] } or { value: null, reason: '...' }
 * ```
 */
export const facetBias = (counts: FacetCounts, facet: FacetSpec, options: ComputeOptions): FacetBias => {
  const s = summarize(counts);
  const slice = sliceOf(facet);
  const words = describeGroups(facet);
  const names = { d: `group d (${words.d})`, a: `group a (${words.a})` };
  const sizes = { a: s.a.n, d: s.d.n };
  const small = [
    [names.d, s.d.n],
    [names.a, s.a.n],
  ].find(([, n]) => (n as number) === 0 || (n as number) < options.minGroupSize);
  if (small) {
    const [name, n] = small as [string, number];
    const why = notComputable(n === 0 ? `${name} is empty` : `${name} has ${n} row${n === 1 ? '' : 's'}, fewer than minGroupSize ${options.minGroupSize}`);
    const metrics: Partial<Record<BiasMetricName, BiasValue>> = {};
    for (const m of [...PRE_TRAINING_METRICS, ...POST_TRAINING_METRICS]) if (m !== 'GE') metrics[m] = why;
    return { facet, slice, sizes, metrics };
  }
  return {
    facet,
    slice,
    sizes,
    metrics: { ...preTrainingMetrics(s, names, options.groupColumn), ...postTrainingMetrics(s, names, options.groupColumn) },
  };
};

/** GE of the whole population, subject to the same minimum size. */
export const populationBias = (confusion: { tp: number; fp: number; tn: number; fn: number }, predictions: boolean, minGroupSize: number): BiasValue => {
  if (!predictions) return notComputable('the dataset has no predicted labels (neither a prediction column nor a score column)');
  const n = confusion.tp + confusion.fp + confusion.tn + confusion.fn;
  if (n > 0 && n < minGroupSize) return notComputable(`the dataset has ${n} rows, fewer than minGroupSize ${minGroupSize}`);
  return generalizedEntropy(confusion);
};

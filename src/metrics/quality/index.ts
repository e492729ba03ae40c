/**
 * Quality metrics computed from predictions, in fixed memory over streamed column batches, and
 * paired comparisons of a candidate with its champion on the same rows. See docs/metrics/quality.md.
 */
export type { Accumulator, BinaryBatch, MetricTable, MetricValue, MulticlassBatch, RegressionBatch } from './types.js';
export { QualityInputError } from './errors.js';
export { createBinaryAccumulator, type BinaryAccumulator, type BinaryOptions } from './binary.js';
export { createMulticlassAccumulator, type MulticlassAccumulator, type MulticlassOptions } from './multiclass.js';
export { createRegressionAccumulator, type RegressionOptions } from './regression.js';
export {
  createPairedBinaryAccumulator,
  type ModelColumns,
  type PairedAccumulator,
  type PairedBinaryBatch,
  type PairedOptions,
  type PairedResult,
} from './paired-binary.js';
export { createPairedMulticlassAccumulator, createPairedRegressionAccumulator, type PairedPredictionBatch } from './paired-other.js';
export type { PairedComparison } from './comparison.js';
export { mcnemar, MCNEMAR_EXACT_BELOW, type McNemarResult } from './mcnemar.js';
export { confusionMetrics, type ConfusionCounts } from './confusion.js';
export { exactRankingMetrics } from './ranking-exact.js';
export { ScoreHistogram, DEFAULT_SCORE_BINS } from './score-histogram.js';
export { LOG_LOSS_EPS } from './binary-row.js';
export { erfc } from './special.js';

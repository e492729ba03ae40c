/**
 * Global feature importance: reading Clarify explainability reports and plain importance files,
 * shares, rankings, and ranking stability against the champion (nDCG, Kendall τ-b on the top K).
 * See docs/metrics/importance.md.
 */
export { ImportanceFormatError } from './errors.js';
export { readImportance, type FeatureImportance, type ImportanceReadOptions } from './read.js';
export { byImportance, rankFeatures, topK, type RankedFeature } from './ranking.js';
export { ndcg } from './ndcg.js';
export { kendallTauB, kendallTopK } from './kendall.js';
export type { MetricOutcome } from './types.js';

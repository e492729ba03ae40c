/** Bias metrics (METRICS.md): from counts, from a predictions dataset. See docs/metrics/bias.md. */
export { biasFromDataset, type BiasDatasetOptions, type BiasResult } from './from-dataset.js';
export { facetBias, populationBias, type FacetBias, type ComputeOptions } from './compute.js';
export { BiasAccumulator, type BatchLayout, type PredictedFrom } from './accumulate.js';
export { summarize, type FacetSummary } from './summary.js';
export { generalizedEntropy } from './post-training.js';
export { wilson, newcombe, katzRatio, Z95 } from './intervals.js';
export { sameValue, sliceOf, describeGroups, isNumericFacet } from './facets.js';
export * from './types.js';

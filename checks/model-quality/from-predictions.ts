/**
 * The seam for computing model quality from a predictions dataset (one row per scored example)
 * instead of reading a Model Monitor statistics report. The numeric library for it is being built
 * in `src/metrics/quality/`; once it exists, this function streams `predictions`, computes the
 * metrics of METRICS.md "Quality" and returns them in the same shape as a parsed report, so the
 * rest of the check does not change.
 */
import type { EvidenceHandle } from '../../src/core/evidence.js';
import { NotBuiltError } from '../../src/core/errors.js';
import type { QualityReport } from '../../src/metrics/quality-report.js';
import type { ModelQualityConfig } from './config.js';

/** Quality metrics computed from a predictions dataset. Not built yet: throws {@link NotBuiltError}. */
export const qualityFromPredictions = async (
  _predictions: EvidenceHandle,
  _config: ModelQualityConfig,
  _signal: AbortSignal,
): Promise<QualityReport> => {
  throw new NotBuiltError('model-quality from a predictions dataset');
};

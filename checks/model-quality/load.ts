/**
 * Reading model-quality evidence: the statistics report (or, without one, the metrics computed
 * from a predictions dataset) for the candidate and the champion, and the registered constraints.
 */
import type { EvidenceHandle, EvidenceSet } from '../../src/core/evidence.js';
import { EvidenceError } from '../../src/core/errors.js';
import { parseQualityConstraints, type QualityConstraints } from '../../src/metrics/quality-constraints.js';
import { parseQualityStatistics, type QualityReport } from '../../src/metrics/quality-report.js';
import type { ModelQualityConfig } from './config.js';
import { qualityFromPredictions } from './from-predictions.js';

export const STATISTICS = 'model-quality-statistics';
export const CONSTRAINTS = 'model-quality-constraints';
export const PREDICTIONS = 'predictions';

const label = (handle: EvidenceHandle, whose: string): string => `${whose}${handle.ref.name} (${handle.ref.uri})`;

const readJson = async (handle: EvidenceHandle): Promise<unknown> => {
  try {
    return await handle.json();
  } catch (err) {
    if (err instanceof SyntaxError) throw new EvidenceError(handle.ref.uri, `${handle.ref.name} is not valid JSON: ${err.message}`, { cause: err });
    throw err;
  }
};

/**
 * The quality report of one model version: its statistics report when present, else computed
 * from its predictions dataset; `undefined` when it has neither.
 */
export const loadQuality = async (evidence: EvidenceSet, config: ModelQualityConfig, signal: AbortSignal, whose = ''): Promise<QualityReport | undefined> => {
  const statistics = evidence[STATISTICS];
  if (statistics) return parseQualityStatistics(await readJson(statistics), label(statistics, whose));
  const predictions = evidence[PREDICTIONS];
  if (predictions) return qualityFromPredictions(predictions, config, signal, whose);
  return undefined;
};

/** The registered constraints (ModelQuality.Constraints), or `undefined` when absent. */
export const loadConstraints = async (evidence: EvidenceSet): Promise<QualityConstraints | undefined> => {
  const handle = evidence[CONSTRAINTS];
  if (!handle) return undefined;
  return parseQualityConstraints(await readJson(handle), label(handle, ''));
};

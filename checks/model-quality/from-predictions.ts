/**
 * Model quality computed from a predictions dataset (one row per scored example) instead of read
 * from a Model Monitor statistics report: one streaming pass through the fixed-memory
 * accumulators of `src/metrics/quality`, returned in the shape of a parsed report so that the
 * rest of the check does not care where the numbers came from.
 */
import type { Finding } from '../../src/core/check.js';
import type { EvidenceHandle } from '../../src/core/evidence.js';
import { InvalidInputError } from '../../src/core/errors.js';
import {
  createBinaryAccumulator,
  createMulticlassAccumulator,
  createRegressionAccumulator,
  QualityInputError,
  type MetricTable,
} from '../../src/metrics/quality/index.js';
import { DatasetError } from '../../src/metrics/dataset/index.js';
import type { QualityProblemType } from '../../src/metrics/quality-report.js';
import { toReport, type ComputedQualityReport } from './computed-report.js';
import type { ModelQualityConfig } from './config.js';
import { LabelVocabulary } from './labels.js';
import { PredictionsReader, type ModelBatch } from './predictions-reader.js';

/** Fails when the policy does not say the problem type: 0/1 labels fit a classifier and a regressor alike. */
export const requireProblemType = (config: ModelQualityConfig, evidenceName: string): QualityProblemType => {
  if (config.problemType !== undefined) return config.problemType;
  throw new InvalidInputError(
    `problemType is required to compute quality from the ${evidenceName} dataset: the data cannot say whether labels 0 and 1 are two classes or two numbers`,
    'with.problemType',
    'binary_classification, multiclass_classification or regression',
  );
};

interface SingleAccumulator {
  add(batch: ModelBatch): void;
  result(): MetricTable;
}

const accumulatorFor = (problemType: QualityProblemType, config: ModelQualityConfig): SingleAccumulator => {
  if (problemType === 'regression') {
    const acc = createRegressionAccumulator();
    return { add: (b) => acc.add({ length: b.rows, label: b.label, prediction: b.prediction! }), result: () => acc.result() };
  }
  if (problemType === 'multiclass_classification') {
    const acc = createMulticlassAccumulator();
    return { add: (b) => acc.add({ length: b.rows, label: b.label, prediction: b.prediction! }), result: () => acc.result() };
  }
  // The reader maps the positive label to 1 and everything else to 0.
  const acc = createBinaryAccumulator({ positiveLabel: 1, threshold: config.scoreThreshold ?? 0.5 });
  return {
    add: (b) => acc.add({ length: b.rows, label: b.label, ...(b.score ? { score: b.score } : {}), ...(b.prediction ? { prediction: b.prediction } : {}) }),
    result: () => acc.result(),
  };
};

/**
 * Re-throws an accumulator's complaint about a row as a dataset error naming the file and line.
 * The reader validates what it can first, so this is the backstop, not the usual path.
 */
export const locateQualityInputError = async (err: unknown, reader: PredictionsReader): Promise<unknown> => {
  if (!(err instanceof QualityInputError)) return err;
  const line = await reader.lineOf(err.row);
  return new DatasetError(reader.source, err.message, line !== undefined ? { line } : {});
};

/**
 * Quality metrics computed from a predictions dataset, in one pass with bounded memory.
 *
 * Binary: a row is positive when its label equals `positiveLabel` (default 1, compared as text);
 * the predicted class is `score ≥ scoreThreshold` when `scoreThreshold` is set, else the
 * prediction column when present, else `score ≥ 0.5`. Not-computable metrics come back as NaN
 * with their reason.
 *
 * @example
 * ```ts
 * const report = await qualityFromPredictions(input.evidence['predictions']!, { problemType: 'binary_classification', metrics: {} }, ctx.signal);
 * report.metrics.auc; // { value: 0.87, standardDeviation: null }
 * ```
 * @param whose prefixes the file in messages (`champion (version 3) `).
 * @throws InvalidInputError without `problemType`; DatasetError naming the line and column of a
 * malformed row or the columns found when one is missing.
 */
export const qualityFromPredictions = async (
  predictions: EvidenceHandle,
  config: ModelQualityConfig,
  signal: AbortSignal,
  whose = '',
): Promise<ComputedQualityReport> => {
  const problemType = requireProblemType(config, predictions.ref.name);
  const reader = new PredictionsReader(predictions, config, problemType, new LabelVocabulary(config.positiveLabel ?? 1), signal, whose);
  const acc = accumulatorFor(problemType, config);
  try {
    for await (const batch of reader.batches()) acc.add(batch);
  } catch (err) {
    throw await locateQualityInputError(err, reader);
  }
  const description = reader.describe();
  const notes: Finding[] = [{ severity: 'info', message: `computed from ${description}` }];
  return toReport(problemType, acc.result(), { rows: reader.rows, source: reader.source, description, notes });
};

/**
 * How one row of a binary batch is read: the shared validation and conventions of the binary
 * accumulator and the paired comparison, so that both count the same rows the same way.
 */
import { QualityInputError } from './errors.js';
import type { BinaryBatch } from './types.js';

export interface BinaryOptions {
  /** The label value of the positive class (default 1); every other value is negative. */
  positiveLabel?: number;
  /** A score ≥ threshold predicts the positive class (default 0.5). Used when there is no prediction column. */
  threshold?: number;
  /** Resolution of the score histogram for AUC and AP (default 2^16). */
  scoreBins?: number;
  /** Keep up to this many rows for exact AUC and AP (default 100 000; 0 = always the histogram). */
  exactMaxRows?: number;
}

/** Probabilities are clipped to [ε, 1 − ε] for log loss, so a confident mistake costs ln(1/ε) ≈ 34.5, not ∞. */
export const LOG_LOSS_EPS = 1e-15;

export const logLossTerm = (positive: boolean, score: number): number => {
  const p = Math.min(Math.max(score, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  return positive ? -Math.log(p) : -Math.log(1 - p);
};

/** Which columns a binary batch carries; fixed by the first batch so every row is read alike. */
export interface BinaryColumns {
  score: boolean;
  prediction: boolean;
}

export const columnsOf = (batch: Pick<BinaryBatch, 'score' | 'prediction'>, where: string): BinaryColumns => {
  const cols = { score: batch.score !== undefined, prediction: batch.prediction !== undefined };
  if (!cols.score && !cols.prediction) {
    throw new TypeError(`${where}: a batch needs a score or a prediction column (neither was given)`);
  }
  return cols;
};

export const sameColumns = (a: BinaryColumns, b: BinaryColumns, where: string): void => {
  if (a.score !== b.score || a.prediction !== b.prediction) {
    const show = (c: BinaryColumns) => [c.score ? 'score' : '', c.prediction ? 'prediction' : ''].filter(Boolean).join('+');
    throw new TypeError(`${where}: every batch must carry the same columns (first batch had ${show(a)}, this one ${show(b)})`);
  }
};

export const checkLength = (batch: { length: number; label: Float64Array }, arrays: (Float64Array | undefined)[], where: string): void => {
  if (!Number.isInteger(batch.length) || batch.length < 0) throw new RangeError(`${where}: batch length must be a non-negative integer, got ${batch.length}`);
  for (const a of [batch.label, ...arrays]) {
    if (a !== undefined && a.length < batch.length) {
      throw new RangeError(`${where}: a column holds ${a.length} values, fewer than the batch length ${batch.length}`);
    }
  }
};

export const readLabel = (label: number, row: number): number => {
  if (Number.isNaN(label)) throw new QualityInputError(row, 'label is missing (NaN)');
  return label;
};

export const readScore = (score: number, row: number): number => {
  if (!(score >= 0 && score <= 1)) throw new QualityInputError(row, `score ${score} is not a probability in [0, 1]`);
  return score;
};

export const readPrediction = (prediction: number, row: number): number => {
  if (Number.isNaN(prediction)) throw new QualityInputError(row, 'prediction is missing (NaN)');
  return prediction;
};

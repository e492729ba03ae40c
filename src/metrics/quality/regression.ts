/**
 * Streaming regression metrics from running sums: compensated sums of |e|, e² and the relative
 * errors, and Welford's moments of the label for the total sum of squares.
 */
import { QualityInputError } from './errors.js';
import { checkLength } from './binary-row.js';
import { CompensatedSum, RunningMoments } from './sums.js';
import { computable, notComputable, type Accumulator, type MetricTable, type RegressionBatch } from './types.js';

export interface RegressionOptions {
  /** The floor of |y| in the MAPE denominator (default Number.EPSILON ≈ 2.22e-16, as scikit-learn). */
  mapeEpsilon?: number;
}

/**
 * Creates a regression accumulator: mae, mse, rmse, r2, mape.
 *
 * r2 = 1 − SSE / Σ(y − ȳ)², not computable when the label is constant (Σ(y − ȳ)² = 0).
 * mape = mean(|y − ŷ| / max(|y|, ε)), a fraction (0.05 = 5%), not a percentage; with ε tiny a
 * zero label makes it huge, which is the honest answer for a relative error at 0.
 */
export const createRegressionAccumulator = (opts: RegressionOptions = {}): Accumulator<RegressionBatch> => {
  const eps = opts.mapeEpsilon ?? Number.EPSILON;
  const where = 'regression quality accumulator';
  const absErr = new CompensatedSum();
  const sqErr = new CompensatedSum();
  const relErr = new CompensatedSum();
  const label = new RunningMoments();
  let rows = 0;

  return {
    get rows() {
      return rows;
    },
    add(batch: RegressionBatch): void {
      checkLength(batch, [batch.prediction], where);
      for (let i = 0; i < batch.length; i++, rows++) {
        const y = batch.label[i]!;
        const p = batch.prediction[i]!;
        if (!Number.isFinite(y)) throw new QualityInputError(rows, `label ${y} is not a finite number`);
        if (!Number.isFinite(p)) throw new QualityInputError(rows, `prediction ${p} is not a finite number`);
        const e = Math.abs(y - p);
        absErr.add(e);
        sqErr.add(e * e);
        relErr.add(e / Math.max(Math.abs(y), eps));
        label.add(y);
      }
    },
    result(): MetricTable {
      if (rows === 0) return Object.fromEntries(['mae', 'mse', 'rmse', 'r2', 'mape'].map((k) => [k, notComputable('no rows')]));
      const mse = sqErr.value / rows;
      return {
        mae: computable(absErr.value / rows),
        mse: computable(mse),
        rmse: computable(Math.sqrt(mse)),
        r2: label.m2 === 0 ? notComputable('the label is constant (total sum of squares is 0)') : computable(1 - sqErr.value / label.m2),
        mape: computable(relErr.value / rows),
      };
    },
  };
};

/**
 * Streaming multiclass metrics from a confusion matrix keyed by class value. Memory grows with
 * the number of classes (capped), never with rows.
 */
import { QualityInputError } from './errors.js';
import { checkLength } from './binary-row.js';
import { computable, notComputable, type Accumulator, type MetricTable, type MulticlassBatch } from './types.js';

export interface MulticlassOptions {
  /** Refuse more distinct label/prediction values than this (default 1000): a guard against a continuous column read as classes. */
  maxClasses?: number;
}

export interface MulticlassAccumulator extends Accumulator<MulticlassBatch> {
  /** `matrix.get(label)?.get(prediction)` = rows with that label and prediction. */
  confusion(): Map<number, Map<number, number>>;
}

/**
 * Creates a multiclass accumulator: accuracy and support-weighted precision, recall, F1, F0.5, F2.
 *
 * Conventions: a class that is never predicted has precision 0 (it still carries its support's
 * weight); per-class F-beta uses the count form (1+β²)TP / ((1+β²)TP + β²FN + FP); classes that
 * appear only as predictions have weight 0. Weighted recall equals accuracy by construction.
 */
export const createMulticlassAccumulator = (opts: MulticlassOptions = {}): MulticlassAccumulator => {
  const maxClasses = opts.maxClasses ?? 1000;
  const where = 'multiclass quality accumulator';
  const matrix = new Map<number, Map<number, number>>();
  const classes = new Set<number>();
  let correct = 0;
  let rows = 0;

  const see = (c: number, row: number): void => {
    if (classes.has(c)) return;
    if (classes.size >= maxClasses) throw new QualityInputError(row, `more than ${maxClasses} distinct class values (is this a continuous column?)`);
    classes.add(c);
  };

  return {
    get rows() {
      return rows;
    },
    add(batch: MulticlassBatch): void {
      checkLength(batch, [batch.prediction], where);
      for (let i = 0; i < batch.length; i++, rows++) {
        const y = batch.label[i]!;
        const p = batch.prediction[i]!;
        if (Number.isNaN(y)) throw new QualityInputError(rows, 'label is missing (NaN)');
        if (Number.isNaN(p)) throw new QualityInputError(rows, 'prediction is missing (NaN)');
        see(y, rows);
        see(p, rows);
        let row = matrix.get(y);
        if (!row) matrix.set(y, (row = new Map()));
        row.set(p, (row.get(p) ?? 0) + 1);
        if (y === p) correct++;
      }
    },
    confusion: () => new Map([...matrix].map(([k, v]) => [k, new Map(v)])),
    result(): MetricTable {
      const names = ['accuracy', 'weighted_precision', 'weighted_recall', 'weighted_f1', 'weighted_f0_5', 'weighted_f2'];
      if (rows === 0) return Object.fromEntries(names.map((k) => [k, notComputable('no rows')]));
      const predicted = new Map<number, number>();
      for (const row of matrix.values()) for (const [p, n] of row) predicted.set(p, (predicted.get(p) ?? 0) + n);
      let wp = 0;
      let wr = 0;
      const wf = [0, 0, 0];
      const betas = [1, 0.5, 2];
      for (const [c, row] of matrix) {
        let support = 0;
        for (const n of row.values()) support += n;
        const tp = row.get(c) ?? 0;
        const pred = predicted.get(c) ?? 0;
        wp += support * (pred === 0 ? 0 : tp / pred);
        wr += support * (tp / support);
        betas.forEach((beta, k) => {
          const b2 = beta * beta;
          wf[k]! += (support * ((1 + b2) * tp)) / ((1 + b2) * tp + b2 * (support - tp) + (pred - tp));
        });
      }
      return {
        accuracy: computable(correct / rows),
        weighted_precision: computable(wp / rows),
        weighted_recall: computable(wr / rows),
        weighted_f1: computable(wf[0]! / rows),
        weighted_f0_5: computable(wf[1]! / rows),
        weighted_f2: computable(wf[2]! / rows),
      };
    },
  };
};

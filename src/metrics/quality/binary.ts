/**
 * Streaming binary classification metrics. Memory is fixed: four confusion counts, a few
 * compensated sums, the score histogram, and a bounded buffer for the exact AUC on small inputs.
 */
import { confusionMetrics, type ConfusionCounts } from './confusion.js';
import { exactRankingMetrics } from './ranking-exact.js';
import { ScoreHistogram } from './score-histogram.js';
import { CompensatedSum } from './sums.js';
import { notComputable, type Accumulator, type BinaryBatch, type MetricTable } from './types.js';
import {
  checkLength,
  columnsOf,
  logLossTerm,
  readLabel,
  readPrediction,
  readScore,
  sameColumns,
  type BinaryColumns,
  type BinaryOptions,
} from './binary-row.js';

export type { BinaryOptions } from './binary-row.js';

export interface BinaryAccumulator extends Accumulator<BinaryBatch> {
  /** The confusion counts behind the threshold metrics. */
  confusion(): ConfusionCounts;
}

const DEFAULT_EXACT_MAX_ROWS = 100_000;

/**
 * Creates a binary accumulator.
 *
 * Threshold metrics (accuracy, precision, recall, specificity, false_positive_rate, f1, f0_5, f2,
 * mcc) use the prediction column when there is one, else `score ≥ threshold`. Score metrics (auc,
 * average_precision, log_loss, brier) need the score column.
 *
 * @example
 * ```ts
 * const acc = createBinaryAccumulator({ threshold: 0.5 });
 * acc.add({ length: 3, label: Float64Array.of(1, 0, 1), score: Float64Array.of(0.9, 0.2, 0.4) });
 * acc.result().recall; // { value: 0.5 }
 * ```
 */
export const createBinaryAccumulator = (opts: BinaryOptions = {}): BinaryAccumulator => {
  const positiveLabel = opts.positiveLabel ?? 1;
  const threshold = opts.threshold ?? 0.5;
  const exactMax = opts.exactMaxRows ?? DEFAULT_EXACT_MAX_ROWS;
  const where = 'binary quality accumulator';
  const counts: ConfusionCounts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const logLoss = new CompensatedSum();
  const brier = new CompensatedSum();
  const histogram = new ScoreHistogram(opts.scoreBins);
  // The exact buffer is allocated lazily and grows to at most exactMax rows, then is dropped.
  let exactScores: Float64Array | null = exactMax > 0 ? new Float64Array(Math.min(1024, exactMax)) : null;
  let exactPositive: Uint8Array | null = exactMax > 0 ? new Uint8Array(Math.min(1024, exactMax)) : null;
  let columns: BinaryColumns | null = null;
  let rows = 0;

  const keepExact = (score: number, positive: boolean): void => {
    if (exactScores === null || exactPositive === null) return;
    if (rows >= exactMax) {
      exactScores = null;
      exactPositive = null;
      return;
    }
    if (rows >= exactScores.length) {
      const size = Math.min(exactMax, exactScores.length * 2);
      const s = new Float64Array(size);
      s.set(exactScores);
      const p = new Uint8Array(size);
      p.set(exactPositive);
      exactScores = s;
      exactPositive = p;
    }
    exactScores[rows] = score;
    exactPositive[rows] = positive ? 1 : 0;
  };

  return {
    get rows() {
      return rows;
    },
    add(batch: BinaryBatch): void {
      const cols = columnsOf(batch, where);
      if (columns === null) columns = cols;
      else sameColumns(columns, cols, where);
      checkLength(batch, [batch.score, batch.prediction], where);
      const { label, score, prediction } = batch;
      // Hot loop: counters and compensated sums live in locals for the batch and are folded in
      // once at the end (per-row method calls on shared objects cost more than the arithmetic).
      let { tp, fp, tn, fn } = counts;
      let llSum = 0;
      let llComp = 0;
      let brSum = 0;
      let brComp = 0;
      const n = batch.length;
      for (let i = 0; i < n; i++, rows++) {
        const positive = readLabel(label[i]!, rows) === positiveLabel;
        let s = Number.NaN;
        if (score !== undefined) {
          s = readScore(score[i]!, rows);
          histogram.add(s, positive);
          if (exactScores !== null) keepExact(s, positive);
          const ll = logLossTerm(positive, s);
          const t1 = llSum + ll;
          llComp += Math.abs(llSum) >= Math.abs(ll) ? llSum - t1 + ll : ll - t1 + llSum;
          llSum = t1;
          const d = s - (positive ? 1 : 0);
          const br = d * d;
          const t2 = brSum + br;
          brComp += Math.abs(brSum) >= Math.abs(br) ? brSum - t2 + br : br - t2 + brSum;
          brSum = t2;
        }
        const predictedPositive = prediction !== undefined ? readPrediction(prediction[i]!, rows) === positiveLabel : s >= threshold;
        if (predictedPositive) {
          if (positive) tp++;
          else fp++;
        } else if (positive) fn++;
        else tn++;
      }
      counts.tp = tp;
      counts.fp = fp;
      counts.tn = tn;
      counts.fn = fn;
      if (score !== undefined) {
        logLoss.add(llSum);
        logLoss.add(llComp);
        brier.add(brSum);
        brier.add(brComp);
      }
    },
    confusion: () => ({ ...counts }),
    result(): MetricTable {
      if (rows === 0) {
        const none = notComputable('no rows');
        return Object.fromEntries(
          [
            'accuracy',
            'precision',
            'recall',
            'specificity',
            'false_positive_rate',
            'f1',
            'f0_5',
            'f2',
            'mcc',
            'auc',
            'average_precision',
            'log_loss',
            'brier',
          ].map((k) => [k, none]),
        );
      }
      const table: MetricTable = { ...confusionMetrics(counts) };
      if (columns?.score) {
        const ranking = exactScores !== null && exactPositive !== null ? exactRankingMetrics(exactScores, exactPositive, rows) : histogram.metrics();
        table['auc'] = ranking.auc;
        table['average_precision'] = ranking.average_precision;
        table['log_loss'] = { value: logLoss.value / rows };
        table['brier'] = { value: brier.value / rows };
      } else {
        const none = notComputable('no score column');
        for (const k of ['auc', 'average_precision', 'log_loss', 'brier']) table[k] = none;
      }
      return table;
    },
  };
};

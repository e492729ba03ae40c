/**
 * Paired comparisons for multiclass classifiers (McNemar + bootstrap of accuracy) and regressors
 * (bootstrap of mae, mse, rmse, r2, mape).
 */
import { DEFAULT_REPLICATES, DEFAULT_SEED, OnlineBootstrap } from './bootstrap.js';
import { comparePaired, type ReplicateMetrics } from './comparison.js';
import { mcnemar, MCNEMAR_EXACT_BELOW } from './mcnemar.js';
import { createMulticlassAccumulator, type MulticlassOptions } from './multiclass.js';
import { resolveConfidence, type PairedAccumulator, type PairedOptions, type PairedResult } from './paired-binary.js';
import { createRegressionAccumulator, type RegressionOptions } from './regression.js';

/** Label and both models' predictions (class codes, or numbers for a regressor) on the same rows. */
export interface PairedPredictionBatch {
  length: number;
  label: Float64Array;
  candidate: { prediction: Float64Array };
  champion: { prediction: Float64Array };
}

/**
 * Paired multiclass accumulator. The bootstrap covers accuracy only: the weighted per-class
 * metrics need a confusion matrix per replicate whose size is unknown until the classes are seen.
 */
export const createPairedMulticlassAccumulator = (opts: MulticlassOptions & PairedOptions = {}): PairedAccumulator<PairedPredictionBatch> => {
  const confidence = resolveConfidence(opts.confidence);
  const cand = createMulticlassAccumulator(opts);
  const champ = createMulticlassAccumulator(opts);
  const boot = new OnlineBootstrap(3, opts.replicates ?? DEFAULT_REPLICATES, opts.seed ?? DEFAULT_SEED);
  const idx = Int32Array.of(0, 1, 2);
  const val = new Float64Array(3);
  let candOnly = 0;
  let champOnly = 0;
  const replicateMetrics: ReplicateMetrics = (s) => ({
    candidate: { accuracy: s[2]! > 0 ? s[0]! / s[2]! : null },
    champion: { accuracy: s[2]! > 0 ? s[1]! / s[2]! : null },
  });
  return {
    get rows() {
      return cand.rows;
    },
    add(batch: PairedPredictionBatch): void {
      cand.add({ length: batch.length, label: batch.label, prediction: batch.candidate.prediction });
      champ.add({ length: batch.length, label: batch.label, prediction: batch.champion.prediction });
      for (let i = 0; i < batch.length; i++) {
        const y = batch.label[i]!;
        const rightC = batch.candidate.prediction[i] === y;
        const rightH = batch.champion.prediction[i] === y;
        if (rightC && !rightH) candOnly++;
        else if (rightH && !rightC) champOnly++;
        val[0] = rightC ? 1 : 0;
        val[1] = rightH ? 1 : 0;
        val[2] = 1;
        boot.addRow(idx, val, 3);
      }
    },
    result(): PairedResult {
      const candidate = cand.result();
      const champion = champ.result();
      return {
        rows: cand.rows,
        candidate,
        champion,
        comparison: comparePaired(['accuracy'], candidate, champion, boot, replicateMetrics, confidence),
        mcnemar: mcnemar(candOnly, champOnly, cand.rows, opts.mcnemarExactBelow ?? MCNEMAR_EXACT_BELOW),
      };
    },
  };
};

// Regression replicate slots: per model |e|, e², relative error; shared weight and label sums.
const ABS = 0;
const SQ = 1;
const REL = 2;
const CHAMP = 3;
const W = 6;
const WY = 7;
const WYY = 8;

/**
 * Paired regression accumulator. Replicate label variance uses sums of (y − y₀) with y₀ the first
 * label, which keeps Σw(y−y₀)² − (Σw(y−y₀))²/Σw well conditioned for labels far from 0.
 */
export const createPairedRegressionAccumulator = (opts: RegressionOptions & PairedOptions = {}): PairedAccumulator<PairedPredictionBatch> => {
  const confidence = resolveConfidence(opts.confidence);
  const eps = opts.mapeEpsilon ?? Number.EPSILON;
  const cand = createRegressionAccumulator(opts);
  const champ = createRegressionAccumulator(opts);
  const boot = new OnlineBootstrap(9, opts.replicates ?? DEFAULT_REPLICATES, opts.seed ?? DEFAULT_SEED);
  const idx = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
  const val = new Float64Array(9);
  let y0: number | null = null;
  const replicateMetrics: ReplicateMetrics = (s) => {
    const w = s[W]!;
    const ssTot = w > 0 ? s[WYY]! - (s[WY]! * s[WY]!) / w : 0;
    const side = (o: number): Record<string, number | null> => {
      if (w === 0) return { mae: null, mse: null, rmse: null, r2: null, mape: null };
      const mse = s[o + SQ]! / w;
      // A replicate whose label variance is zero up to rounding has no R².
      const r2 = ssTot > 1e-12 * Math.max(1, s[WYY]!) ? 1 - s[o + SQ]! / ssTot : null;
      return { mae: s[o + ABS]! / w, mse, rmse: Math.sqrt(mse), r2, mape: s[o + REL]! / w };
    };
    return { candidate: side(0), champion: side(CHAMP) };
  };
  return {
    get rows() {
      return cand.rows;
    },
    add(batch: PairedPredictionBatch): void {
      cand.add({ length: batch.length, label: batch.label, prediction: batch.candidate.prediction });
      champ.add({ length: batch.length, label: batch.label, prediction: batch.champion.prediction });
      for (let i = 0; i < batch.length; i++) {
        const y = batch.label[i]!;
        if (y0 === null) y0 = y;
        const ec = Math.abs(y - batch.candidate.prediction[i]!);
        const eh = Math.abs(y - batch.champion.prediction[i]!);
        const den = Math.max(Math.abs(y), eps);
        val[ABS] = ec;
        val[SQ] = ec * ec;
        val[REL] = ec / den;
        val[CHAMP + ABS] = eh;
        val[CHAMP + SQ] = eh * eh;
        val[CHAMP + REL] = eh / den;
        val[W] = 1;
        val[WY] = y - y0;
        val[WYY] = (y - y0) * (y - y0);
        boot.addRow(idx, val, 9);
      }
    },
    result(): PairedResult {
      const candidate = cand.result();
      const champion = champ.result();
      return {
        rows: cand.rows,
        candidate,
        champion,
        comparison: comparePaired(['mae', 'mse', 'rmse', 'r2', 'mape'], candidate, champion, boot, replicateMetrics, confidence),
      };
    },
  };
};

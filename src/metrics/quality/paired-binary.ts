/**
 * A candidate and its champion scored on the same rows: both models' metrics, McNemar's test on
 * their correctness, and the online paired bootstrap of every counting metric.
 */
import { createBinaryAccumulator } from './binary.js';
import { DEFAULT_REPLICATES, DEFAULT_SEED, OnlineBootstrap } from './bootstrap.js';
import { comparePaired, type PairedComparison, type ReplicateMetrics } from './comparison.js';
import { confusionMetrics } from './confusion.js';
import { mcnemar, MCNEMAR_EXACT_BELOW, type McNemarResult } from './mcnemar.js';
import { logLossTerm, type BinaryOptions } from './binary-row.js';
import type { MetricTable } from './types.js';

/** The columns of one model in a paired batch. */
export interface ModelColumns {
  score?: Float64Array;
  prediction?: Float64Array;
}

export interface PairedBinaryBatch {
  length: number;
  label: Float64Array;
  candidate: ModelColumns;
  champion: ModelColumns;
}

export interface PairedOptions {
  /** Bootstrap replicates B (default 200). */
  replicates?: number;
  /** PRNG seed (default fixed): the same rows give the same bounds. */
  seed?: number;
  /** One-sided confidence of the bounds (default 0.95). */
  confidence?: number;
  /** Use McNemar's exact binomial test below this many discordant rows (default 25). */
  mcnemarExactBelow?: number;
}

export interface PairedResult {
  rows: number;
  candidate: MetricTable;
  champion: MetricTable;
  /** Per metric: candidate − champion, its bootstrap interval and the one-sided worsening bound. */
  comparison: Record<string, PairedComparison>;
  /** McNemar's test on accuracy (classifiers only). */
  mcnemar?: McNemarResult;
}

export interface PairedAccumulator<B> {
  add(batch: B): void;
  result(): PairedResult;
  readonly rows: number;
}

export const CONFUSION_NAMES = ['accuracy', 'precision', 'recall', 'specificity', 'false_positive_rate', 'f1', 'f0_5', 'f2', 'mcc'] as const;
const RANKING_NAMES = ['auc', 'average_precision'] as const;
// Statistic slots of one replicate.
const CAND = 0; // tp, fp, tn, fn at 0..3
const CHAMP = 4; // tp, fp, tn, fn at 4..7
const LL_CAND = 8;
const LL_CHAMP = 9;
const BR_CAND = 10;
const BR_CHAMP = 11;
const WEIGHT = 12;
const STATS = 13;

export const resolveConfidence = (c: number | undefined): number => {
  const confidence = c ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1)) throw new RangeError(`paired comparison: confidence must be in (0.5, 1), got ${confidence}`);
  return confidence;
};

/**
 * Creates a paired binary accumulator.
 *
 * @example
 * ```ts
 * const acc = createPairedBinaryAccumulator({ replicates: 200, seed: 7 });
 * acc.add({ length: n, label, candidate: { score: s1 }, champion: { score: s2 } });
 * const { comparison } = acc.result();
 * comparison.accuracy.worseningBound; // ≤ 0.01 ⇒ "not worse by more than 0.01 with 95% confidence"
 * ```
 */
export const createPairedBinaryAccumulator = (opts: BinaryOptions & PairedOptions = {}): PairedAccumulator<PairedBinaryBatch> => {
  const positiveLabel = opts.positiveLabel ?? 1;
  const threshold = opts.threshold ?? 0.5;
  const confidence = resolveConfidence(opts.confidence);
  const cand = createBinaryAccumulator(opts);
  const champ = createBinaryAccumulator(opts);
  const boot = new OnlineBootstrap(STATS, opts.replicates ?? DEFAULT_REPLICATES, opts.seed ?? DEFAULT_SEED);
  const idx = new Int32Array(7);
  const val = new Float64Array(7);
  let bothScores: boolean | null = null;
  let candOnly = 0;
  let champOnly = 0;

  const cell = (predictedPositive: boolean, positive: boolean): number => (predictedPositive ? (positive ? 0 : 1) : positive ? 3 : 2);
  const predicts = (m: ModelColumns, i: number): boolean => (m.prediction !== undefined ? m.prediction[i] === positiveLabel : m.score![i]! >= threshold);

  const replicateMetrics: ReplicateMetrics = (s) => {
    const side = (o: number, ll: number, br: number): Record<string, number | null> => {
      const t = confusionMetrics({ tp: s[o]!, fp: s[o + 1]!, tn: s[o + 2]!, fn: s[o + 3]! });
      const values: Record<string, number | null> = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.value]));
      if (bothScores && s[WEIGHT]! > 0) {
        values['log_loss'] = s[ll]! / s[WEIGHT]!;
        values['brier'] = s[br]! / s[WEIGHT]!;
      }
      return values;
    };
    return { candidate: side(CAND, LL_CAND, BR_CAND), champion: side(CHAMP, LL_CHAMP, BR_CHAMP) };
  };

  return {
    get rows() {
      return cand.rows;
    },
    add(batch: PairedBinaryBatch): void {
      // The plain accumulators validate every value first; the loop below can then trust them.
      cand.add({ length: batch.length, label: batch.label, ...batch.candidate });
      champ.add({ length: batch.length, label: batch.label, ...batch.champion });
      const scores = batch.candidate.score !== undefined && batch.champion.score !== undefined;
      if (bothScores === null) bothScores = scores;
      const c = batch.candidate;
      const h = batch.champion;
      for (let i = 0; i < batch.length; i++) {
        const positive = batch.label[i] === positiveLabel;
        const pc = predicts(c, i);
        const ph = predicts(h, i);
        const rightC = pc === positive;
        const rightH = ph === positive;
        if (rightC && !rightH) candOnly++;
        else if (rightH && !rightC) champOnly++;
        idx[0] = CAND + cell(pc, positive);
        idx[1] = CHAMP + cell(ph, positive);
        idx[2] = WEIGHT;
        val[0] = 1;
        val[1] = 1;
        val[2] = 1;
        let k = 3;
        if (bothScores) {
          const sc = c.score![i]!;
          const sh = h.score![i]!;
          idx[k] = LL_CAND;
          val[k++] = logLossTerm(positive, sc);
          idx[k] = LL_CHAMP;
          val[k++] = logLossTerm(positive, sh);
          idx[k] = BR_CAND;
          val[k++] = (sc - (positive ? 1 : 0)) ** 2;
          idx[k] = BR_CHAMP;
          val[k++] = (sh - (positive ? 1 : 0)) ** 2;
        }
        boot.addRow(idx, val, k);
      }
    },
    result(): PairedResult {
      const candidate = cand.result();
      const champion = champ.result();
      const names = bothScores ? [...CONFUSION_NAMES, 'log_loss', 'brier'] : [...CONFUSION_NAMES];
      const comparison = comparePaired(names, candidate, champion, boot, replicateMetrics, confidence);
      for (const name of RANKING_NAMES) {
        const a = candidate[name]?.value ?? null;
        const b = champion[name]?.value ?? null;
        comparison[name] = {
          difference: a !== null && b !== null ? a - b : null,
          worseningBound: null,
          greaterIsBetter: true,
          replicatesUsed: 0,
          reason: `${name} is a ranking metric, not a function of fixed-size counts: the online bootstrap does not cover it`,
        };
      }
      return {
        rows: cand.rows,
        candidate,
        champion,
        comparison,
        mcnemar: mcnemar(candOnly, champOnly, cand.rows, opts.mcnemarExactBelow ?? MCNEMAR_EXACT_BELOW),
      };
    },
  };
};

/**
 * The candidate and the champion scored on the same rows: both predictions files streamed in
 * lockstep into a paired accumulator, which yields both models' metrics, McNemar's test and a
 * one-sided bootstrap bound on how much worse the candidate is, per metric.
 */
import type { EvidenceHandle } from '../../src/core/evidence.js';
import { DatasetError } from '../../src/metrics/dataset/index.js';
import {
  createPairedBinaryAccumulator,
  createPairedMulticlassAccumulator,
  createPairedRegressionAccumulator,
  QualityInputError,
  type McNemarResult,
  type PairedComparison,
  type PairedResult,
} from '../../src/metrics/quality/index.js';
import type { QualityProblemType } from '../../src/metrics/quality-report.js';
import { toReport, withAliasComparisons, type ComputedQualityReport } from './computed-report.js';
import { DEFAULT_CONFIDENCE, type ModelQualityConfig } from './config.js';
import { requireProblemType } from './from-predictions.js';
import { LabelVocabulary } from './labels.js';
import { lockstep, RowCountMismatch, type AlignedRows } from './lockstep.js';
import { PredictionsReader } from './predictions-reader.js';

export interface PairedQuality {
  candidate: ComputedQualityReport;
  champion: ComputedQualityReport;
  /** Per metric: difference, interval and the one-sided worsening bound at `confidence`. */
  comparison: Record<string, PairedComparison>;
  /** McNemar's test on accuracy (classifiers). */
  mcnemar?: McNemarResult;
  confidence: number;
  rows: number;
}

interface PairedSink {
  add(rows: AlignedRows): void;
  result(): PairedResult;
}

const pairedAccumulatorFor = (problemType: QualityProblemType, config: ModelQualityConfig, confidence: number): PairedSink => {
  if (problemType === 'binary_classification') {
    const acc = createPairedBinaryAccumulator({ positiveLabel: 1, threshold: config.scoreThreshold ?? 0.5, confidence });
    const cols = (b: AlignedRows['candidate']) => ({ ...(b.score ? { score: b.score } : {}), ...(b.prediction ? { prediction: b.prediction } : {}) });
    return {
      add: ({ candidate: c, champion: h }) => acc.add({ length: c.rows, label: c.label, candidate: cols(c), champion: cols(h) }),
      result: () => acc.result(),
    };
  }
  const acc = problemType === 'regression' ? createPairedRegressionAccumulator({ confidence }) : createPairedMulticlassAccumulator({ confidence });
  return {
    add: ({ candidate: c, champion: h }) =>
      acc.add({ length: c.rows, label: c.label, candidate: { prediction: c.prediction! }, champion: { prediction: h.prediction! } }),
    result: () => acc.result(),
  };
};

const NOT_SAME_ROWS = "the candidate's and the champion's predictions are not the same rows";
const NEEDS = 'the paired comparison needs both models scored on the same rows in the same order (or championComparison: point)';

const at = (line: number | undefined): string => (line === undefined ? '' : ` (line ${line})`);

/** The first row whose labels differ, or -1. */
const firstMismatch = (rows: AlignedRows): number => {
  const a = rows.candidate.key;
  const b = rows.champion.key;
  for (let i = 0; i < rows.candidate.rows; i++) if (a[i] !== b[i]) return i;
  return -1;
};

/**
 * Both models' quality on the same rows, with the paired comparison.
 *
 * @param championWhose prefixes the champion's file in messages: `champion (version 3) `.
 * @throws DatasetError when the files are not the same rows (a label differs, or one is longer),
 * naming the row and the line in each file; the errors of {@link qualityFromPredictions} otherwise.
 */
export const pairedQualityFromPredictions = async (
  candidate: EvidenceHandle,
  champion: EvidenceHandle,
  config: ModelQualityConfig,
  signal: AbortSignal,
  championWhose = 'champion ',
): Promise<PairedQuality> => {
  const problemType = requireProblemType(config, candidate.ref.name);
  const confidence = config.confidence ?? DEFAULT_CONFIDENCE;
  // One vocabulary: a class has the same code in both files, so labels compare as numbers.
  const vocabulary = new LabelVocabulary(config.positiveLabel ?? 1);
  const cand = new PredictionsReader(candidate, config, problemType, vocabulary, signal, 'candidate ');
  const champ = new PredictionsReader(champion, config, problemType, vocabulary, signal, championWhose);
  const sink = pairedAccumulatorFor(problemType, config, confidence);
  try {
    for await (const rows of lockstep(cand.batches(), champ.batches())) {
      const i = firstMismatch(rows);
      if (i >= 0) {
        const row = rows.firstRow + i;
        const [lc, lh] = [await cand.lineOf(row), await champ.lineOf(row)];
        throw new DatasetError(
          cand.source,
          `${NOT_SAME_ROWS}: data row ${row + 1} has label ${cand.describeKey(rows.candidate.key[i]!)} here but ${champ.describeKey(rows.champion.key[i]!)} in ${champ.source}${at(lh)}; ${NEEDS}`,
          lc !== undefined ? { line: lc } : {},
        );
      }
      sink.add(rows);
    }
  } catch (err) {
    if (err instanceof RowCountMismatch) {
      const [longer, shorter] = err.longer === 'candidate' ? [cand, champ] : [champ, cand];
      const line = await longer.lineOf(err.shorterRows);
      throw new DatasetError(
        longer.source,
        `${NOT_SAME_ROWS}: ${shorter.source} has ${err.shorterRows} rows, ${longer.source} has more (its data row ${err.shorterRows + 1}${at(line)} has no partner); ${NEEDS}`,
        line !== undefined ? { line } : {},
      );
    }
    if (err instanceof QualityInputError) {
      const line = await cand.lineOf(err.row);
      throw new DatasetError(`${cand.source} / ${champ.source}`, err.message, line !== undefined ? { line } : {});
    }
    throw err;
  }
  const r = sink.result();
  return {
    candidate: toReport(problemType, r.candidate, {
      rows: r.rows,
      source: cand.source,
      description: cand.describe(),
      notes: [{ severity: 'info', message: `computed from ${cand.describe()}` }],
    }),
    champion: toReport(problemType, r.champion, {
      rows: r.rows,
      source: champ.source,
      description: champ.describe(),
      notes: [{ severity: 'info', message: `champion computed from ${champ.describe()}` }],
    }),
    comparison: withAliasComparisons(problemType, r.comparison),
    ...(r.mcnemar ? { mcnemar: r.mcnemar } : {}),
    confidence,
    rows: r.rows,
  };
};

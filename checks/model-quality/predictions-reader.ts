/**
 * One model's predictions dataset as the quality accumulators want it: batches of Float64Arrays
 * (label, score, prediction) in one streaming pass, with class values mapped to numbers, scores
 * checked to be probabilities, and every problem reported with the file, line and column.
 */
import type { EvidenceHandle } from '../../src/core/evidence.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { fmt } from '../../src/core/thresholds.js';
import {
  DatasetError,
  formatFromName,
  readColumns,
  type CategoryColumn,
  type ColumnBatch,
  type ColumnSpec,
  type DatasetFormat,
  type NumberColumn,
} from '../../src/metrics/dataset/index.js';
import type { QualityProblemType } from '../../src/metrics/quality-report.js';
import { DEFAULT_COLUMNS, type ModelQualityConfig } from './config.js';
import { ColumnCodes, type LabelVocabulary } from './labels.js';

/** Rows of one model, ready for an accumulator. Arrays are views; `label` etc. have `rows` values. */
export interface ModelBatch {
  rows: number;
  /** Binary: 1 positive / 0 negative. Multiclass: the class code. Regression: the value. */
  label: Float64Array;
  /** What identifies a row's label when two files are compared row by row (class code or value). */
  key: Float64Array;
  score?: Float64Array;
  prediction?: Float64Array;
}

/** Where a binary model's predicted class comes from. */
export type PredictedFrom = { kind: 'prediction'; column: string } | { kind: 'score'; column: string; threshold: number };

// Binary and multiclass class columns: more distinct values than this is a continuous column read as classes.
const MAX_CLASSES = 1000;

const baseName = (uri: string): string => {
  const path = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || uri;
};

/** A value that the formulas cannot take, found while converting a batch. */
class RowValueError extends Error {
  constructor(
    readonly row: number,
    readonly column: string,
    message: string,
  ) {
    super(message);
    this.name = 'RowValueError';
  }
}

/** A binary dataset with neither a score nor a prediction column. */
class NoPredictionColumnError extends Error {}

// The largest batch when an error's line is looked up again.
const LOCATE_BATCH_ROWS = 65_536;

/** The largest divisor of `n` (≥ 1) that is at most `limit`: n / the smallest divisor ≥ n / limit. */
const largestDivisorAtMost = (n: number, limit: number): number => {
  for (let q = Math.max(1, Math.ceil(n / limit)); q <= n; q++) if (n % q === 0) return n / q;
  return 1;
};

/** A predictions dataset read for one model. */
export class PredictionsReader {
  /** The file name messages use, prefixed with whose it is (`champion (version 3) preds.csv`). */
  readonly source: string;
  readonly problemType: QualityProblemType;
  private readonly specs: ColumnSpec[];
  private readonly format: DatasetFormat;
  private readonly names: { label: string; prediction: string; score: string };
  private readonly labelCodes: ColumnCodes;
  private readonly predictionCodes: ColumnCodes;
  private readonly scoreThreshold: number | undefined;
  private predicted: PredictedFrom | undefined;
  private rowCount = 0;

  constructor(
    private readonly handle: EvidenceHandle,
    config: ModelQualityConfig,
    problemType: QualityProblemType,
    private readonly vocabulary: LabelVocabulary,
    private readonly signal: AbortSignal,
    whose = '',
  ) {
    const file = baseName(handle.ref.uri);
    this.source = `${whose}${file}`;
    this.format = formatFromName(file);
    this.problemType = problemType;
    const given = config.columns ?? {};
    this.names = { ...DEFAULT_COLUMNS, ...given };
    this.scoreThreshold = config.scoreThreshold;
    this.labelCodes = new ColumnCodes(vocabulary);
    this.predictionCodes = new ColumnCodes(vocabulary);
    const { label, prediction, score } = this.names;
    if (problemType === 'regression') {
      this.specs = [
        { name: label, kind: 'number' },
        { name: prediction, kind: 'number' },
      ];
    } else if (problemType === 'multiclass_classification') {
      this.specs = [
        { name: label, kind: 'category', maxDistinct: MAX_CLASSES },
        { name: prediction, kind: 'category', maxDistinct: MAX_CLASSES },
      ];
    } else {
      // A name the policy wrote must exist; a default name is used when present (as in the bias check).
      this.specs = [
        { name: label, kind: 'category', maxDistinct: MAX_CLASSES },
        { name: prediction, kind: 'category', maxDistinct: MAX_CLASSES, optional: given.prediction === undefined },
        { name: score, kind: 'number', optional: given.score === undefined && config.scoreThreshold === undefined },
      ];
    }
  }

  /** Rows read so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** How the binary predicted class was obtained (known after the first batch). */
  get predictedFrom(): PredictedFrom | undefined {
    return this.predicted;
  }

  /** The label of a row as the file writes it (canonical form), from its key. */
  describeKey(key: number): string {
    return this.problemType === 'regression' ? fmt(key) : this.vocabulary.describe(this.vocabulary.text(key));
  }

  /** One sentence for the findings: where the numbers came from. */
  describe(): string {
    const p = this.predicted;
    const how =
      p === undefined ? '' : p.kind === 'prediction' ? `, predicted class from column "${p.column}"` : `, predicted class = ${p.column} ≥ ${fmt(p.threshold)}`;
    const positive = this.problemType === 'binary_classification' ? `, positive label ${this.vocabulary.describe(this.vocabulary.positiveLabel)}` : '';
    return `${this.source}: ${this.rowCount} rows${how}${positive}`;
  }

  /** The batches, in one pass. Throws DatasetError (file, line, column) or InvalidInputError. */
  async *batches(): AsyncGenerator<ModelBatch> {
    try {
      for await (const batch of readColumns(this.handle.stream(), {
        columns: this.specs,
        format: this.format,
        sourceName: this.source,
        signal: this.signal,
      })) {
        yield this.convert(batch);
      }
    } catch (err) {
      if (err instanceof RowValueError) {
        const line = await this.lineOf(err.row);
        throw new DatasetError(this.source, `${err.message} (data row ${err.row + 1})`, { ...(line !== undefined ? { line } : {}), column: err.column });
      }
      if (err instanceof NoPredictionColumnError) {
        throw new DatasetError(
          this.source,
          `has neither a score column "${this.names.score}" nor a prediction column "${this.names.prediction}"; ${await this.columnsFound()} (a binary classifier needs one: set columns.score or columns.prediction to the name the file uses)`,
        );
      }
      throw err;
    }
    this.finish();
  }

  /**
   * The physical line of data row `row` (0-based). A batch carries only the line of its first row
   * (blank lines and quoted line breaks can sit between rows), so the file is read again in
   * batches of a size that divides `row`: one batch then starts exactly at that row. Only error
   * paths ask, so only they pay for the second read.
   */
  async lineOf(row: number): Promise<number | undefined> {
    const batchRows = row === 0 ? 1 : largestDivisorAtMost(row, LOCATE_BATCH_ROWS);
    let seen = 0;
    for await (const b of readColumns(this.handle.stream(), {
      columns: this.specs,
      format: this.format,
      sourceName: this.source,
      signal: this.signal,
      batchRows,
    })) {
      if (seen === row) return b.firstLine;
      seen += b.rows;
    }
    return undefined;
  }

  private convert(batch: ColumnBatch): ModelBatch {
    const n = batch.rows;
    const first = this.rowCount;
    const cols = batch.columns;
    let out: ModelBatch;
    if (this.problemType === 'regression') {
      const label = (cols[0] as NumberColumn).values;
      out = { rows: n, label, key: label, prediction: (cols[1] as NumberColumn).values };
    } else if (this.problemType === 'multiclass_classification') {
      const label = new Float64Array(n);
      const prediction = new Float64Array(n);
      this.labelCodes.convert(cols[0] as CategoryColumn, n, label);
      this.predictionCodes.convert(cols[1] as CategoryColumn, n, prediction);
      out = { rows: n, label, key: label, prediction };
    } else {
      out = this.convertBinary(cols[0] as CategoryColumn, cols[1] as CategoryColumn | null, cols[2] as NumberColumn | null, n, first);
    }
    this.rowCount += n;
    return out;
  }

  private convertBinary(labels: CategoryColumn, predictions: CategoryColumn | null, scores: NumberColumn | null, n: number, first: number): ModelBatch {
    if (this.predicted === undefined) this.predicted = this.decidePredicted(predictions, scores);
    const key = new Float64Array(n);
    this.labelCodes.convert(labels, n, key);
    this.assertTwoClasses(this.labelCodes, this.names.label);
    const label = new Float64Array(n);
    for (let i = 0; i < n; i++) label[i] = this.vocabulary.isPositive(key[i]!) ? 1 : 0;
    const out: ModelBatch = { rows: n, label, key };
    if (scores) {
      const s = scores.values;
      for (let i = 0; i < n; i++) {
        const v = s[i]!;
        if (!(v >= 0 && v <= 1)) throw new RowValueError(first + i, scores.name, `score ${fmt(v)} is not a probability in [0, 1]`);
      }
      out.score = s;
    }
    if (predictions && this.predicted.kind === 'prediction') {
      const p = new Float64Array(n);
      this.predictionCodes.convert(predictions, n, p);
      this.assertTwoClasses(this.predictionCodes, this.names.prediction);
      for (let i = 0; i < n; i++) p[i] = this.vocabulary.isPositive(p[i]!) ? 1 : 0;
      out.prediction = p;
    }
    return out;
  }

  /** scoreThreshold set: the score decides; else the prediction column when present; else score ≥ 0.5. */
  private decidePredicted(predictions: CategoryColumn | null, scores: NumberColumn | null): PredictedFrom {
    if (this.scoreThreshold !== undefined && scores) return { kind: 'score', column: scores.name, threshold: this.scoreThreshold };
    if (predictions) return { kind: 'prediction', column: predictions.name };
    if (scores) return { kind: 'score', column: scores.name, threshold: 0.5 };
    throw new NoPredictionColumnError();
  }

  /** The dataset's header as the reader describes it, by asking it for the two columns it lacks. */
  private async columnsFound(): Promise<string> {
    const marker = 'the header has ';
    const wanted = [this.names.score, this.names.prediction].map((name) => ({ name, kind: 'number' as const }));
    try {
      for await (const _ of readColumns(this.handle.stream(), { columns: wanted, format: this.format, sourceName: this.source, signal: this.signal })) break;
    } catch (err) {
      const message = err instanceof DatasetError ? err.message : '';
      const at = message.indexOf(marker);
      if (at >= 0) return message.slice(at);
    }
    return 'the header could not be read';
  }

  private assertTwoClasses(codes: ColumnCodes, column: string): void {
    if (codes.seen.length <= 2) return;
    throw new InvalidInputError(
      `column "${column}" has more than two distinct values (${codes.describe()})`,
      this.source,
      'two classes for binary_classification; is the problemType multiclass_classification or regression?',
    );
  }

  /** End-of-file checks that need every row. */
  private finish(): void {
    if (this.problemType !== 'binary_classification') return;
    const hasPositive = this.labelCodes.seen.some((id) => this.vocabulary.isPositive(id));
    if (!hasPositive) {
      // With no positive label every row counts as negative and accuracy can look perfect: refuse.
      throw new InvalidInputError(
        `no value of column "${this.names.label}" equals positiveLabel ${this.vocabulary.describe(this.vocabulary.positiveLabel)} (values seen: ${this.labelCodes.describe()})`,
        this.source,
        'positiveLabel set to the label of the positive class, and an evaluation set with positive rows',
      );
    }
    const labels = new Set(this.labelCodes.seen);
    if (this.predicted?.kind === 'prediction' && !this.predictionCodes.seen.some((id) => labels.has(id))) {
      // Predictions spelt differently from the labels (yes/no against 1/0) would all count as negative.
      throw new InvalidInputError(
        `column "${this.names.prediction}" shares no value with column "${this.names.label}" (predictions: ${this.predictionCodes.describe()}; labels: ${this.labelCodes.describe()})`,
        this.source,
        'predicted classes written as the labels are',
      );
    }
  }
}

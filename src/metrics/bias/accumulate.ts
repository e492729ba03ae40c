/**
 * One pass over column batches, counting rows by (stratum, label value, group, predicted label)
 * for every facet at once. Memory depends on the numbers of distinct labels and strata, never on
 * the number of rows.
 */
import type { CategoryColumn, ColumnBatch, NumberColumn } from '../dataset/types.js';
import { isNumericFacet, sameValue } from './facets.js';
import type { FacetCounts, FacetSpec, FacetValue } from './types.js';

/** Where each input sits in a batch (indexes into `batch.columns`). */
export interface BatchLayout {
  label: number;
  prediction: number | null;
  score: number | null;
  group: number | null;
  /** One per facet, in facet order. */
  facets: number[];
}

/** How the predicted label is obtained. */
export type PredictedFrom = { kind: 'prediction'; column: string } | { kind: 'score'; column: string; threshold: number } | null;

const extendFlags = (flags: Uint8Array, dictionary: readonly string[], test: (v: string) => boolean): Uint8Array => {
  if (flags.length >= dictionary.length) return flags;
  const next = new Uint8Array(Math.max(dictionary.length, flags.length * 2));
  next.set(flags);
  for (let i = flags.length; i < dictionary.length; i++) next[i] = test(dictionary[i]!) ? 1 : 0;
  return next;
};

/** base[i] = cell index of row i without its group bit; also counts the population's (y, ŷ). */
const basesFromPrediction = (
  base: Int32Array,
  labels: Int32Array,
  strata: Int32Array | null,
  capL: number,
  predictions: Int32Array | null,
  predictedPositive: Uint8Array,
  positive: Uint8Array,
  pop: Float64Array,
  rows: number,
): void => {
  for (let i = 0; i < rows; i++) {
    const l = labels[i]!;
    const p = predictions === null ? 0 : predictedPositive[predictions[i]!]!;
    const s = strata === null ? 0 : strata[i]!;
    base[i] = (s * capL + l) * 4 + p;
    pop[positive[l]! * 2 + p]!++;
  }
};

const basesFromScore = (
  base: Int32Array,
  labels: Int32Array,
  strata: Int32Array | null,
  capL: number,
  scores: Float64Array,
  threshold: number,
  positive: Uint8Array,
  pop: Float64Array,
  rows: number,
): void => {
  for (let i = 0; i < rows; i++) {
    const l = labels[i]!;
    const p = scores[i]! >= threshold ? 1 : 0;
    const s = strata === null ? 0 : strata[i]!;
    base[i] = (s * capL + l) * 4 + p;
    pop[positive[l]! * 2 + p]!++;
  }
};

/** Group d = value ≥ t (sensitiveAtLeast). */
const countAtLeast = (cells: Float64Array, base: Int32Array, values: Float64Array, t: number, rows: number): void => {
  for (let i = 0; i < rows; i++) cells[base[i]! + (values[i]! >= t ? 2 : 0)]!++;
};

/** Group d = the value's code is flagged in `sensitive`. */
const countMember = (cells: Float64Array, base: Int32Array, codes: Int32Array, sensitive: Uint8Array, rows: number): void => {
  for (let i = 0; i < rows; i++) cells[base[i]! + (sensitive[codes[i]!]! << 1)]!++;
};

export class BiasAccumulator {
  rows = 0;
  /** Confusion counts of the whole population, index y * 2 + p. */
  readonly population = new Float64Array(4);
  private predicted: PredictedFrom | undefined;
  private capL = 4;
  private capS = 1;
  private cells: Float64Array[];
  private positive: Uint8Array = new Uint8Array(0);
  private predictedPositive: Uint8Array = new Uint8Array(0);
  private sensitive: Uint8Array[];
  private base = new Int32Array(0);
  private labelDictionary: readonly string[] = [];
  private groupDictionary: readonly string[] | null = null;
  /** The distinct values of the prediction column, when ŷ comes from it. */
  predictionDictionary: readonly string[] | null = null;

  constructor(
    private readonly facets: readonly FacetSpec[],
    private readonly layout: BatchLayout,
    private readonly positiveLabel: FacetValue,
    /** When set, ŷ = score ≥ threshold even if a prediction column exists. */
    private readonly scoreThreshold: number | undefined,
  ) {
    this.cells = facets.map(() => new Float64Array(this.capL * this.capS * 4));
    this.sensitive = facets.map(() => new Uint8Array(0));
  }

  /** How ŷ was obtained (decided by the first batch). */
  get predictedFrom(): PredictedFrom {
    return this.predicted ?? null;
  }

  get labels(): readonly string[] {
    return this.labelDictionary;
  }

  add(batch: ColumnBatch): void {
    const rows = batch.rows;
    if (rows === 0) return;
    const cols = batch.columns;
    const label = cols[this.layout.label] as CategoryColumn;
    const prediction = this.layout.prediction === null ? null : (cols[this.layout.prediction] as CategoryColumn | null);
    const score = this.layout.score === null ? null : (cols[this.layout.score] as NumberColumn | null);
    const group = this.layout.group === null ? null : (cols[this.layout.group] as CategoryColumn | null);
    if (this.predicted === undefined) {
      if (this.scoreThreshold !== undefined && score) this.predicted = { kind: 'score', column: score.name, threshold: this.scoreThreshold };
      else if (prediction) this.predicted = { kind: 'prediction', column: prediction.name };
      else if (score) this.predicted = { kind: 'score', column: score.name, threshold: 0.5 };
      else this.predicted = null;
    }
    this.labelDictionary = label.dictionary;
    if (group) this.groupDictionary = group.dictionary;
    this.ensureCapacity(label.dictionary.length, group ? group.dictionary.length : 1);
    this.positive = extendFlags(this.positive, label.dictionary, (v) => sameValue(v, this.positiveLabel));

    if (this.base.length < rows) this.base = new Int32Array(rows);
    const base = this.base;
    const capL = this.capL;
    const lc = label.codes;
    const pos = this.positive;
    const pop = this.population;
    const gc = group ? group.codes : null;
    const mode = this.predicted === null ? 0 : this.predicted.kind === 'prediction' ? 1 : 2;
    let pc: Int32Array | null = null;
    let predPos = this.predictedPositive;
    if (mode === 1) {
      const pcol = prediction!;
      this.predictedPositive = predPos = extendFlags(predPos, pcol.dictionary, (v) => sameValue(v, this.positiveLabel));
      pc = pcol.codes;
      this.predictionDictionary = pcol.dictionary;
    }
    // Small monomorphic loops: one big loop with every branch would be compiled before some
    // branches ever ran and deoptimised on each batch.
    if (mode === 1) basesFromPrediction(base, lc, gc, capL, pc!, predPos, pos, pop, rows);
    else if (mode === 2) basesFromScore(base, lc, gc, capL, score!.values, (this.predicted as { threshold: number }).threshold, pos, pop, rows);
    else basesFromPrediction(base, lc, gc, capL, null, predPos, pos, pop, rows);
    for (let f = 0; f < this.facets.length; f++) {
      const facet = this.facets[f]!;
      const col = cols[this.layout.facets[f]!]!;
      if (isNumericFacet(facet)) {
        countAtLeast(this.cells[f]!, base, (col as NumberColumn).values, facet.sensitiveAtLeast, rows);
      } else {
        const c = col as CategoryColumn;
        const wanted = facet.sensitive;
        const table = (this.sensitive[f] = extendFlags(this.sensitive[f]!, c.dictionary, (v) => wanted.some((w) => sameValue(v, w))));
        countMember(this.cells[f]!, base, c.codes, table, rows);
      }
    }
    this.rows += rows;
  }

  /** Grows every facet's counts when the label or stratum dictionaries outgrow them. */
  private ensureCapacity(L: number, S: number): void {
    if (L <= this.capL && S <= this.capS) return;
    const capL = Math.max(this.capL, L <= this.capL ? this.capL : Math.max(L, this.capL * 2));
    const capS = Math.max(this.capS, S <= this.capS ? this.capS : Math.max(S, this.capS * 2));
    this.cells = this.cells.map((old) => {
      const next = new Float64Array(capL * capS * 4);
      for (let s = 0; s < this.capS; s++) next.set(old.subarray(s * this.capL * 4, (s + 1) * this.capL * 4), s * capL * 4);
      return next;
    });
    this.capL = capL;
    this.capS = capS;
  }

  /** The counts of each facet, compacted to the labels and strata seen. */
  counts(): FacetCounts[] {
    const L = this.labelDictionary.length;
    const strata = this.groupDictionary;
    const S = strata ? strata.length : 1;
    const positive = this.labelDictionary.map((v) => sameValue(v, this.positiveLabel));
    return this.cells.map((cells) => {
      const out = new Float64Array(S * L * 4);
      for (let s = 0; s < S; s++) out.set(cells.subarray(s * this.capL * 4, s * this.capL * 4 + L * 4), s * L * 4);
      return {
        labels: this.labelDictionary,
        positive,
        strata: strata ? [...strata] : null,
        cells: out,
        predictions: this.predicted !== null && this.predicted !== undefined,
      };
    });
  }
}

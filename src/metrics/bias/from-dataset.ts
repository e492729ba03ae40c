/**
 * Bias metrics straight from a predictions dataset: one streaming pass (readColumns →
 * BiasAccumulator), then the formulas on the counts.
 */
import { readColumns } from '../dataset/read-columns.js';
import type { ColumnSpec, DatasetFormat } from '../dataset/types.js';
import { BiasAccumulator, type PredictedFrom } from './accumulate.js';
import { facetBias, populationBias, type FacetBias } from './compute.js';
import { isNumericFacet, sameValue } from './facets.js';
import type { BiasValue, FacetSpec, FacetValue } from './types.js';

export interface BiasDatasetOptions {
  /**
   * Column names. `label` must exist. `prediction`, `score` and `group` are used when present;
   * list a name in `required` to make its absence an error (a name the policy wrote explicitly).
   */
  columns: { label: string; prediction?: string; score?: string; group?: string };
  required?: Array<'prediction' | 'score' | 'group'>;
  /** Default 1. Compared as text (see sameValue). */
  positiveLabel?: FacetValue;
  /**
   * When set, ŷ = (score ≥ scoreThreshold), and the score column is required. When not set, ŷ
   * comes from the prediction column if present, else from score ≥ 0.5.
   */
  scoreThreshold?: number;
  facets: FacetSpec[];
  /** Default 30. */
  minGroupSize?: number;
  format?: DatasetFormat;
  /** How errors name the file. */
  sourceName?: string;
  signal?: AbortSignal;
  batchRows?: number;
}

export interface BiasResult {
  rows: number;
  facets: FacetBias[];
  /** Metrics of the whole population: GE. */
  population: { GE: BiasValue };
  predictedFrom: PredictedFrom;
  /** Things a reader should know (e.g. no label equals the positive label). */
  notes: string[];
}

const listed = (values: readonly string[]): string => {
  const shown = values
    .slice(0, 10)
    .map((v) => JSON.stringify(v))
    .join(', ');
  return values.length > 10 ? `${shown}, ...` : shown;
};

/**
 * Computes every bias metric of every facet from a predictions dataset in one pass.
 *
 * @example
 * ```ts
 * const result = await biasFromDataset(evidence.stream(), {
 *   sourceName: 'predictions.csv',
 *   columns: { label: 'label', prediction: 'prediction', score: 'score' },
 *   facets: [{ column: 'sex', sensitive: ['F'] }, { column: 'age', sensitiveAtLeast: 60 }],
 * });
 * result.facets[0]!.metrics.DI; // { value, interval } | { value: null, reason }
 * ```
 */
export const biasFromDataset = async (source: AsyncIterable<Uint8Array>, options: BiasDatasetOptions): Promise<BiasResult> => {
  const positiveLabel = options.positiveLabel ?? 1;
  const minGroupSize = options.minGroupSize ?? 30;
  const required = new Set(options.required ?? []);
  const { columns } = options;
  const specs: ColumnSpec[] = [{ name: columns.label, kind: 'category', maxDistinct: 1000 }];
  const add = (spec: ColumnSpec): number => specs.push(spec) - 1;
  const prediction = columns.prediction ? add({ name: columns.prediction, kind: 'category', maxDistinct: 1000, optional: !required.has('prediction') }) : null;
  const scoreRequired = required.has('score') || options.scoreThreshold !== undefined;
  const score = columns.score ? add({ name: columns.score, kind: 'number', optional: !scoreRequired }) : null;
  if (options.scoreThreshold !== undefined && score === null) throw new TypeError('scoreThreshold needs columns.score');
  const group = columns.group ? add({ name: columns.group, kind: 'category', maxDistinct: 10_000, optional: !required.has('group') }) : null;
  const facets = options.facets.map((f) => add({ name: f.column, kind: isNumericFacet(f) ? 'number' : 'category' }));

  const acc = new BiasAccumulator(options.facets, { label: 0, prediction, score, group, facets }, positiveLabel, options.scoreThreshold);
  let groupPresent = false;
  for await (const batch of readColumns(source, {
    columns: specs,
    ...(options.format ? { format: options.format } : {}),
    ...(options.sourceName ? { sourceName: options.sourceName } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.batchRows ? { batchRows: options.batchRows } : {}),
  })) {
    if (group !== null && batch.columns[group]) groupPresent = true;
    acc.add(batch);
  }

  const notes: string[] = [];
  if (!acc.labels.some((v) => sameValue(v, positiveLabel))) {
    notes.push(
      `no value of label column "${columns.label}" equals positiveLabel ${JSON.stringify(positiveLabel)} (values seen: ${listed(acc.labels)}), so every row counts as negative`,
    );
  }
  const predDict = acc.predictionDictionary;
  if (predDict && !predDict.some((v) => sameValue(v, positiveLabel))) {
    notes.push(
      `no value of prediction column "${columns.prediction}" equals positiveLabel ${JSON.stringify(positiveLabel)} (values seen: ${listed(predDict)}), so every row is predicted negative`,
    );
  }
  const groupColumn = group !== null && groupPresent ? columns.group! : null;
  const counts = acc.counts();
  const pop = acc.population;
  return {
    rows: acc.rows,
    facets: options.facets.map((facet, i) => facetBias(counts[i]!, facet, { minGroupSize, groupColumn: groupColumn ?? columns.group ?? null })),
    population: { GE: populationBias({ tn: pop[0]!, fp: pop[1]!, fn: pop[2]!, tp: pop[3]! }, acc.predictedFrom !== null, minGroupSize) },
    predictedFrom: acc.predictedFrom,
    notes,
  };
};

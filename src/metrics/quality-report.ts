/**
 * SageMaker Model Monitor model quality statistics (FORMATS.md), as written by a baseline job or
 * by hand in a pipeline's evaluation step. Parsed leniently where the shape varies (extra
 * sections, curves, baselines) and strictly where modelgate relies on it (each metric's value).
 */
import { InvalidInputError } from '../core/errors.js';
import { toReportNumber } from '../core/tolerant-json.js';
import { COUNT_DOMAIN, describeDomain, inDomain, STANDARD_DEVIATION_DOMAIN } from './metric-domain.js';
import { describeValue } from '../core/describe-value.js';

export const QUALITY_PROBLEM_TYPES = ['binary_classification', 'multiclass_classification', 'regression'] as const;
export type QualityProblemType = (typeof QUALITY_PROBLEM_TYPES)[number];

export interface QualityMetric {
  /** `NaN` when the report says the metric is not computable (`"NaN"` or `null`). */
  value: number;
  /** `null` when the report gives none or `"NaN"` (Model Monitor does so below 200 samples). */
  standardDeviation: number | null;
}

export interface QualityReport {
  problemType: QualityProblemType;
  /** By metric name; a null-prototype object, read with `Object.hasOwn` (a name is never a prototype key). */
  metrics: Record<string, QualityMetric>;
  /** `dataset.item_count`, when the report gives it. */
  itemCount?: number;
  /** `confusion_matrix` as `{ actual: { predicted: count } }`, when present and well formed. */
  confusionMatrix?: Record<string, Record<string, number>>;
}

/** A JSON Pointer (RFC 6901) for error messages. */
export const jsonPointer = (...segments: Array<string | number>): string =>
  segments.length === 0 ? '/' : segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Sections of a binary report that are not single metrics; modelgate does not gate on them.
const NOT_METRICS = new Set(['confusion_matrix', 'receiver_operating_characteristic_curve', 'precision_recall_curve']);

/** `{ actual: { predicted: count } }`; counts are non-negative integers, or the report is invalid evidence. */
const parseConfusionMatrix = (v: unknown, section: string, where: string): Record<string, Record<string, number>> => {
  const at = (...p: string[]) => `${where} at ${jsonPointer(section, 'confusion_matrix', ...p)}`;
  if (!isObject(v)) throw new InvalidInputError(`confusion_matrix is ${describeValue(v)}`, at(), 'an object { actual: { predicted: count } }');
  const out: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>;
  for (const [actual, row] of Object.entries(v)) {
    if (!isObject(row)) throw new InvalidInputError(`row is ${describeValue(row)}`, at(actual), 'an object { predicted: count }');
    const counts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [predicted, n] of Object.entries(row)) {
      const count = toReportNumber(n);
      if (count === null || !inDomain(count, COUNT_DOMAIN)) {
        throw new InvalidInputError(`count is ${describeValue(n)}`, at(actual, predicted), `a count: ${describeDomain(COUNT_DOMAIN)}`);
      }
      counts[predicted] = count;
    }
    out[actual] = counts;
  }
  return out;
};

const parseMetric = (raw: unknown, section: string, name: string, where: string): QualityMetric | undefined => {
  // Hand-written reports sometimes give a bare number; accept it as a value with no deviation.
  if (typeof raw === 'number') return { value: raw, standardDeviation: null };
  if (!isObject(raw) || !('value' in raw)) return undefined;
  const rawValue = raw['value'];
  const value = rawValue === null ? Number.NaN : toReportNumber(rawValue);
  if (value === null) {
    throw new InvalidInputError(
      `value is ${describeValue(rawValue)}`,
      `${where} at ${jsonPointer(section, name, 'value')}`,
      'a number, "NaN", "Infinity" or null',
    );
  }
  const rawStd = raw['standard_deviation'];
  let standardDeviation: number | null = null;
  if (rawStd !== undefined && rawStd !== null) {
    const std = toReportNumber(rawStd);
    if (std === null) {
      throw new InvalidInputError(
        `standard_deviation is ${describeValue(rawStd)}`,
        `${where} at ${jsonPointer(section, name, 'standard_deviation')}`,
        'a number or "NaN"',
      );
    }
    if (Number.isFinite(std) && !inDomain(std, STANDARD_DEVIATION_DOMAIN)) {
      throw new InvalidInputError(
        `standard_deviation is ${describeValue(rawStd)}`,
        `${where} at ${jsonPointer(section, name, 'standard_deviation')}`,
        `a standard deviation in ${describeDomain(STANDARD_DEVIATION_DOMAIN)}, or "NaN"`,
      );
    }
    standardDeviation = Number.isFinite(std) ? std : null;
  }
  return { value, standardDeviation };
};

const parseItemCount = (doc: Record<string, unknown>, where: string): number | undefined => {
  const dataset = doc['dataset'];
  if (dataset === undefined || dataset === null) return undefined;
  if (!isObject(dataset)) throw new InvalidInputError(`dataset is ${describeValue(dataset)}`, `${where} at /dataset`, 'an object');
  const raw = dataset['item_count'];
  if (raw === undefined || raw === null) return undefined;
  const n = toReportNumber(raw);
  if (n === null || !Number.isInteger(n) || n < 0) {
    throw new InvalidInputError(`item_count is ${describeValue(raw)}`, `${where} at /dataset/item_count`, 'a non-negative integer');
  }
  return n;
};

/**
 * Parses a model quality statistics document. Throws {@link InvalidInputError} naming the JSON
 * path and what was expected when the shape modelgate relies on is wrong.
 *
 * @param where names the document in messages (evidence name and URI).
 * @example
 * ```ts
 * parseQualityStatistics({ regression_metrics: { mae: { value: 1.21, standard_deviation: 0.02 } } });
 * // { problemType: 'regression', metrics: { mae: { value: 1.21, standardDeviation: 0.02 } } }
 * ```
 */
export const parseQualityStatistics = (doc: unknown, where = 'model quality statistics'): QualityReport => {
  const sections = QUALITY_PROBLEM_TYPES.map((p) => `${p}_metrics`).join(', ');
  if (!isObject(doc)) {
    throw new InvalidInputError(
      `the document is ${Array.isArray(doc) ? 'an array' : describeValue(doc)}`,
      `${where} at /`,
      `an object with one of ${sections}`,
    );
  }
  const present = QUALITY_PROBLEM_TYPES.filter((p) => doc[`${p}_metrics`] !== undefined);
  if (present.length === 0) {
    throw new InvalidInputError(`no metrics section (keys: ${Object.keys(doc).join(', ') || 'none'})`, `${where} at /`, `one of ${sections}`);
  }
  if (present.length > 1) {
    throw new InvalidInputError(`several metrics sections (${present.map((p) => `${p}_metrics`).join(', ')})`, `${where} at /`, 'exactly one problem type');
  }
  const problemType = present[0]!;
  const section = `${problemType}_metrics`;
  const body = doc[section];
  if (!isObject(body)) {
    throw new InvalidInputError(`${section} is ${describeValue(body)}`, `${where} at ${jsonPointer(section)}`, 'an object of metrics');
  }
  // No prototype: a metric named `__proto__` or `constructor` is data, never an inherited property.
  const metrics: Record<string, QualityMetric> = Object.create(null) as Record<string, QualityMetric>;
  let confusionMatrix: Record<string, Record<string, number>> | undefined;
  for (const [name, raw] of Object.entries(body)) {
    if (name === 'confusion_matrix') {
      confusionMatrix = parseConfusionMatrix(raw, section, where);
      continue;
    }
    if (NOT_METRICS.has(name)) continue;
    const metric = parseMetric(raw, section, name, where);
    if (metric) metrics[name] = metric;
  }
  const itemCount = parseItemCount(doc, where);
  return {
    problemType,
    metrics,
    ...(itemCount !== undefined ? { itemCount } : {}),
    ...(confusionMatrix !== undefined ? { confusionMatrix } : {}),
  };
};

/**
 * SageMaker Model Monitor model quality constraints (FORMATS.md):
 * `<problem>_constraints: { <metric>: { threshold, comparison_operator } }`. The operator names the
 * condition that is a VIOLATION: `recall: { threshold: 0.57, comparison_operator: LessThanThreshold }`
 * means "alert when recall < 0.57", as a Model Monitor baseline job suggests it.
 */
import { InvalidInputError } from '../core/errors.js';
import type { Threshold } from '../core/thresholds.js';
import { fmt } from '../core/thresholds.js';
import { toNumber } from '../core/tolerant-json.js';
import { jsonPointer, QUALITY_PROBLEM_TYPES, type QualityProblemType } from './quality-report.js';
import { describeValue } from '../core/describe-value.js';

export const COMPARISON_OPERATORS = ['LessThanThreshold', 'LessThanOrEqualToThreshold', 'GreaterThanThreshold', 'GreaterThanOrEqualToThreshold'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export interface QualityConstraint {
  metric: string;
  threshold: number;
  comparisonOperator: ComparisonOperator;
}

export interface QualityConstraints {
  problemType: QualityProblemType;
  constraints: QualityConstraint[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a model quality constraints document. Throws {@link InvalidInputError} naming the JSON
 * path and what was expected. Constraints come back sorted by metric name.
 *
 * @example
 * ```ts
 * parseQualityConstraints({ binary_classification_constraints: { auc: { threshold: 0.8, comparison_operator: 'LessThanThreshold' } } });
 * ```
 */
export const parseQualityConstraints = (doc: unknown, where = 'model quality constraints'): QualityConstraints => {
  const sections = QUALITY_PROBLEM_TYPES.map((p) => `${p}_constraints`);
  if (!isObject(doc)) throw new InvalidInputError('the document is not an object', `${where} at /`, `an object with one of ${sections.join(', ')}`);
  const present = QUALITY_PROBLEM_TYPES.filter((p) => doc[`${p}_constraints`] !== undefined);
  if (present.length !== 1) {
    const found = present.length === 0 ? 'no constraints section' : `several constraints sections (${present.map((p) => `${p}_constraints`).join(', ')})`;
    throw new InvalidInputError(found, `${where} at /`, `exactly one of ${sections.join(', ')}`);
  }
  const problemType = present[0]!;
  const section = `${problemType}_constraints`;
  const body = doc[section];
  if (!isObject(body)) throw new InvalidInputError(`${section} is not an object`, `${where} at ${jsonPointer(section)}`, 'an object of metric constraints');
  const constraints: QualityConstraint[] = [];
  for (const metric of Object.keys(body).sort()) {
    const raw = body[metric];
    if (!isObject(raw)) {
      throw new InvalidInputError(
        `constraint is ${describeValue(raw)}`,
        `${where} at ${jsonPointer(section, metric)}`,
        'an object with threshold and comparison_operator',
      );
    }
    const threshold = toNumber(raw['threshold']);
    if (threshold === null || !Number.isFinite(threshold)) {
      throw new InvalidInputError(
        `threshold is ${describeValue(raw['threshold'])}`,
        `${where} at ${jsonPointer(section, metric, 'threshold')}`,
        'a finite number',
      );
    }
    const op = raw['comparison_operator'];
    if (typeof op !== 'string' || !(COMPARISON_OPERATORS as readonly string[]).includes(op)) {
      throw new InvalidInputError(
        `comparison_operator is ${JSON.stringify(op) ?? 'absent'}`,
        `${where} at ${jsonPointer(section, metric, 'comparison_operator')}`,
        `one of ${COMPARISON_OPERATORS.join(', ')}`,
      );
    }
    constraints.push({ metric, threshold, comparisonOperator: op as ComparisonOperator });
  }
  return { problemType, constraints };
};

/** `true` when `value` meets the constraint's violation condition. `NaN` never violates (it is not computable). */
export const violatesConstraint = (value: number, c: QualityConstraint): boolean => {
  switch (c.comparisonOperator) {
    case 'LessThanThreshold':
      return value < c.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= c.threshold;
    case 'GreaterThanThreshold':
      return value > c.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= c.threshold;
  }
};

/** What the constraint requires, in words: `at least 0.8`, `above 0.8`, `at most 1.5`, `below 1.5`. */
export const describeConstraint = (c: QualityConstraint): string => {
  const t = fmt(c.threshold);
  switch (c.comparisonOperator) {
    case 'LessThanThreshold':
      return `at least ${t}`;
    case 'LessThanOrEqualToThreshold':
      return `above ${t}`;
    case 'GreaterThanThreshold':
      return `at most ${t}`;
    case 'GreaterThanOrEqualToThreshold':
      return `below ${t}`;
  }
};

/**
 * The constraint as a threshold bound, for display next to a policy's own threshold. The strict
 * operators become inclusive bounds here; {@link violatesConstraint} stays the authority.
 */
export const constraintAsThreshold = (c: QualityConstraint): Threshold =>
  c.comparisonOperator.startsWith('Less') ? { min: c.threshold } : { max: c.threshold };

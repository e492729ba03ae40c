import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidInputError } from '../../../src/core/errors.js';
import { parseStrictJson } from '../../../src/core/strict-json.js';
import { greaterIsBetter, knownQualityMetrics } from '../../../src/metrics/metric-direction.js';
import {
  constraintAsThreshold,
  describeConstraint,
  parseQualityConstraints,
  violatesConstraint,
  type QualityConstraint,
} from '../../../src/metrics/quality-constraints.js';
import { jsonPointer, parseQualityStatistics } from '../../../src/metrics/quality-report.js';

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
};

describe('parseQualityStatistics', () => {
  it('parses a binary report: metrics, "NaN" deviations, item count, confusion matrix; skips curves', () => {
    // Prepare
    const doc = {
      version: 0.0,
      dataset: { item_count: 180 },
      binary_classification_metrics: {
        confusion_matrix: { '0': { '0': 100, '1': 12 }, '1': { '0': 20, '1': 48 } },
        auc: { value: 0.86, standard_deviation: 'NaN' },
        accuracy: { value: 0.8222, standard_deviation: 0.012 },
        accuracy_best_constant_classifier: { value: 0.6222, standard_deviation: 'NaN' },
        receiver_operating_characteristic_curve: { false_positive_rates: [0, 1], true_positive_rates: [0, 1] },
        precision_recall_curve: { precisions: [1, 0.4], recalls: [0, 1] },
      },
    };
    // Act
    const report = parseQualityStatistics(doc);
    // Assess
    expect(report).toEqual({
      problemType: 'binary_classification',
      itemCount: 180,
      confusionMatrix: { '0': { '0': 100, '1': 12 }, '1': { '0': 20, '1': 48 } },
      metrics: {
        auc: { value: 0.86, standardDeviation: null },
        accuracy: { value: 0.8222, standardDeviation: 0.012 },
        accuracy_best_constant_classifier: { value: 0.6222, standardDeviation: null },
      },
    });
  });

  it('parses multiclass and regression reports (the FORMATS.md example)', () => {
    // Act
    const regression = parseQualityStatistics(
      parseStrictJson('{"regression_metrics":{"mae":{"value":1.21,"standard_deviation":0.02},"r2":{"value":0.51,"standard_deviation":"NaN"}}}', 'report'),
    );
    const multiclass = parseQualityStatistics({ multiclass_classification_metrics: { weighted_f1: { value: 0.7, standard_deviation: 0.01 } } });
    // Assess
    expect(regression).toEqual({
      problemType: 'regression',
      metrics: { mae: { value: 1.21, standardDeviation: 0.02 }, r2: { value: 0.51, standardDeviation: null } },
    });
    expect(multiclass.problemType).toBe('multiclass_classification');
    expect(multiclass.metrics['weighted_f1']).toEqual({ value: 0.7, standardDeviation: 0.01 });
  });

  it('reads "NaN", bare NaN and null values as not computable, and a bare number as a value', () => {
    // Act
    const report = parseQualityStatistics(
      parseStrictJson('{"binary_classification_metrics":{"auc":{"value":NaN},"f1":{"value":"NaN"},"f2":{"value":null},"recall":0.7}}', 'report'),
    );
    // Assess
    expect(Number.isNaN(report.metrics['auc']!.value)).toBe(true);
    expect(Number.isNaN(report.metrics['f1']!.value)).toBe(true);
    expect(Number.isNaN(report.metrics['f2']!.value)).toBe(true);
    expect(report.metrics['recall']).toEqual({ value: 0.7, standardDeviation: null });
  });

  it.each([['"0.8"'], ['"0x1"'], ['" 0.93 "'], ['"1e0"']])('refuses a metric value written as the string %s: invalid evidence naming the path', (value) => {
    const doc = parseStrictJson(`{"binary_classification_metrics":{"precision":{"value":${value}}}}`, 'report');
    expect(() => parseQualityStatistics(doc, 'stats')).toThrow(
      /stats at \/binary_classification_metrics\/precision\/value: value is a string of \d+ characters \(expected a number, "NaN", "Infinity" or null\)/,
    );
  });

  it.each([['many'], [-3], [2.5], ['Infinity']])('refuses a confusion matrix count of %p: invalid evidence naming the cell', (count) => {
    expect(() => parseQualityStatistics({ binary_classification_metrics: { confusion_matrix: { '0': { '1': count } }, auc: { value: 0.9 } } })).toThrow(
      /model quality statistics at \/binary_classification_metrics\/confusion_matrix\/0\/1: count is .* \(expected a count: non-negative integers\)/,
    );
  });

  it('refuses a negative standard deviation, naming the path', () => {
    expect(() => parseQualityStatistics({ binary_classification_metrics: { auc: { value: 0.9, standard_deviation: -0.01 } } })).toThrow(
      /at \/binary_classification_metrics\/auc\/standard_deviation: standard_deviation is -0\.01 \(expected a standard deviation in \[0, ∞\), or "NaN"\)/,
    );
  });

  it('keeps metric names as data: __proto__ and constructor are own keys of a null-prototype map', () => {
    const report = parseQualityStatistics(JSON.parse('{"regression_metrics": {"__proto__": {"value": 1}, "mae": {"value": 2}}}'));
    expect(Object.getPrototypeOf(report.metrics)).toBeNull();
    expect(Object.hasOwn(report.metrics, '__proto__')).toBe(true);
    expect(Object.hasOwn(report.metrics, 'constructor')).toBe(false);
  });

  it.each([
    [
      'not an object',
      [1, 2],
      'stats at /: the document is an array (expected an object with one of binary_classification_metrics, multiclass_classification_metrics, regression_metrics)',
    ],
    [
      'no section',
      { metrics: {} },
      'stats at /: no metrics section (keys: metrics) (expected one of binary_classification_metrics, multiclass_classification_metrics, regression_metrics)',
    ],
    [
      'two sections',
      { regression_metrics: {}, binary_classification_metrics: {} },
      'stats at /: several metrics sections (binary_classification_metrics, regression_metrics) (expected exactly one problem type)',
    ],
    ['section not an object', { regression_metrics: [] }, 'stats at /regression_metrics: regression_metrics is an array of 0 (expected an object of metrics)'],
    [
      'a non-numeric value',
      { regression_metrics: { mae: { value: 'high' } } },
      'stats at /regression_metrics/mae/value: value is a string of 4 characters (expected a number, "NaN", "Infinity" or null)',
    ],
    [
      'a non-numeric deviation',
      { regression_metrics: { mae: { value: 1, standard_deviation: 'small' } } },
      'stats at /regression_metrics/mae/standard_deviation: standard_deviation is a string of 5 characters (expected a number or "NaN")',
    ],
    [
      'a bad item count',
      { dataset: { item_count: -3 }, regression_metrics: {} },
      'stats at /dataset/item_count: item_count is -3 (expected a non-negative integer)',
    ],
  ])('rejects %s, naming the JSON path and what was expected', (_case, doc, message) => {
    // Act
    const err = thrown(() => parseQualityStatistics(doc, 'stats'));
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(message);
  });

  it('escapes metric names in the JSON path', () => {
    expect(jsonPointer('regression_metrics', 'a/b~c', 'value')).toBe('/regression_metrics/a~1b~0c/value');
  });

  it('never throws anything but InvalidInputError, and keeps every {value: number} metric (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (doc) => {
        try {
          parseQualityStatistics(doc);
        } catch (err) {
          return err instanceof InvalidInputError;
        }
        return true;
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), fc.double({ noNaN: true, noDefaultInfinity: true })), (values) => {
        const body = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, standard_deviation: 'NaN' }]));
        const report = parseQualityStatistics({ regression_metrics: body });
        return Object.entries(values).every(([k, v]) => NOT_METRIC.has(k) || Object.is(report.metrics[k]?.value, v));
      }),
      { numRuns: 200 },
    );
  });
});

const NOT_METRIC = new Set(['confusion_matrix', 'receiver_operating_characteristic_curve', 'precision_recall_curve']);

describe('parseQualityConstraints', () => {
  it('parses the constraints of one problem type, sorted by metric', () => {
    // Prepare
    const doc = {
      version: 0.0,
      multiclass_classification_constraints: {
        weighted_recall: { threshold: 0.5714, comparison_operator: 'LessThanThreshold' },
        accuracy: { threshold: '0.6', comparison_operator: 'LessThanOrEqualToThreshold' },
      },
    };
    // Act
    const parsed = parseQualityConstraints(doc);
    // Assess
    expect(parsed).toEqual({
      problemType: 'multiclass_classification',
      constraints: [
        { metric: 'accuracy', threshold: 0.6, comparisonOperator: 'LessThanOrEqualToThreshold' },
        { metric: 'weighted_recall', threshold: 0.5714, comparisonOperator: 'LessThanThreshold' },
      ],
    });
  });

  it.each([
    ['no section', { version: 0 }, 'c at /: no constraints section'],
    [
      'an unknown operator',
      { regression_constraints: { mae: { threshold: 1, comparison_operator: 'Above' } } },
      'c at /regression_constraints/mae/comparison_operator: comparison_operator is "Above" (expected one of LessThanThreshold, LessThanOrEqualToThreshold, GreaterThanThreshold, GreaterThanOrEqualToThreshold)',
    ],
    [
      'a missing threshold',
      { regression_constraints: { mae: { comparison_operator: 'GreaterThanThreshold' } } },
      'c at /regression_constraints/mae/threshold: threshold is absent (expected a finite number)',
    ],
    ['a constraint that is not an object', { regression_constraints: { mae: 3 } }, 'c at /regression_constraints/mae: constraint is 3'],
  ])('rejects %s, naming the JSON path', (_case, doc, start) => {
    const err = thrown(() => parseQualityConstraints(doc, 'c'));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message.startsWith(start)).toBe(true);
  });

  it('reads comparison_operator as the violation condition, strict and inclusive', () => {
    // Prepare
    const c = (op: QualityConstraint['comparisonOperator']): QualityConstraint => ({ metric: 'm', threshold: 0.8, comparisonOperator: op });
    // Act + Assess
    expect([0.79, 0.8, 0.81].map((v) => violatesConstraint(v, c('LessThanThreshold')))).toEqual([true, false, false]);
    expect([0.79, 0.8, 0.81].map((v) => violatesConstraint(v, c('LessThanOrEqualToThreshold')))).toEqual([true, true, false]);
    expect([0.79, 0.8, 0.81].map((v) => violatesConstraint(v, c('GreaterThanThreshold')))).toEqual([false, false, true]);
    expect([0.79, 0.8, 0.81].map((v) => violatesConstraint(v, c('GreaterThanOrEqualToThreshold')))).toEqual([false, true, true]);
    expect(violatesConstraint(Number.NaN, c('LessThanThreshold'))).toBe(false);
    expect(describeConstraint(c('LessThanOrEqualToThreshold'))).toBe('above 0.8');
    expect(describeConstraint(c('GreaterThanThreshold'))).toBe('at most 0.8');
    expect(constraintAsThreshold(c('LessThanThreshold'))).toEqual({ min: 0.8 });
    expect(constraintAsThreshold(c('GreaterThanOrEqualToThreshold'))).toEqual({ max: 0.8 });
  });
});

describe('greaterIsBetter', () => {
  it.each([
    ['auc', true],
    ['accuracy', true],
    ['f1', true],
    ['precision', true],
    ['recall', true],
    ['r2', true],
    ['weighted_f1', true],
    ['mae', false],
    ['mse', false],
    ['rmse', false],
    ['false_positive_rate', false],
    ['log_loss', false],
    ['accuracy_best_constant_classifier', true],
    ['RMSE', false],
    ['my_kpi', undefined],
  ])('%s -> %s', (metric, expected) => {
    expect(greaterIsBetter(metric)).toBe(expected);
  });

  it('knows every metric of a Model Monitor report', () => {
    const reported = [
      'accuracy',
      'precision',
      'recall',
      'f0_5',
      'f1',
      'f2',
      'auc',
      'true_positive_rate',
      'true_negative_rate',
      'false_positive_rate',
      'false_negative_rate',
      'weighted_recall',
      'weighted_precision',
      'weighted_f0_5',
      'weighted_f1',
      'weighted_f2',
      'mae',
      'mse',
      'rmse',
      'r2',
    ];
    expect(reported.filter((m) => greaterIsBetter(m) === undefined)).toEqual([]);
    expect(knownQualityMetrics()).toEqual(expect.arrayContaining(reported));
  });
});

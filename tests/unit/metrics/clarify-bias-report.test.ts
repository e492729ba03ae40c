import { describe, expect, it } from '@jest/globals';
import { parseStrictJson } from '../../../src/core/strict-json.js';
import { matchClarifyFacet, mergeClarifyBiasReports, readClarifyBiasReport } from '../../../src/metrics/clarify/bias-report.js';

const metric = (name: string, value: unknown, error?: string) => ({ name, description: `${name} description`, value, ...(error ? { error } : {}) });

const REPORT = {
  version: '1.0',
  some_future_section: { anything: true },
  pre_training_bias_metrics: {
    label: 'column_1',
    label_value_or_threshold: '1',
    facets: {
      column_8: [{ value_or_threshold: 'F', metrics: [metric('KL', -0.02), metric('CI', 0.3)] }],
    },
  },
  post_training_bias_metrics: {
    label: 'column_1',
    label_value_or_threshold: '1',
    facets: {
      column_8: [
        // sorted by name, as Clarify writes them; read by name, never by position
        {
          value_or_threshold: 'F',
          metrics: [
            metric('AD', 0.05),
            metric('DCA', 0.1),
            metric('DI', 0.62),
            metric('DPPL', 0.21),
            metric('RD', 'Infinity'),
            metric('SD', '-Infinity'),
            metric('TE', null, 'Division by zero'),
            metric('DCO', [1, 2]),
          ],
        },
        { value_or_threshold: 'M', metrics: [metric('DI', 1.3)] },
      ],
      age: [{ value_or_threshold: '(40, 90]', metrics: [metric('DI', 0.7)] }],
      race: [{ value_or_threshold: 'B,C', metrics: [metric('DI', 0.85)] }],
    },
  },
};

describe('readClarifyBiasReport', () => {
  it('reads both sections into one entry per facet value, metrics by name, DCA as DCAcc', () => {
    // Act
    const report = readClarifyBiasReport(REPORT);
    const female = report.entries.find((e) => e.slice === 'column_8=F')!;
    // Assess
    expect(report.label).toBe('column_1');
    expect(report.entries.map((e) => e.slice)).toEqual(['column_8=F', 'column_8=M', 'age>40', 'race=B|C']);
    expect(female.sections).toEqual(['pre_training_bias_metrics', 'post_training_bias_metrics']);
    expect(female.metrics.DI).toEqual({ value: 0.62 });
    expect(female.metrics.DCAcc).toEqual({ value: 0.1 });
    expect(female.metrics.CI).toEqual({ value: 0.3 });
    expect(female.metrics.KL).toEqual({ value: -0.02 });
  });

  it('maps "Infinity", "-Infinity" and null + error to not computable with the reason', () => {
    // Act
    const m = readClarifyBiasReport(REPORT).entries[0]!.metrics;
    // Assess
    expect(m.RD).toEqual({ value: null, reason: 'Clarify reported Infinity (a zero denominator)', raw: Infinity });
    expect(m.SD).toEqual({ value: null, reason: 'Clarify reported -Infinity (a zero denominator)', raw: -Infinity });
    expect(m.TE).toEqual({ value: null, reason: 'Clarify reported no value: Division by zero' });
  });

  it('accepts bare Infinity as Python writes it, through the tolerant JSON parser', () => {
    // Prepare
    const text = '{"post_training_bias_metrics":{"facets":{"sex":[{"value_or_threshold":"F","metrics":[{"name":"DI","value":Infinity}]}]}}}';
    // Act
    const m = readClarifyBiasReport(parseStrictJson(text, 'report')).entries[0]!.metrics;
    // Assess
    expect(m.DI).toEqual({ value: null, reason: 'Clarify reported Infinity (a zero denominator)', raw: Infinity });
  });

  it('reads a numeric threshold "(t, max]" as value > t, sliced column>t', () => {
    // Act
    const age = readClarifyBiasReport(REPORT).entries.find((e) => e.column === 'age')!;
    // Assess
    expect(age.group).toEqual({ kind: 'threshold', threshold: 40 });
    expect(age.slice).toBe('age>40');
  });

  it('names the JSON path of a malformed report, and says when neither section is present', () => {
    // Act + Assess
    expect(() => readClarifyBiasReport({ explanations: {} }, 'bias-report')).toThrow(
      'bias-report: has no pre_training_bias_metrics or post_training_bias_metrics section (top-level keys: explanations) (expected a Clarify bias report)',
    );
    expect(() => readClarifyBiasReport({ post_training_bias_metrics: { facets: { sex: { value_or_threshold: 'F' } } } }, 'r')).toThrow(
      'r at /post_training_bias_metrics/facets/sex: is not a list (expected a list of { value_or_threshold, metrics } entries)',
    );
    expect(() =>
      readClarifyBiasReport({ post_training_bias_metrics: { facets: { sex: [{ value_or_threshold: 'F', metrics: [{ value: 1 }] }] } } }, 'r'),
    ).toThrow('r at /post_training_bias_metrics/facets/sex/0/metrics/0: is not { name, value }');
  });
});

describe('matchClarifyFacet', () => {
  const report = readClarifyBiasReport(REPORT);

  it('matches a categorical facet by its exact set of values, in any order and type', () => {
    // Act
    const race = matchClarifyFacet(report, { column: 'race', sensitive: ['C', 'B'] });
    const sex = matchClarifyFacet(report, { column: 'column_8', sensitive: ['F'] });
    const partial = matchClarifyFacet(report, { column: 'race', sensitive: ['B'] });
    // Assess
    expect(race.entry?.slice).toBe('race=B|C');
    expect(sex.entry?.metrics.DI).toEqual({ value: 0.62 });
    expect(partial).toEqual({ entry: null, reason: 'the Clarify report has no entry for race=B (entries: race=B|C)' });
  });

  it('matches sensitiveAtLeast t to Clarify threshold t and says that Clarify means > t', () => {
    // Act
    const match = matchClarifyFacet(report, { column: 'age', sensitiveAtLeast: 40 });
    const none = matchClarifyFacet(report, { column: 'age', sensitiveAtLeast: 60 });
    // Assess
    expect(match.entry?.metrics.DI).toEqual({ value: 0.7 });
    expect(match).toMatchObject({ slice: 'age>40' });
    expect((match as { note: string }).note).toContain("means age > 40; the policy's sensitiveAtLeast 40 means age ≥ 40");
    expect(none).toEqual({ entry: null, reason: 'the Clarify report has no threshold 60 for facet "age" (entries: age>40)' });
  });

  it('says which facets exist when the column is absent', () => {
    // Act
    const match = matchClarifyFacet(report, { column: 'sex', sensitive: ['F'] });
    // Assess
    expect(match).toEqual({ entry: null, reason: 'the Clarify report has no facet "sex" (facets: column_8, age, race)' });
  });
});

describe('mergeClarifyBiasReports', () => {
  it('joins a pre-training and a post-training report entry by entry', () => {
    // Prepare
    const pre = readClarifyBiasReport({ pre_training_bias_metrics: { facets: { sex: [{ value_or_threshold: 'F', metrics: [metric('CI', 0.2)] }] } } });
    const post = readClarifyBiasReport({ post_training_bias_metrics: { facets: { sex: [{ value_or_threshold: 'F', metrics: [metric('DI', 0.9)] }] } } });
    // Act
    const merged = mergeClarifyBiasReports([pre, post]);
    // Assess
    expect(merged.entries).toHaveLength(1);
    expect(merged.entries[0]!.metrics).toEqual({ CI: { value: 0.2 }, DI: { value: 0.9 } });
    expect(merged.entries[0]!.sections).toEqual(['pre_training_bias_metrics', 'post_training_bias_metrics']);
  });
});

describe('readClarifyBiasReport: prototype keys', () => {
  it('a metric named constructor or __proto__ is ignored, never taken for an alias', () => {
    const doc = JSON.parse(
      '{"post_training_bias_metrics": {"facets": {"sex": [{"value_or_threshold": "F", "metrics": [{"name": "constructor", "value": 1}, {"name": "__proto__", "value": 2}, {"name": "DI", "value": 0.9}]}]}}}',
    );
    const m = readClarifyBiasReport(doc).entries[0]!.metrics;
    expect(Object.keys(m)).toEqual(['DI']);
  });
});

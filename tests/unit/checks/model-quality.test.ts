import { describe, expect, it } from '@jest/globals';
import modelQuality, { type ModelQualityConfig } from '../../../checks/model-quality/index.js';
import type { CheckOutcome } from '../../../src/core/check.js';
import { createCheckRegistry } from '../../../src/core/check-registry.js';
import { EvidenceError, IncompleteCheckError, InvalidInputError, MissingEvidenceError } from '../../../src/core/errors.js';
import { checkInput, testContext } from '../../support/inline-evidence.js';

const registry = createCheckRegistry([modelQuality]);

/** The config a policy's `with:` becomes, validated like the engine does. */
const configOf = (withConfig: Record<string, unknown>): ModelQualityConfig => {
  const { config, problems } = registry.resolveConfig('model-quality', withConfig, 'test');
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return config as ModelQualityConfig;
};

const binary = (metrics: Record<string, number | string>, std: number | string = 'NaN') => ({
  version: 0.0,
  dataset: { item_count: 150 },
  binary_classification_metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, standard_deviation: std }])),
});
const regression = (metrics: Record<string, number | string>, std: number | string = 0.01) => ({
  regression_metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, standard_deviation: std }])),
});
const multiclass = (metrics: Record<string, number>) => ({
  multiclass_classification_metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, { value: v, standard_deviation: 0.004 }])),
});

const run = (withConfig: Record<string, unknown>, evidence: Record<string, string | object>, champion: Record<string, string | object> | null = null) =>
  modelQuality.run(checkInput(evidence, champion), configOf(withConfig), testContext());

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
};

const messages = (o: CheckOutcome, severity?: string) => o.findings.filter((f) => !severity || f.severity === severity).map((f) => f.message);

describe('model-quality: absolute bounds per problem type', () => {
  it('passes a binary model within its bounds, with a result per metric', async () => {
    // Act
    const outcome = await run(
      { problemType: 'binary_classification', metrics: { auc: { min: 0.8 }, false_positive_rate: { max: 0.2 } } },
      { 'model-quality-statistics': binary({ auc: 0.86, false_positive_rate: 0.11, accuracy: 0.8 }) },
    );
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics).toEqual([
      { name: 'auc', value: 0.86, threshold: { min: 0.8 }, passed: true },
      { name: 'false_positive_rate', value: 0.11, threshold: { max: 0.2 }, passed: true },
    ]);
    expect(outcome.summary).toBe('2 quality metric(s) within bounds: auc 0.86, false_positive_rate 0.11');
    expect(outcome.findings).toEqual([]);
  });

  it('fails a binary model below min, saying so in a sentence', async () => {
    // Act
    const outcome = await run(
      { metrics: { auc: { min: 0.8 }, accuracy: { min: 0.75 } } },
      { 'model-quality-statistics': binary({ auc: 0.72, accuracy: 0.8 }) },
    );
    // Assess
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('auc is 0.72, below min 0.8');
    expect(outcome.findings).toEqual([{ severity: 'error', message: 'auc is 0.72, below min 0.8', metric: 'auc' }]);
    expect(outcome.metrics.map((m) => [m.name, m.passed])).toEqual([
      ['auc', false],
      ['accuracy', true],
    ]);
  });

  it('holds regression metrics with lower-is-better bounds and gives a 95% interval from the deviation', async () => {
    // Act
    const ok = await run({ metrics: { rmse: { max: 1.5 }, r2: { min: 0.4 } } }, { 'model-quality-statistics': regression({ rmse: 1.2, r2: 0.51 }, 0.05) });
    const bad = await run({ metrics: { rmse: { max: 1.5 }, r2: { min: 0.4 } } }, { 'model-quality-statistics': regression({ rmse: 1.9, r2: 0.3 }) });
    // Assess
    expect(ok.status).toBe('pass');
    const rmse = ok.metrics[0]!;
    expect(rmse.interval![0]).toBeCloseTo(1.2 - 1.96 * 0.05, 3);
    expect(rmse.interval![1]).toBeCloseTo(1.2 + 1.96 * 0.05, 3);
    expect(bad.status).toBe('fail');
    expect(messages(bad)).toEqual(['rmse is 1.9, above max 1.5', 'r2 is 0.3, below min 0.4']);
    expect(bad.summary).toBe('rmse is 1.9, above max 1.5 (and 1 more)');
  });

  it('holds multiclass metrics', async () => {
    // Act
    const outcome = await run(
      { metrics: { weighted_f1: { min: 0.8 }, accuracy: { min: 0.7 } } },
      { 'model-quality-statistics': multiclass({ weighted_f1: 0.74, accuracy: 0.75 }) },
    );
    // Assess
    expect(outcome.status).toBe('fail');
    expect(messages(outcome)).toEqual(['weighted_f1 is 0.74, below min 0.8']);
  });

  it('applies maxAbs', async () => {
    const outcome = await run(
      { metrics: { calibration_gap: { maxAbs: 0.05, greaterIsBetter: false } } },
      { 'model-quality-statistics': binary({ calibration_gap: -0.08 }) },
    );
    expect(messages(outcome)).toEqual(['calibration_gap is -0.08, beyond maxAbs 0.05']);
  });

  it('gives no interval when the standard deviation is "NaN" (fewer than 200 samples), and still decides', async () => {
    const outcome = await run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': binary({ auc: 0.9 }, 'NaN') });
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics[0]).toEqual({ name: 'auc', value: 0.9, threshold: { min: 0.8 }, passed: true });
  });

  it('an infinite metric is not computable: an error (needs review) naming it, even where it lies beyond a bound', async () => {
    const err = await rejection(run({ metrics: { rmse: { max: 1.5 } } }, { 'model-quality-statistics': regression({ rmse: 'Infinity' }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toBe('model quality incomplete: rmse is not computable: the model quality statistics give Infinity');
    expect((err as IncompleteCheckError).outcome.metrics[0]).toMatchObject({
      name: 'rmse',
      value: null,
      reason: 'not computable: the report gives Infinity',
      passed: null,
    });
  });

  it('with allowNotComputable an infinite metric beyond a bound fails, recording value null with the reason', async () => {
    const outcome = await run({ metrics: { rmse: { max: 1.5, allowNotComputable: true } } }, { 'model-quality-statistics': regression({ rmse: 'Infinity' }) });
    expect(outcome.status).toBe('fail');
    expect(outcome.metrics[0]).toMatchObject({ name: 'rmse', value: null, reason: 'not computable: the report gives Infinity', passed: false });
    expect(messages(outcome)).toEqual(['rmse is Infinity, above max 1.5']);
  });
});

describe('model-quality: missing and not computable metrics (fail closed)', () => {
  it('errors with the partial outcome when a named metric is absent and nothing failed', async () => {
    // Act
    const err = await rejection(run({ metrics: { auc: { min: 0.8 }, f1: { min: 0.6 } } }, { 'model-quality-statistics': binary({ auc: 0.9, accuracy: 0.8 }) }));
    // Assess
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toBe('model quality incomplete: f1 is absent from the model quality statistics (they report: accuracy, auc)');
    const outcome = (err as IncompleteCheckError).outcome;
    expect(outcome.metrics).toEqual([
      { name: 'auc', value: 0.9, threshold: { min: 0.8 }, passed: true },
      { name: 'f1', value: null, reason: 'absent from the model quality statistics', threshold: { min: 0.6 }, passed: null },
    ]);
  });

  it('fails (not errors) when another metric broke its bound: a reject outranks needs_review', async () => {
    const outcome = await run({ metrics: { auc: { min: 0.8 }, f1: { min: 0.6 } } }, { 'model-quality-statistics': binary({ auc: 0.7 }) });
    expect(outcome.status).toBe('fail');
    expect(messages(outcome, 'error')).toEqual(['auc is 0.7, below min 0.8', 'f1 is absent from the model quality statistics (they report: auc)']);
  });

  it('errors when a named metric is "NaN" in the report', async () => {
    const err = await rejection(run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': binary({ auc: 'NaN' }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect((err as IncompleteCheckError).outcome.metrics[0]).toMatchObject({
      name: 'auc',
      value: null,
      reason: 'not computable: the report gives NaN',
      passed: null,
    });
  });
});

describe('model-quality: problem type', () => {
  it('errors when the policy and the report disagree', async () => {
    const err = await rejection(run({ problemType: 'regression', metrics: { rmse: { max: 1 } } }, { 'model-quality-statistics': binary({ auc: 0.9 }) }));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      "with.problemType: the policy says regression but the model quality statistics report binary_classification metrics (expected the report's problem type (binary_classification), or no problemType)",
    );
  });

  it('rejects an unknown problemType in the config schema', () => {
    expect(() => configOf({ problemType: 'ranking', metrics: { auc: { min: 0.8 } } })).toThrow(
      'test at /problemType: must be one of "binary_classification", "multiclass_classification", "regression"',
    );
  });

  it('rejects a rule with no bound and an unknown rule key in the config schema', () => {
    expect(() => configOf({ metrics: { auc: { greaterIsBetter: true } } })).toThrow('test at /metrics/auc: missing required key "min"');
    expect(() => configOf({ metrics: { auc: { atLeast: 0.8 } } })).toThrow('test at /metrics/auc: unknown key "atLeast"');
  });
});

describe('model-quality: vsChampion', () => {
  const auc = { metrics: { auc: { min: 0.8, vsChampion: { maxWorsening: 0.01 } } } };

  it('passes within maxWorsening and records the champion value', async () => {
    const outcome = await run(auc, { 'model-quality-statistics': binary({ auc: 0.865 }) }, { 'model-quality-statistics': binary({ auc: 0.87 }) });
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics[0]).toEqual({
      name: 'auc',
      value: 0.865,
      champion: 0.87,
      threshold: { min: 0.8, vsChampion: { maxWorsening: 0.01 } },
      passed: true,
    });
  });

  it('fails beyond maxWorsening although the absolute bound holds', async () => {
    const outcome = await run(auc, { 'model-quality-statistics': binary({ auc: 0.84 }) }, { 'model-quality-statistics': binary({ auc: 0.87 }) });
    expect(outcome.status).toBe('fail');
    expect(messages(outcome)).toEqual(['auc is 0.84, worse than the champion (0.87) by 0.03, more than maxWorsening 0.01']);
  });

  it('reads "worse" by direction: a lower rmse than the champion is an improvement', async () => {
    const rule = { metrics: { rmse: { vsChampion: { maxWorsening: 0.05 } } } };
    const better = await run(rule, { 'model-quality-statistics': regression({ rmse: 0.9 }) }, { 'model-quality-statistics': regression({ rmse: 1.2 }) });
    const worse = await run(rule, { 'model-quality-statistics': regression({ rmse: 1.3 }) }, { 'model-quality-statistics': regression({ rmse: 1.2 }) });
    expect(better.status).toBe('pass');
    expect(worse.status).toBe('fail');
  });

  it('divides maxRelativeWorsening by |champion|: a negative r2 champion', async () => {
    // Prepare: champion r2 = -0.5; 10% of |−0.5| allows the candidate down to −0.55.
    const rule = { metrics: { r2: { vsChampion: { maxRelativeWorsening: 0.1 } } } };
    const champion = { 'model-quality-statistics': regression({ r2: -0.5 }) };
    // Act
    const within = await run(rule, { 'model-quality-statistics': regression({ r2: -0.54 }) }, champion);
    const beyond = await run(rule, { 'model-quality-statistics': regression({ r2: -0.56 }) }, champion);
    // Assess (a signed denominator would allow −0.05 and fail even −0.5)
    expect(within.status).toBe('pass');
    expect(beyond.status).toBe('fail');
    expect(messages(beyond)).toEqual(['r2 is -0.56, worse than the champion (-0.5) by 12%, more than maxRelativeWorsening 10%']);
  });

  it('reports vsChampion as not applicable with no champion, and still applies the absolute bound', async () => {
    // Act
    const first = await run(auc, { 'model-quality-statistics': binary({ auc: 0.86 }) });
    const firstBelow = await run(auc, { 'model-quality-statistics': binary({ auc: 0.7 }) });
    // Assess
    expect(first.status).toBe('pass');
    expect(first.findings).toEqual([
      { severity: 'info', message: 'auc: vsChampion not applicable: no champion (the first approved version of the group)', metric: 'auc' },
    ]);
    expect(first.metrics[0]).not.toHaveProperty('champion');
    expect(first.summary).toContain('vsChampion not applicable: no champion');
    expect(firstBelow.status).toBe('fail');
  });

  it('errors when a champion exists but has no statistics, or lacks the metric', async () => {
    // Act
    const noReport = await rejection(run(auc, { 'model-quality-statistics': binary({ auc: 0.9 }) }, {}));
    const noMetric = await rejection(run(auc, { 'model-quality-statistics': binary({ auc: 0.9 }) }, { 'model-quality-statistics': binary({ f1: 0.7 }) }));
    // Assess
    expect(noReport).toBeInstanceOf(IncompleteCheckError);
    expect(noReport.message).toBe(
      'model quality incomplete: auc: cannot compare with the champion: the champion (version 1) has neither model-quality-statistics nor predictions evidence',
    );
    expect((noReport as IncompleteCheckError).outcome.metrics[0]).toMatchObject({ name: 'auc', value: 0.9, champion: null, passed: null });
    expect(noMetric.message).toBe("model quality incomplete: auc: cannot compare with the champion: the champion's model quality statistics have no auc");
  });

  it('errors when the champion reports another problem type', async () => {
    const err = await rejection(
      run(
        { metrics: { r2: { vsChampion: { maxWorsening: 0.1 } } } },
        { 'model-quality-statistics': regression({ r2: 0.5 }) },
        { 'model-quality-statistics': binary({ auc: 0.9 }) },
      ),
    );
    expect(err.message).toContain('the champion (version 1) reports binary_classification metrics, the candidate regression');
  });

  it('needs greaterIsBetter for a metric it does not know, naming the metric', async () => {
    // Act
    const err = await rejection(
      run({ metrics: { mcnemar_p: { vsChampion: { maxWorsening: 0.1 } } } }, { 'model-quality-statistics': binary({ mcnemar_p: 0.2 }) }),
    );
    const lowerBetter = await run(
      { metrics: { lift: { vsChampion: { maxWorsening: 0.1 }, greaterIsBetter: false } } },
      { 'model-quality-statistics': binary({ lift: 2 }) },
      { 'model-quality-statistics': binary({ lift: 1.5 }) },
    );
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      'with.metrics.mcnemar_p: modelgate does not know whether a higher mcnemar_p is better, and vsChampion needs to know (expected greaterIsBetter: true or false)',
    );
    expect(lowerBetter.status).toBe('fail');
  });
});

describe('model-quality: registered Model Monitor constraints', () => {
  const constraints = {
    version: 0.0,
    binary_classification_constraints: {
      recall: { threshold: 0.65, comparison_operator: 'LessThanThreshold' },
      false_positive_rate: { threshold: 0.1, comparison_operator: 'GreaterThanThreshold' },
    },
  };

  it("applies them as extra rules, alongside the policy's own", async () => {
    // Act
    const outcome = await run(
      { metrics: { recall: { min: 0.6 } }, applyRegisteredConstraints: true },
      { 'model-quality-statistics': binary({ recall: 0.7, false_positive_rate: 0.12 }), 'model-quality-constraints': constraints },
    );
    // Assess
    expect(outcome.status).toBe('fail');
    expect(messages(outcome)).toEqual(['false_positive_rate is 0.12, breaks the registered constraint GreaterThanThreshold 0.1 (must be at most 0.1)']);
    expect(outcome.metrics).toEqual([
      { name: 'recall', value: 0.7, threshold: { min: 0.65 }, passed: true },
      { name: 'false_positive_rate', value: 0.12, threshold: { max: 0.1 }, passed: false },
    ]);
  });

  it('passes when every constraint holds, and ignores them unless asked', async () => {
    const evidence = { 'model-quality-statistics': binary({ auc: 0.9, recall: 0.7, false_positive_rate: 0.05 }), 'model-quality-constraints': constraints };
    const applied = await run({ applyRegisteredConstraints: true }, evidence);
    const ignored = await run({ metrics: { auc: { min: 0.8 } } }, { ...evidence, 'model-quality-statistics': binary({ auc: 0.9, recall: 0.1 }) });
    expect(applied.status).toBe('pass');
    expect(applied.metrics.map((m) => m.name)).toEqual(['false_positive_rate', 'recall']);
    expect(ignored.status).toBe('pass');
  });

  it('errors when asked to apply constraints that are absent or for another problem type', async () => {
    const missing = await rejection(run({ applyRegisteredConstraints: true }, { 'model-quality-statistics': binary({ auc: 0.9 }) }));
    const other = await rejection(
      run(
        { applyRegisteredConstraints: true },
        {
          'model-quality-statistics': binary({ auc: 0.9 }),
          'model-quality-constraints': { regression_constraints: { mae: { threshold: 1, comparison_operator: 'GreaterThanThreshold' } } },
        },
      ),
    );
    expect(missing).toBeInstanceOf(MissingEvidenceError);
    expect((missing as MissingEvidenceError).evidence).toEqual(['model-quality-constraints']);
    expect(other.message).toContain('the registered constraints are for regression, the statistics report binary_classification metrics');
  });

  it('errors when a constrained metric is absent from the statistics', async () => {
    const err = await rejection(
      run({ applyRegisteredConstraints: true }, { 'model-quality-statistics': binary({ recall: 0.9 }), 'model-quality-constraints': constraints }),
    );
    expect(err.message).toBe('model quality incomplete: false_positive_rate is absent from the model quality statistics (they report: recall)');
  });
});

describe('model-quality: evidence', () => {
  it('errors when there is no rule at all', async () => {
    const err = await rejection(run({}, { 'model-quality-statistics': binary({ auc: 0.9 }) }));
    expect(err.message).toBe('with: no rule to apply (expected metrics with at least one bound, or applyRegisteredConstraints: true)');
  });

  it('throws MissingEvidenceError without statistics or predictions', async () => {
    const err = await rejection(run({ metrics: { auc: { min: 0.8 } } }, {}));
    expect(err).toBeInstanceOf(MissingEvidenceError);
    expect(err.message).toBe('missing evidence: model-quality-statistics (or a predictions dataset)');
  });

  it('computes from a predictions dataset only when the policy says the problem type', async () => {
    // Act
    const err = await rejection(run({ metrics: { auc: { min: 0.8 } } }, { predictions: 'label,prediction,score\n1,1,0.9\n' }));
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toContain('problemType is required to compute quality from the predictions dataset');
  });

  it('names the evidence, the JSON path and what was expected for a malformed report', async () => {
    // Act
    const shape = await rejection(
      run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': { binary_classification_metrics: { auc: { value: 'high' } } } }),
    );
    const syntax = await rejection(run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': '{"binary_classification_metrics": {' }));
    // Assess
    expect(shape).toBeInstanceOf(InvalidInputError);
    expect(shape.message).toBe(
      'model-quality-statistics (inline://model-quality-statistics) at /binary_classification_metrics/auc/value: value is a string of 4 characters (expected a number, "NaN", "Infinity" or null)',
    );
    expect(syntax).toBeInstanceOf(EvidenceError);
    expect(syntax.message).toMatch(/^inline:\/\/model-quality-statistics: is not valid JSON at line 1, column 36: unexpected end of input/);
  });
});

describe('model-quality: not computable never passes (issue 9, row 2)', () => {
  it.each([
    ['"Infinity"', 'Infinity'],
    ['"-Infinity"', '-Infinity'],
    ['"NaN"', 'NaN'],
  ])('auc %s against min 0.8 is an error naming auc, not a pass', async (_l, value) => {
    const err = await rejection(run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': binary({ auc: value }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toMatch(/^model quality incomplete: auc is not computable/);
  });

  it('null as a value is not computable too', async () => {
    const err = await rejection(
      run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': { binary_classification_metrics: { auc: { value: null } } } }),
    );
    expect(err).toBeInstanceOf(IncompleteCheckError);
  });

  it('allowNotComputable accepts the gap with a warning, records it and decides on the rest', async () => {
    const outcome = await run(
      { metrics: { auc: { min: 0.8, allowNotComputable: true }, accuracy: { min: 0.7 } } },
      { 'model-quality-statistics': binary({ auc: 'Infinity', accuracy: 0.8 }) },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics[0]).toMatchObject({ name: 'auc', value: null, passed: null, reason: 'not computable: the report gives Infinity' });
    expect(messages(outcome, 'warning')).toEqual([
      'auc is not computable (the model quality statistics give Infinity); the policy accepts that (allowNotComputable: true), so it is not counted',
    ]);
    expect(outcome.summary).toMatch(/1 not computable \(allowed by policy\)/);
  });

  it('allowNotComputable on every metric, none computable: still an error, never an empty pass', async () => {
    const err = await rejection(run({ metrics: { auc: { min: 0.8, allowNotComputable: true } } }, { 'model-quality-statistics': binary({ auc: 'NaN' }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toMatch(/no configured metric is computable/);
  });

  it('an infinite champion value makes vsChampion not evaluable (error), never a pass', async () => {
    const err = await rejection(
      run(
        { metrics: { auc: { vsChampion: { maxWorsening: 0.02 } } } },
        { 'model-quality-statistics': binary({ auc: 0.9 }) },
        { 'model-quality-statistics': binary({ auc: '-Infinity' }) },
      ),
    );
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toMatch(/auc: cannot compare with the champion: the champion's auc is not computable/);
  });
});

describe('model-quality: every metric has a domain (issue 9, row 6)', () => {
  it.each([
    ['auc', 1.5, 'auc is 1.5, outside its domain [0, 1]'],
    ['accuracy', 1.5, 'accuracy is 1.5, outside its domain [0, 1]'],
    ['precision', -0.1, 'precision is -0.1, outside its domain [0, 1]'],
    ['mcc', -1.2, 'mcc is -1.2, outside its domain [-1, 1]'],
  ])('%s %s is invalid evidence: an error naming the metric, the value and the domain', async (name, value, message) => {
    const err = await rejection(run({ metrics: { [name]: { min: 0.5 } } }, { 'model-quality-statistics': binary({ [name]: value }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toBe(`invalid evidence: ${message}`);
  });

  it.each([
    ['rmse', -0.3, 'rmse is -0.3, outside its domain [0, ∞)'],
    ['mae', -1, 'mae is -1, outside its domain [0, ∞)'],
    ['r2', 1.2, 'r2 is 1.2, outside its domain (−∞, 1]'],
  ])('regression %s %s is invalid evidence', async (name, value, message) => {
    const err = await rejection(run({ metrics: { [name]: { max: 100 } } }, { 'model-quality-statistics': regression({ [name]: value }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toBe(`invalid evidence: ${message}`);
  });

  it('out of domain wins over a failing rule: invalid evidence decides nothing', async () => {
    const err = await rejection(
      run({ metrics: { auc: { min: 0.8 }, accuracy: { min: 0.9 } } }, { 'model-quality-statistics': binary({ auc: 1.5, accuracy: 0.5 }) }),
    );
    expect(err).toBeInstanceOf(IncompleteCheckError);
  });

  it('a champion value out of its domain makes vsChampion not evaluable', async () => {
    const err = await rejection(
      run(
        { metrics: { auc: { vsChampion: { maxWorsening: 0.02 } } } },
        { 'model-quality-statistics': binary({ auc: 0.9 }) },
        { 'model-quality-statistics': binary({ auc: 7 }) },
      ),
    );
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toMatch(/invalid evidence: the champion's auc is 7, outside its domain \[0, 1\]/);
  });

  it('r2 may be very negative, and a custom metric has no domain', async () => {
    const outcome = await run(
      { metrics: { r2: { max: 1 }, lift: { min: -10, greaterIsBetter: true } } },
      { 'model-quality-statistics': regression({ r2: -3.5, lift: -2 }) },
    );
    expect(outcome.status).toBe('pass');
  });
});

describe('model-quality: metric names (issue 9, row 3)', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
    'refuses %s at validation, naming the path and the known names',
    (name) => {
      const { problems } = registry.resolveConfig('model-quality', { metrics: { [name]: { min: 0.5 } } }, 'p.yaml at /checks/0/with');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(`^p\\.yaml at /checks/0/with/metrics/${name}: unknown quality metric "${name}"; known: accuracy, auc, .*greaterIsBetter`),
      );
    },
  );

  it('refuses a config with a prototype-key metric handed to run() directly', async () => {
    const err = await rejection(
      modelQuality.run(
        checkInput({ 'model-quality-statistics': binary({ auc: 0.9 }) }, null),
        { metrics: { constructor: { min: 0.5 } } } as unknown as ModelQualityConfig,
        testContext(),
      ),
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/with\/metrics\/constructor: unknown quality metric "constructor"/);
  });

  it('a custom metric with greaterIsBetter named like a prototype key must be an own key of the report', async () => {
    const err = await rejection(run({ metrics: { constructor: { min: 0.5, greaterIsBetter: true } } }, { 'model-quality-statistics': binary({ auc: 0.9 }) }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
    expect(err.message).toMatch(/constructor is absent from the model quality statistics/);
  });

  it('a report metric named __proto__ is data, not a prototype', async () => {
    const doc = JSON.parse('{"binary_classification_metrics": {"__proto__": {"value": 0.99}, "auc": {"value": 0.9}}}');
    const outcome = await run({ metrics: { auc: { min: 0.8 } } }, { 'model-quality-statistics': doc });
    expect(outcome.status).toBe('pass');
    const err = await rejection(run({ metrics: { toString: { min: 0.5, greaterIsBetter: true } } }, { 'model-quality-statistics': doc }));
    expect(err).toBeInstanceOf(IncompleteCheckError);
  });

  it('accepts known names in any case, and <metric>_best_constant_classifier', () => {
    const { problems } = registry.resolveConfig('model-quality', { metrics: { AUC: { min: 0.5 }, recall_best_constant_classifier: { max: 1 } } }, 'p');
    expect(problems).toEqual([]);
  });
});

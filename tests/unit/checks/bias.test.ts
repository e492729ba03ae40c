import { describe, expect, it } from '@jest/globals';
import bias, { type BiasConfig } from '../../../checks/bias/index.js';
import type { CheckOutcome } from '../../../src/core/check.js';
import { IncompleteCheckError, MissingEvidenceError } from '../../../src/core/errors.js';
import { createCheckRegistry } from '../../../src/core/check-registry.js';
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import { checkInput, testContext } from '../../support/inline-evidence.js';

/** A predictions CSV: per sex, `n` rows of which `selected` are predicted positive (label = prediction on half). */
const predictions = (groups: Record<string, { n: number; selected: number }>): string => {
  const lines = ['label,prediction,score,sex,age'];
  let i = 0;
  for (const [sex, { n, selected }] of Object.entries(groups)) {
    for (let k = 0; k < n; k++, i++) {
      const p = k < selected ? 1 : 0;
      const y = k % 2 === 0 ? p : 1 - p;
      lines.push(`${y},${p},${p ? 0.8 : 0.2},${sex},${20 + (i % 60)}`);
    }
  }
  return `${lines.join('\n')}\n`;
};

const registry = createCheckRegistry([bias]);
const configOf = (extra: BiasConfig): BiasConfig => ({ ...bias.defaultConfig, ...extra });
const SEX_F = { facets: [{ column: 'sex', sensitive: ['F'] }] };

const runOutcome = async (evidence: Record<string, string | object>, config: BiasConfig): Promise<CheckOutcome> =>
  bias.run(checkInput(evidence), configOf(config), testContext());

const runIncomplete = async (evidence: Record<string, string | object>, config: BiasConfig): Promise<IncompleteCheckError> => {
  try {
    await runOutcome(evidence, config);
  } catch (err) {
    if (err instanceof IncompleteCheckError) return err;
    throw err;
  }
  throw new Error('expected IncompleteCheckError');
};

const clarify = (di: unknown, extra: object[] = []) => ({
  post_training_bias_metrics: {
    label: 'target',
    label_value_or_threshold: '1',
    facets: { sex: [{ value_or_threshold: 'F', metrics: [{ name: 'DI', description: 'Disparate Impact (DI)', value: di }, ...extra] }] },
  },
});

describe('bias check: predictions dataset', () => {
  it('passes when DI and DPPL are within the default bands', async () => {
    // Prepare: F 50/100, M 52/100 -> DI 0.96, DPPL 0.02
    const csv = predictions({ F: { n: 100, selected: 50 }, M: { n: 100, selected: 52 } });
    // Act
    const outcome = await runOutcome({ predictions: csv }, SEX_F);
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('2 bias metric value(s) within bounds; from predictions (200 rows)');
    const di = outcome.metrics.find((m) => m.name === 'DI')!;
    expect(di).toMatchObject({ slice: 'sex=F', threshold: { min: 0.8, max: 1.25 }, passed: true });
    expect(di.value).toBeCloseTo(0.5 / 0.52, 12);
    expect(di.interval![0]).toBeLessThan(di.value!);
    expect(di.interval![1]).toBeGreaterThan(di.value!);
  });

  it('fails with a finding that names facet, value, metric and bound', async () => {
    // Prepare: F 31/100, M 50/100 -> DI 0.62
    const csv = predictions({ F: { n: 100, selected: 31 }, M: { n: 100, selected: 50 } });
    // Act
    const outcome = await runOutcome({ predictions: csv }, { ...SEX_F, metrics: { DI: { min: 0.8, max: 1.25 } } });
    // Assess
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^DI for sex=F is 0\.62, below min 0\.8 \(95% CI 0\.\d+\.\.0\.\d+\); from predictions \(200 rows\)$/);
    expect(outcome.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toHaveLength(1);
    expect(outcome.metrics[0]).toMatchObject({ name: 'DI', slice: 'sex=F', passed: false });
  });

  it('with failOnlyWhenIntervalCrosses, a small group whose interval still reaches the band passes; a conclusive one fails', async () => {
    // Prepare: DI 0.7 on 40 rows per group (interval reaches 0.8); DI 0.6 on 2000 rows per group (does not)
    const noisy = predictions({ F: { n: 40, selected: 14 }, M: { n: 40, selected: 20 } });
    const sure = predictions({ F: { n: 2000, selected: 600 }, M: { n: 2000, selected: 1000 } });
    const config = { ...SEX_F, metrics: { DI: { min: 0.8 } }, failOnlyWhenIntervalCrosses: true };
    // Act
    const noisyOutcome = await runOutcome({ predictions: noisy }, config);
    const sureOutcome = await runOutcome({ predictions: sure }, config);
    const pointOutcome = await runOutcome({ predictions: noisy }, { ...config, failOnlyWhenIntervalCrosses: false });
    // Assess
    expect(noisyOutcome.status).toBe('pass');
    expect(sureOutcome.status).toBe('fail');
    expect(sureOutcome.summary).toMatch(/^DI for sex=F is 0\.6, below min 0\.8 \(interval 0\.\d+\.\.0\.\d+\)/);
    expect(pointOutcome.status).toBe('fail');
  });

  it('a small group is not computable: error (needs review) by default, keeping the metrics', async () => {
    // Prepare
    const csv = predictions({ F: { n: 12, selected: 6 }, M: { n: 100, selected: 50 } });
    // Act
    const err = await runIncomplete({ predictions: csv }, SEX_F);
    // Assess
    expect(err.message).toBe(
      'DI for sex=F is not computable: group d (rows with sex = F) has 12 rows, fewer than minGroupSize 30 (and 1 more); from predictions (112 rows)',
    );
    expect(err.outcome.metrics.map((m) => [m.name, m.value, m.passed])).toEqual([
      ['DI', null, null],
      ['DPPL', null, null],
    ]);
    expect(err.outcome.metrics[0]!.reason).toContain('fewer than minGroupSize 30');
  });

  it('notComputable: ignore reports the gap as a warning and decides on the rest', async () => {
    // Prepare: F selected 0 -> DI 0 (computable) but DCAcc for d not computable
    const csv = predictions({ F: { n: 40, selected: 20 }, M: { n: 40, selected: 20 }, X: { n: 5, selected: 0 } });
    const config: BiasConfig = {
      facets: [
        { column: 'sex', sensitive: ['F'] },
        { column: 'sex', sensitive: ['X'] },
      ],
      metrics: { DPPL: { maxAbs: 0.1 } },
      notComputable: 'ignore',
    };
    // Act
    const outcome = await runOutcome({ predictions: csv }, config);
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain('1 not computable (ignored by policy)');
    expect(
      outcome.findings.some(
        (f) => f.severity === 'warning' && f.message.startsWith('DPPL for sex=X is not computable: group d (rows with sex = X) has 5 rows'),
      ),
    ).toBe(true);
  });

  it('reads a numeric facet as value >= t, and DCA in the policy as DCAcc', async () => {
    // Prepare
    const csv = predictions({ F: { n: 100, selected: 50 }, M: { n: 100, selected: 50 } });
    // Act
    const outcome = await runOutcome(
      { predictions: csv },
      { facets: [{ column: 'age', sensitiveAtLeast: 50 }], metrics: { DCA: { maxAbs: 5 }, CI: { maxAbs: 1 } } },
    );
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics.map((m) => [m.name, m.slice])).toEqual([
      ['DCAcc', 'age>=50'],
      ['CI', 'age>=50'],
    ]);
  });

  it('reports GE once for the whole population, without a slice', async () => {
    // Prepare
    const csv = predictions({ F: { n: 40, selected: 20 }, M: { n: 40, selected: 20 } });
    // Act
    const outcome = await runOutcome({ predictions: csv }, { ...SEX_F, metrics: { GE: { max: 1 } } });
    // Assess
    expect(outcome.metrics).toHaveLength(1);
    expect(outcome.metrics[0]!.slice).toBeUndefined();
    expect(outcome.metrics[0]!.passed).toBe(true);
  });

  it('errors with file, line and column on a malformed dataset, and names the columns found when one is missing', async () => {
    // Act + Assess
    await expect(runOutcome({ predictions: 'label,prediction,sex\n1,1,F\n1,x1,\n' }, { ...SEX_F, columns: { score: 'score' } })).rejects.toThrow(
      'predictions line 1: column "score" is missing; the header has 3 columns and none comes close (modelgate does not quote a file\'s header)',
    );
    await expect(runOutcome({ predictions: 'label,score,sex\n1,0.5,F\n1,abc,M\n' }, SEX_F)).rejects.toThrow(
      'predictions line 3, column "score": a text of 3 characters is not a number',
    );
  });

  it('reads a JSON Lines dataset with text labels and a score threshold', async () => {
    // Prepare: F selected 1/3 at score >= 0.7, M 2/3
    const rows = [
      { y: 'approved', s: 0.9, sex: 'F' },
      { y: 'denied', s: 0.5, sex: 'F' },
      { y: 'denied', s: 0.69, sex: 'F' },
      { y: 'approved', s: 0.7, sex: 'M' },
      { y: 'approved', s: 0.95, sex: 'M' },
      { y: 'denied', s: 0.1, sex: 'M' },
    ];
    const jsonl = rows.map((r) => JSON.stringify({ outcome: r.y, p: r.s, sex: r.sex, extra: { nested: [1, 2] } })).join('\n');
    const config: BiasConfig = {
      ...SEX_F,
      columns: { label: 'outcome', score: 'p' },
      positiveLabel: 'approved',
      scoreThreshold: 0.7,
      minGroupSize: 3,
      metrics: { DI: { min: 0.4 }, DPL: { maxAbs: 0.5 } },
    };
    // Act
    const outcome = await runOutcome({ predictions: jsonl }, config);
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics.map((m) => [m.name, m.value])).toEqual([
      ['DI', 0.5],
      ['DPL', 2 / 3 - 1 / 3],
    ]);
    expect(outcome.findings[0]!.message).toContain('6 rows, ŷ = p ≥ 0.7, positive label "approved"');
  });

  it('needs facets to compute from a dataset', async () => {
    // Act + Assess
    await expect(runOutcome({ predictions: predictions({ F: { n: 2, selected: 1 } }) }, {})).rejects.toThrow(
      'bias check config at /facets: no facets are configured',
    );
  });

  it('stops when the signal aborts', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort(new Error('check timed out'));
    // Act + Assess
    await expect(
      bias.run(checkInput({ predictions: predictions({ F: { n: 50, selected: 1 } }) }), configOf(SEX_F), testContext(controller.signal)),
    ).rejects.toThrow('check timed out');
  });
});

describe('bias check: Clarify reports', () => {
  it('fails on DI 0.62 from a Clarify report', async () => {
    // Act
    const outcome = await runOutcome({ 'bias-report': clarify(0.62) }, { ...SEX_F, metrics: { DI: { min: 0.8 } } });
    // Assess
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('DI for sex=F is 0.62, below min 0.8; from Clarify report bias-report');
  });

  it('treats Infinity, null + error and an absent metric as not computable: error', async () => {
    // Act
    const inf = await runIncomplete({ 'bias-post-training-report': clarify('Infinity') }, { ...SEX_F, metrics: { DI: { min: 0.8 } } });
    const absent = await runIncomplete({ 'bias-post-training-report': clarify(0.9) }, { ...SEX_F, metrics: { DI: { min: 0.8 }, RD: { maxAbs: 0.1 } } });
    // Assess
    expect(inf.message).toBe('DI for sex=F is not computable: Clarify reported Infinity (a zero denominator); from Clarify report bias-post-training-report');
    expect(absent.message).toContain('RD for sex=F is not computable: RD is absent from the Clarify report for sex=F');
  });

  it('evaluates every entry of the report when the policy names no facet', async () => {
    // Prepare
    const report = {
      post_training_bias_metrics: {
        facets: {
          age: [{ value_or_threshold: '(40, 90]', metrics: [{ name: 'DI', value: 0.9 }] }],
          sex: [{ value_or_threshold: 'F', metrics: [{ name: 'DI', value: 0.85 }] }],
        },
      },
    };
    // Act
    const outcome = await runOutcome({ 'bias-report': report }, { metrics: { DI: { min: 0.8 } } });
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.metrics.map((m) => m.slice)).toEqual(['age>40', 'sex=F']);
  });

  it('maps sensitiveAtLeast to the Clarify threshold and warns that Clarify means >', async () => {
    // Prepare
    const report = { post_training_bias_metrics: { facets: { age: [{ value_or_threshold: '(60, 90]', metrics: [{ name: 'DI', value: 0.9 }] }] } } };
    // Act
    const outcome = await runOutcome({ 'bias-report': report }, { facets: [{ column: 'age', sensitiveAtLeast: 60 }], metrics: { DI: { min: 0.8 } } });
    // Assess
    expect(outcome.metrics[0]!.slice).toBe('age>60');
    expect(
      outcome.findings.some((f) => f.severity === 'warning' && f.message.includes("means age > 60; the policy's sensitiveAtLeast 60 means age ≥ 60")),
    ).toBe(true);
  });

  it('prefers the predictions dataset when both are present, and says so', async () => {
    // Prepare: the report says DI 0.5, the data says 0.96
    const csv = predictions({ F: { n: 100, selected: 50 }, M: { n: 100, selected: 52 } });
    // Act
    const outcome = await runOutcome({ predictions: csv, 'bias-report': clarify(0.5) }, SEX_F);
    // Assess
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain('bias-report not read: the predictions dataset wins');
  });

  it('without any bias evidence, says which evidence is missing', async () => {
    // Act + Assess
    await expect(runOutcome({}, SEX_F)).rejects.toThrow(MissingEvidenceError);
    await expect(runOutcome({}, SEX_F)).rejects.toThrow(
      'missing evidence: predictions or one of bias-report, bias-pre-training-report, bias-post-training-report',
    );
  });
});

describe('bias check: config schema', () => {
  const validate = createAjv().compile(bias.configSchema);

  it('accepts the POLICY-AND-CLI example and the defaults', () => {
    // Act + Assess
    expect(problemsOf(validate, bias.defaultConfig, 'policy')).toEqual([]);
    const example = {
      columns: { label: 'label', prediction: 'prediction', score: 'score', group: 'group' },
      positiveLabel: 1,
      facets: [
        { column: 'sex', sensitive: ['F'] },
        { column: 'age', sensitiveAtLeast: 60 },
      ],
      metrics: { DI: { min: 0.8, max: 1.25 }, DPPL: { maxAbs: 0.1 }, CI: { maxAbs: 0.6 } },
      minGroupSize: 30,
    };
    expect(problemsOf(validate, example, 'policy')).toEqual([]);
  });

  it('rejects an unknown metric, a facet mixing both forms and a bad notComputable', () => {
    // Act
    const problems = problemsOf(
      validate,
      { metrics: { DX: { min: 1 } }, facets: [{ column: 'age', sensitive: ['x'], sensitiveAtLeast: 3 }], notComputable: 'skip' },
      'policy',
    );
    // Assess
    expect(problems).toEqual(expect.arrayContaining(['policy at /notComputable: must be one of "error", "ignore"']));
    expect(problems.some((p) => p.startsWith('policy at /facets/0'))).toBe(true);
  });

  it.each(['DX', 'constructor', 'toString', '__proto__', 'di'])(
    'refuses the metric name %s through the registry, naming the path and the known names',
    (name) => {
      // Act
      const { problems } = registry.resolveConfig(
        'bias',
        { facets: [{ column: 'sex', sensitive: ['F'] }], metrics: { [name]: { min: 1 } } },
        'p.yaml at /checks/0/with',
      );
      // Assess
      expect(problems).toEqual([
        `p.yaml at /checks/0/with/metrics/${name}: unknown bias metric "${name}"; known: CI, DPL, KL, JS, LP, TVD, KS, CDDL, DPPL, DI, DCAcc, DCR, RD, SD, DAR, DRR, AD, CDDPL, TE, GE, FT, DCA (names are case-sensitive, as in METRICS.md and Clarify reports)`,
      ]);
    },
  );

  it('accepts allowNotComputable next to a bound, not alone', () => {
    expect(registry.resolveConfig('bias', { metrics: { DI: { min: 0.8, allowNotComputable: true } } }, 'p').problems).toEqual([]);
    expect(registry.resolveConfig('bias', { metrics: { DI: { allowNotComputable: true } } }, 'p').problems).not.toEqual([]);
  });
});

describe('bias check: not computable and out-of-domain values (issue 9, rows 2 and 6)', () => {
  it('DI Infinity against max only is an error, not a silent pass', async () => {
    const err = await runIncomplete({ 'bias-post-training-report': clarify('Infinity') }, { ...SEX_F, metrics: { DI: { max: 1.25 } } });
    expect(err.message).toMatch(/^DI for sex=F is not computable: Clarify reported Infinity/);
  });

  it('with allowNotComputable, DI Infinity beyond max fails, and within min only is reported, not counted', async () => {
    const beyond = await runOutcome(
      { 'bias-post-training-report': clarify('Infinity', [{ name: 'DPPL', value: 0.02 }]) },
      { ...SEX_F, metrics: { DI: { max: 1.25, allowNotComputable: true }, DPPL: { maxAbs: 0.1 } } },
    );
    expect(beyond.status).toBe('fail');
    expect(beyond.summary).toMatch(/^DI for sex=F is Infinity, above max 1\.25/);
    const accepted = await runOutcome(
      { 'bias-post-training-report': clarify('Infinity', [{ name: 'DPPL', value: 0.02 }]) },
      { ...SEX_F, metrics: { DI: { min: 0.8, allowNotComputable: true }, DPPL: { maxAbs: 0.1 } } },
    );
    expect(accepted.status).toBe('pass');
    expect(accepted.findings.filter((f) => f.severity === 'warning').map((f) => f.message)).toContainEqual(
      expect.stringMatching(/DI for sex=F is not computable: .*allowNotComputable: true/),
    );
  });

  it('allowNotComputable on the only metric, not computable: an error, never an empty pass', async () => {
    const err = await runIncomplete({ 'bias-post-training-report': clarify('NaN') }, { ...SEX_F, metrics: { DI: { min: 0.8, allowNotComputable: true } } });
    expect(err.message).toMatch(/no configured bias metric is computable/);
  });

  it.each([
    ['DI', -0.5, 'DI for sex=F is -0.5, outside its domain [0, ∞)'],
    ['DPPL', 1.5, 'DPPL for sex=F is 1.5, outside its domain [-1, 1]'],
    ['JS', 0.9, 'JS for sex=F is 0.9, outside its domain [0, ln 2]'],
    ['KL', -0.1, 'KL for sex=F is -0.1, outside its domain [0, ∞)'],
    ['TVD', 1.1, 'TVD for sex=F is 1.1, outside its domain [0, 1]'],
  ])('%s %s in a Clarify report is invalid evidence: an error naming metric, value and domain', async (name, value, message) => {
    const report = {
      post_training_bias_metrics: {
        label: 'target',
        facets: { sex: [{ value_or_threshold: 'F', metrics: [{ name, value }] }] },
      },
    };
    const err = await runIncomplete({ 'bias-post-training-report': report }, { ...SEX_F, metrics: { [name]: { maxAbs: 100 } } });
    expect(err.message).toBe(`invalid evidence: ${message}; from Clarify report bias-post-training-report`);
  });
});

describe('bias check: CDDL with an empty stratum denominator follows Clarify', () => {
  it('counts the missing term as 0, names the stratum in a warning, and decides', async () => {
    // g1: 2 rejected (1 F), 2 accepted (1 F) -> DD 0; g2: no rejected, 3 accepted (1 F) -> DD 0 - 1/3. CDDL = (4·0 + 3·(-1/3))/7 = -1/7
    const rows = ['label,prediction,sex,group', '1,1,F,g1', '1,1,M,g1', '0,0,F,g1', '0,0,M,g1', '1,1,F,g2', '1,1,M,g2', '1,1,M,g2'];
    const outcome = await runOutcome({ predictions: `${rows.join('\n')}\n` }, { ...SEX_F, minGroupSize: 1, metrics: { CDDL: { maxAbs: 0.5 } } });
    expect(outcome.status).toBe('pass');
    const cddl = outcome.metrics.find((m) => m.name === 'CDDL')!;
    expect(cddl.value).toBeCloseTo(-1 / 7, 12);
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        metric: 'CDDL',
        message: expect.stringContaining(
          "stratum group=g2 has no negative labels (n_i^(0) = 0): its share of rejections counts as 0 (SageMaker Clarify's convention)",
        ),
      }),
    );
  });
});

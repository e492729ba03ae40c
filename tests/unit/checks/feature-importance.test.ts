import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import check, { type FeatureImportanceConfig } from '../../../checks/feature-importance/index.js';
import { EvidenceError, IncompleteCheckError, MissingEvidenceError } from '../../../src/core/errors.js';
import { createAjv } from '../../../src/core/schema.js';
import { checkInput, testContext } from '../../support/inline-evidence.js';

const clarify = (values: Record<string, number>) => ({
  explanations: { kernel_shap: { label0: { expected_value: 0.3, global_shap_values: values } } },
});
const CANDIDATE = { income: 0.3, debt_ratio: 0.25, tenure: 0.2, num_accounts: 0.15, age: 0.02, sex: 0.01 };
const cfg = (c: Partial<FeatureImportanceConfig>): FeatureImportanceConfig => ({ ...check.defaultConfig, ...c });
const run = (config: Partial<FeatureImportanceConfig>, evidence: Record<string, object>, champion: Record<string, object> | null = null) =>
  check.run(checkInput(evidence, champion), cfg(config), testContext());
const incomplete = async (p: Promise<unknown>): Promise<IncompleteCheckError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof IncompleteCheckError) return err;
    throw err;
  }
  throw new Error('expected an IncompleteCheckError');
};

describe('feature-importance: protected features in the top K', () => {
  it('fails when a protected feature ranks within the top K', async () => {
    // Act
    const out = await run({ protected: ['sex', 'age'], topK: 3 }, { 'explainability-report': clarify({ ...CANDIDATE, age: 0.26 }) });
    // Assess
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('protected feature age ranks 2 (top 3)');
    expect(out.metrics).toContainEqual({ name: 'rank', slice: 'feature=age', value: 2, passed: false });
  });

  it('passes when every protected feature ranks below K', async () => {
    // Act
    const out = await run({ protected: ['sex', 'age'], topK: 3 }, { 'explainability-report': clarify(CANDIDATE) });
    // Assess
    expect(out.status).toBe('pass');
    expect(out.metrics).toContainEqual({ name: 'rank', slice: 'feature=age', value: 5, passed: true });
  });

  it('counts a protected feature tied with the K-th feature as within the top K', async () => {
    // Act: age ties tenure at 0.2 (rank 3), whatever their names.
    const out = await run({ protected: ['age'], topK: 3 }, { 'feature-importance': { ...CANDIDATE, age: 0.2 } });
    // Assess
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('protected feature age ranks 3 (top 3)');
  });

  it('does not count a protected feature with zero importance, even when few features exist', async () => {
    // Act
    const out = await run({ protected: ['sex'], topK: 3 }, { 'feature-importance': { income: 0.5, sex: 0 } });
    // Assess
    expect(out.status).toBe('pass');
  });
});

describe('feature-importance: shares', () => {
  it('fails a protected share above maxShare.protected and accepts one equal to it', async () => {
    // Act: sex holds 0.1 of 1.0.
    const above = await run({ protected: ['sex'], topK: 1, maxShare: { protected: 0.05 } }, { 'feature-importance': { a: 0.5, b: 0.4, sex: 0.1 } });
    const equal = await run({ protected: ['sex'], topK: 1, maxShare: { protected: 0.1 } }, { 'feature-importance': { a: 0.5, b: 0.4, sex: 0.1 } });
    // Assess
    expect(above.status).toBe('fail');
    expect(above.summary).toBe('protected feature sex holds 0.1 of total importance, above max 0.05');
    expect(equal.status).toBe('pass');
  });

  it('flags a single dominant feature as a leakage suspicion', async () => {
    // Act
    const out = await run({ topK: 3, maxShare: { anySingleFeature: 0.5 } }, { 'feature-importance': { x: 0.62, y: 0.2, z: 0.18 } });
    // Assess
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('feature x holds 0.62 of total importance, above 0.5 (leakage suspicion)');
    expect(out.metrics).toContainEqual({ name: 'maxShare', slice: 'feature=x', value: 0.62, threshold: { max: 0.5 }, passed: false });
  });

  it('accepts a largest share equal to anySingleFeature', async () => {
    // Act
    const out = await run({ topK: 3, maxShare: { anySingleFeature: 0.5 } }, { 'feature-importance': { x: 0.5, y: 0.3, z: 0.2 } });
    // Assess
    expect(out.status).toBe('pass');
  });

  it('errors (not computable) when every importance is 0', async () => {
    // Act
    const err = await incomplete(run({ protected: ['sex'], topK: 3 }, { 'feature-importance': { a: 0, sex: 0 } }));
    // Assess
    expect(err.message).toMatch(/total importance is 0/);
  });
});

describe('feature-importance: ranking against the champion', () => {
  const champion = { 'explainability-report': clarify({ num_accounts: 0.4, tenure: 0.05, debt_ratio: 0.03, income: 0.02, age: 0.3, sex: 0.2 }) };

  it('fails when nDCG is below minNdcg', async () => {
    // Act
    const out = await run({ topK: 3, vsChampion: { minNdcg: 0.9 } }, { 'explainability-report': clarify(CANDIDATE) }, champion);
    // Assess
    expect(out.status).toBe('fail');
    expect(out.summary).toMatch(/^nDCG vs champion 0\.58\d*, below 0\.9$/);
  });

  it('passes when the champion ranks features alike', async () => {
    // Act
    const out = await run(
      { topK: 3, vsChampion: { minNdcg: 0.9, minKendallTau: 0.3 } },
      { 'explainability-report': clarify(CANDIDATE) },
      {
        'explainability-report': clarify({ income: 0.28, tenure: 0.24, debt_ratio: 0.22, num_accounts: 0.14, age: 0.03, sex: 0.01 }),
      },
    );
    // Assess
    expect(out.status).toBe('pass');
    expect(out.metrics.find((x) => x.name === 'ndcg')?.passed).toBe(true);
    expect(out.metrics.find((x) => x.name === 'kendallTau')?.value).toBeCloseTo(1 / 3, 12);
  });

  it('fails when Kendall tau-b on the top K is below minKendallTau', async () => {
    // Act
    const out = await run({ topK: 3, vsChampion: { minKendallTau: 0.5 } }, { 'explainability-report': clarify(CANDIDATE) }, champion);
    // Assess
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('Kendall tau-b vs champion (top 3) -0.6, below 0.5');
  });

  it('reports vsChampion as not applicable without a champion, and still applies the absolute rules', async () => {
    // Act
    const onlyChampion = await run({ topK: 3, vsChampion: { minNdcg: 0.9 } }, { 'feature-importance': CANDIDATE });
    const withAbsolute = await run({ protected: ['age'], topK: 3, vsChampion: { minNdcg: 0.9 } }, { 'feature-importance': CANDIDATE });
    // Assess
    expect(onlyChampion.status).toBe('not_applicable');
    expect(onlyChampion.findings).toContainEqual({ severity: 'info', message: 'vsChampion not applicable: no champion (first approved version)' });
    expect(withAbsolute.status).toBe('pass');
  });

  it('errors when the champion has no importance evidence', async () => {
    // Act
    const err = await incomplete(run({ topK: 3, vsChampion: { minNdcg: 0.9 } }, { 'feature-importance': CANDIDATE }, { 'model-quality-statistics': {} }));
    // Assess
    expect(err.message).toMatch(/the champion \(version 1\) has neither feature-importance nor explainability-report evidence/);
    expect(err.outcome.metrics).toContainEqual(expect.objectContaining({ name: 'ndcg', value: null, passed: null }));
  });

  it('still fails on a broken absolute rule when the champion comparison is not computable', async () => {
    // Act
    const out = await run({ protected: ['income'], topK: 3, vsChampion: { minNdcg: 0.9 } }, { 'feature-importance': CANDIDATE }, { other: {} });
    // Assess
    expect(out.status).toBe('fail');
  });
});

describe('feature-importance: protected feature absent from the report', () => {
  it('errors by default and keeps the metrics computed so far', async () => {
    // Act
    const err = await incomplete(run({ protected: ['sex', 'age'], topK: 1 }, { 'feature-importance': { income: 0.5, age: 0.01 } }));
    // Assess
    expect(err.message).toMatch(/protected feature sex is not in the importance report/);
    expect(err.outcome.metrics).toContainEqual(expect.objectContaining({ name: 'rank', slice: 'feature=sex', value: null }));
    expect(err.outcome.metrics).toContainEqual({ name: 'rank', slice: 'feature=age', value: 2, passed: true });
  });

  it('counts it as importance 0 with absentProtectedMeans: zero', async () => {
    // Act
    const out = await run({ protected: ['sex'], topK: 3, absentProtectedMeans: 'zero' }, { 'feature-importance': { income: 0.5 } });
    // Assess
    expect(out.status).toBe('pass');
    expect(out.metrics).toContainEqual({ name: 'share', slice: 'feature=sex', value: 0 });
  });
});

describe('feature-importance: evidence', () => {
  it('throws MissingEvidenceError without either evidence', async () => {
    // Act / Assess
    await expect(run({ protected: ['sex'], topK: 3 }, { 'bias-report': {} })).rejects.toThrow(MissingEvidenceError);
  });

  it('throws EvidenceError naming the evidence and path for a malformed report', async () => {
    // Act / Assess
    await expect(
      run({ topK: 3 }, { 'explainability-report': { explanations: { kernel_shap: { label0: { global_shap_values: { a: 'NaN' } } } } } }),
    ).rejects.toThrow(EvidenceError);
    await expect(
      run({ topK: 3 }, { 'explainability-report': { explanations: { kernel_shap: { label0: { global_shap_values: { a: 'NaN' } } } } } }),
    ).rejects.toThrow(
      'inline://explainability-report: explainability-report at explanations.kernel_shap.label0.global_shap_values.a: importance "NaN" is not a finite number',
    );
  });

  it('prefers the feature-importance file over the Clarify report', async () => {
    // Act
    const out = await run(
      { protected: ['age'], topK: 1 },
      { 'feature-importance': { income: 1, age: 0.1 }, 'explainability-report': clarify({ age: 1, income: 0.1 }) },
    );
    // Assess
    expect(out.status).toBe('pass');
    expect(out.findings[0]?.message).toBe('importance read from feature-importance, 2 feature(s)');
  });

  it('uses config.labelKey for a multi-label Clarify report', async () => {
    // Prepare
    const doc = {
      explanations: { kernel_shap: { label0: { global_shap_values: { age: 0.9, b: 0.1 } }, label1: { global_shap_values: { age: 0.2, b: 0.9 } } } },
    };
    // Act
    const chosen = await run({ protected: ['age'], topK: 1, labelKey: 'label1' }, { 'explainability-report': doc });
    const mean = await run({ protected: ['age'], topK: 1 }, { 'explainability-report': doc });
    // Assess
    expect(chosen.status).toBe('pass');
    expect(mean.status).toBe('fail');
    expect(mean.findings[0]?.message).toMatch(/mean over label keys label0, label1/);
  });
});

describe('feature-importance: config schema and fixtures', () => {
  const validate = createAjv().compile(check.configSchema);

  it('accepts the default config and the POLICY-AND-CLI example, and rejects typos', () => {
    // Act / Assess
    expect(validate(check.defaultConfig)).toBe(true);
    expect(validate({ protected: ['sex', 'age'], topK: 3, maxShare: { protected: 0.05, anySingleFeature: 0.5 }, vsChampion: { minNdcg: 0.9 } })).toBe(true);
    expect(validate({ protected: [], topK: 3, maxShare: { anySingle: 0.5 } })).toBe(false);
    expect(validate({ protected: [], topK: 0 })).toBe(false);
  });

  const dir = join(process.cwd(), 'checks/feature-importance/fixtures');
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it.each(fixtures)('fixture %s gives its verdict', async (file) => {
    // Prepare
    const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      config: Partial<FeatureImportanceConfig>;
      evidence: Record<string, object>;
      champion: { evidence: Record<string, object> } | null;
      expect: { status: string };
    };
    const config = { ...check.defaultConfig, ...fx.config };
    expect(validate(config)).toBe(true);
    // Act
    let status: string;
    try {
      status = (await check.run(checkInput(fx.evidence, fx.champion?.evidence ?? null), config, testContext())).status;
    } catch {
      status = 'error';
    }
    // Assess
    expect(status).toBe(fx.expect.status);
    expect(file.startsWith(`${fx.expect.status}-`)).toBe(true);
  });
});

describe('feature-importance: prototype keys are names like any other (issue 9, row 3)', () => {
  it.each(['constructor', 'toString', '__proto__'])('a protected feature %s absent from the report is not found (error), never inherited', async (name) => {
    const err = await incomplete(run({ protected: [name], topK: 3 }, { 'feature-importance': { income: 0.5, age: 0.2 } }));
    expect(err.message).toContain(`protected feature ${name} is not in the importance report`);
  });
});

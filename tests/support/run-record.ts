/**
 * A valid RunRecord for tests: a rejected credit-risk/2 run with one failing and one passing check.
 * Override any field; nested objects are replaced, not merged.
 */
import type { CheckResult } from '../../src/core/check.js';
import type { RunRecord } from '../../src/core/run.js';

let sequence = 0;

/** A fresh run id that sorts after the previous one made in this process. */
export const nextRunId = (): string => {
  sequence += 1;
  return `run-test${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
};

/** One check result; `overrides` replace its fields. */
export const makeCheckResult = (overrides: Partial<CheckResult> = {}): CheckResult => ({
  id: 'model-quality',
  version: '1.0.0',
  severity: 'blocking',
  status: 'pass',
  summary: 'auc 0.91 >= 0.85',
  metrics: [{ name: 'auc', value: 0.91, threshold: { min: 0.85 }, passed: true }],
  findings: [],
  durationMs: 12,
  ...overrides,
});

/** A complete, valid run record; `overrides` replace top-level fields. */
export const makeRunRecord = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  runId: nextRunId(),
  subject: {
    kind: 'sagemaker-model-package',
    arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/2',
    group: 'credit-risk',
    version: '2',
    account: '111111111111',
    region: 'eu-west-1',
  },
  policy: { name: 'credit-risk', version: 3, digest: `sha256:${'ab'.repeat(32)}`, file: 'policies/credit-risk.yaml' },
  decision: 'reject',
  reasons: ['bias: DI for sex=F is 0.62, below min 0.8'],
  checks: [
    makeCheckResult(),
    makeCheckResult({
      id: 'bias',
      status: 'fail',
      summary: 'DI for sex=F is 0.62, below min 0.8',
      metrics: [{ name: 'DI', value: 0.62, slice: 'sex=F', threshold: { min: 0.8 }, interval: [0.55, 0.69], passed: false }],
      findings: [{ severity: 'error', message: 'DI for sex=F is 0.62, below min 0.8', metric: 'DI', slice: 'sex=F' }],
      durationMs: 40,
    }),
  ],
  champion: { arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/1', version: '1' },
  registeredBy: ['arn:aws:iam::111111111111:role/ml-engineer'],
  evidence: [{ name: 'bias-report', uri: 's3://models/credit-risk/2/bias/analysis.json', source: 'ModelMetrics', digest: `sha256:${'cd'.repeat(32)}` }],
  waivers: { applied: [], expired: [] },
  trigger: { source: 'eventbridge', eventId: 'e-0001' },
  startedAt: '2025-06-01T10:00:00.000Z',
  finishedAt: '2025-06-01T10:00:03.250Z',
  serviceVersion: '0.1.0',
  ...overrides,
});

import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import bedrockSchema from '../../schemas/events/bedrock-model-customization-job-state-change.schema.json' with { type: 'json' };
import decisionSchema from '../../schemas/events/modelgate-decision.schema.json' with { type: 'json' };
import sageMakerSchema from '../../schemas/events/sagemaker-model-package-state-change.schema.json' with { type: 'json' };
import { parseRegistryEvent, type IntakeResult } from '../../src/core/intake.js';
import { decisionEvents, DETAIL_BUDGET_BYTES } from '../../src/core/outgoing-events.js';
import { dedupeKey } from '../../src/core/run-id.js';
import { createAjv, problemsOf } from '../../src/core/schema.js';
import type { Subject } from '../../src/core/subject.js';
import { makeCheckResult, makeRunRecord } from '../support/run-record.js';

const FIXTURES = new URL('../fixtures/events/', import.meta.url);
const ajv = createAjv();
const schemaFor: Record<string, ReturnType<typeof ajv.compile>> = {
  'SageMaker Model Package State Change': ajv.compile(sageMakerSchema),
  'Model Customization Job State Change': ajv.compile(bedrockSchema),
};
const validateDecision = ajv.compile(decisionSchema);

const SM = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb';
const smSubject = (version: number): Subject => ({
  kind: 'sagemaker-model-package',
  arn: `${SM}/${version}`,
  group: 'credit-risk-xgb',
  version: String(version),
  account: '111122223333',
  region: 'eu-west-1',
});

/** What every sample must normalise to. A new sample without an entry here fails the suite. */
const expected: Record<string, IntakeResult> = {
  'sagemaker-pending-with-metrics.json': { action: 'evaluate', eventId: '6f2c1b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b', subject: smSubject(12) },
  'sagemaker-pending-duplicate.json': { action: 'evaluate', eventId: '0b8e7d6c-5f4a-4b3c-9d2e-1f0a9b8c7d6e', subject: smSubject(12) },
  'sagemaker-approved.json': { action: 'promote', eventId: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f', subject: smSubject(11) },
  'sagemaker-rejected.json': {
    action: 'ignore',
    eventId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a',
    reason: 'credit-risk-xgb/12 is Rejected: nothing to evaluate or promote',
  },
  'sagemaker-in-progress.json': {
    action: 'ignore',
    eventId: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
    reason: 'credit-risk-xgb/12 is still InProgress; SageMaker emits another event when it is Completed',
  },
  'bedrock-completed.json': {
    action: 'evaluate',
    eventId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
    subject: {
      kind: 'bedrock-custom-model',
      arn: 'arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/q4v1b3x7k2m9',
      group: 'support-assistant-titan-v5',
      version: 'q4v1b3x7k2m9',
      account: '111122223333',
      region: 'us-east-1',
    },
  },
  'bedrock-failed.json': {
    action: 'ignore',
    eventId: '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e',
    reason: 'Bedrock customization job support-assistant-ft-2025-03-04 is Failed: only a Completed job yields a model to evaluate',
  },
};

const samples = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

describe('sample registry events', () => {
  it('has an expectation for every sample and a sample for every expectation', () => {
    // Assess
    expect(samples).toEqual(Object.keys(expected).sort());
  });

  it.each(samples)('%s validates against the schema of its detail-type', (name) => {
    // Prepare
    const event = load(name);
    const validate = schemaFor[String(event['detail-type'])];
    // Assess
    expect(validate).toBeDefined();
    expect(problemsOf(validate!, event, name)).toEqual([]);
  });

  it.each(samples)('%s normalises as expected', (name) => {
    // Act
    const result = parseRegistryEvent(load(name));
    // Assess
    expect(result).toEqual(expected[name]);
  });

  it('gives a duplicate delivery the same idempotency key as the original', () => {
    // Prepare
    const digest = `sha256:${'0f'.repeat(32)}`;
    const [a, b] = ['sagemaker-pending-with-metrics.json', 'sagemaker-pending-duplicate.json'].map(
      (n) => parseRegistryEvent(load(n)) as Extract<IntakeResult, { action: 'evaluate' }>,
    );
    // Assess
    expect([a!.action, b!.action]).toEqual(['evaluate', 'evaluate']);
    expect(a!.eventId).not.toBe(b!.eventId);
    expect(dedupeKey(a!.subject.arn, digest)).toBe(dedupeKey(b!.subject.arn, digest));
  });
});

describe('outgoing modelgate events', () => {
  const runs = {
    reject: makeRunRecord(),
    approve: makeRunRecord({ decision: 'approve', reasons: [], checks: [makeCheckResult()] }),
    'needs_review without policy': makeRunRecord({
      decision: 'needs_review',
      policy: null,
      champion: null,
      checks: [],
      reasons: ['no policy governs credit-risk/2'],
    }),
    'needs_review with an erroring check': makeRunRecord({
      decision: 'needs_review',
      checks: [makeCheckResult({ id: 'bias', status: 'error', error: { kind: 'timeout', message: 'timed out after 30000 ms' } })],
      reasons: ['bias: timed out after 30000 ms'],
      trigger: { source: 'rerun', rerunOf: 'run-01jnf8xq3k7m2c9v4b1n', reason: 'flaky evidence store', by: 'oncall@example.com' },
    }),
    'overridden reject': makeRunRecord({ override: { decision: 'approve', reason: 'waiver signed', by: 'jane.doe@example.com', at: '2025-06-01T12:00:00Z' } }),
    'a pathological reject': makeRunRecord({
      reasons: Array.from({ length: 5000 }, (_, i) => `reason ${i} ${'ß😀'.repeat(500)}`),
      checks: Array.from({ length: 1000 }, (_, i) => makeCheckResult({ id: `check-${i}`, status: 'fail' })),
    }),
  };

  it.each(Object.entries(runs))('every event of the %s run validates and stays far below 256 KB', (_label, run) => {
    // Act
    const events = decisionEvents(run, { runUrl: `https://modelgate.example.com/runs/${run.runId}` });
    // Assess
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const e of events) {
      expect(problemsOf(validateDecision, e.detail, e.detailType)).toEqual([]);
      const entryBytes = new TextEncoder().encode(
        JSON.stringify({ Source: 'modelgate', DetailType: e.detailType, Detail: JSON.stringify(e.detail), Resources: e.resources }),
      ).length;
      expect(entryBytes).toBeLessThan(DETAIL_BUDGET_BYTES + 4096);
      expect(entryBytes * 3).toBeLessThan(256 * 1024);
    }
  });
});

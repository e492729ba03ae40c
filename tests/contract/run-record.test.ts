import { describe, expect, it } from '@jest/globals';
import checkResultSchema from '../../schemas/check-result.schema.json' with { type: 'json' };
import runRecordSchema from '../../schemas/run-record.schema.json' with { type: 'json' };
import type { RunRecord } from '../../src/core/run.js';
import { createAjv, problemsOf } from '../../src/core/schema.js';
import { newRunId } from '../../src/core/run-id.js';
import { makeRunRecord } from '../support/run-record.js';

/**
 * Every optional key made required and every `| null` removed, tuples kept. An object literal of
 * this type must name every key of RunRecord at every level, and no other (tsc checks both), so
 * comparing its keys with the schema's compares the type with the schema.
 */
type DeepRequired<T> = T extends readonly unknown[]
  ? { [K in keyof T]: DeepRequired<T[K]> }
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<NonNullable<T[K]>> }
    : T;

const waiver = {
  check: 'bias',
  metric: 'CI',
  slice: 'sex=F',
  subjects: ['credit-risk-xgb/12'],
  until: '2026-12-31',
  approvedBy: 'jane.doe@example.com',
  reason: 'known sampling skew in Q3 data, remediation ticket RISK-881',
};

const full: DeepRequired<RunRecord> = {
  runId: newRunId(new Date('2025-03-04T09:15:30.000Z'), () => 0.5),
  subject: {
    kind: 'sagemaker-model-package',
    arn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/12',
    group: 'credit-risk-xgb',
    version: '12',
    account: '111122223333',
    region: 'eu-west-1',
    tags: { team: 'credit-risk-ds' },
  },
  policy: { name: 'credit-risk', version: 3, digest: `sha256:${'0f'.repeat(32)}`, file: 'policies/credit-risk.yaml' },
  decision: 'reject',
  reasons: ['bias: DI for sex=F is 0.62, below min 0.8'],
  checks: [
    {
      id: 'bias',
      use: 'bias',
      version: '1.2.0',
      severity: 'blocking',
      status: 'fail',
      summary: 'DI for sex=F is 0.62, below min 0.8',
      metrics: [
        {
          name: 'DI',
          value: 0.62,
          reason: 'computed from 4,120 rows',
          slice: 'sex=F',
          threshold: { min: 0.8, max: 1.25, maxAbs: 2, vsChampion: { maxWorsening: 0.05, maxRelativeWorsening: 0.1 } },
          champion: 0.84,
          interval: [0.55, 0.69],
          passed: false,
        },
      ],
      findings: [{ severity: 'error', message: 'DI for sex=F is 0.62, below min 0.8', metric: 'DI', slice: 'sex=F' }],
      error: { kind: 'exception', message: 'not an error, but every key is filled' },
      durationMs: 41,
    },
  ],
  champion: { arn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/11', version: '11' },
  registeredBy: ['arn:aws:iam::111122223333:role/ml-engineer'],
  evidence: [
    {
      name: 'bias-post-training-report',
      uri: 's3://ml-artifacts/credit-risk/clarify-bias/analysis.json',
      contentType: 'application/json',
      digest: `sha256:${'ab'.repeat(32)}`,
      source: 'ModelMetrics',
    },
  ],
  waivers: { applied: [{ ...waiver, covered: ['bias/CI sex=F'] }], expired: [{ ...waiver, until: '2024-12-31' }] },
  trigger: {
    source: 'rerun',
    eventId: '6f2c1b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b',
    rerunOf: 'run-01jnf8xq3k7m2c9v4b1n',
    reason: 'evidence re-uploaded',
    by: 'oncall@example.com',
  },
  startedAt: '2025-03-04T09:15:30.000Z',
  finishedAt: '2025-03-04T09:15:33.250Z',
  serviceVersion: '0.1.0',
  override: { decision: 'approve', reason: 'waiver RISK-881 signed after the run', by: 'jane.doe@example.com', at: '2025-03-04T12:00:00Z' },
  attestation: {
    attestation: {
      runId: 'run-01jnf8xq3k7m2c9v4b1n',
      subjectArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/12',
      decision: 'reject',
      policyDigest: `sha256:${'0f'.repeat(32)}`,
      artifactsDigest: `sha256:${'5c'.repeat(32)}`,
      decidedAt: '2025-03-04T09:15:33.250Z',
      serviceVersion: '0.1.0',
    },
    algorithm: 'ECDSA_SHA_256',
    keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    signature: 'MEUCIQDx3k1YkE7n0cC1lVv7Zt3e8m0+u1d2s6o3VwYpL8g2HwIgR4y5kK9q0l2Y3m4n5o6p7q8r9s0t1u2v3w4x5y6z7A8=',
  },
};
// The fully populated literal is also a RunRecord (tsc fails here if DeepRequired drifted from it).
const fullRecord: RunRecord = full;

type Schema = Record<string, unknown>;
const definitions = (runRecordSchema as { definitions: Record<string, Schema> }).definitions;

/** Follows local `$ref`s and picks the object branch of a `oneOf` (`{...} | null`), else its non-null branch (`string | null`). */
const resolve = (schema: Schema): Schema | null => {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/definitions/')) return null; // another schema's contract (check-result)
    return resolve(definitions[ref.slice('#/definitions/'.length)]!);
  }
  const oneOf = schema['oneOf'] as Schema[] | undefined;
  if (oneOf) return resolve(oneOf.find((s) => s['type'] === 'object') ?? oneOf.find((s) => s['type'] !== 'null')!);
  return schema;
};

/** Paths where the schema's property names differ from the value's keys. */
const keyMismatches = (schema: Schema, value: unknown, path = ''): string[] => {
  const s = resolve(schema);
  if (!s) return [];
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => keyMismatches(s['items'] as Schema, v, `${path}/${i}`));
  }
  if (typeof value !== 'object' || value === null) return [];
  const properties = s['properties'] as Record<string, Schema> | undefined;
  if (!properties) return []; // a string map (tags): keys are data, not names
  const schemaKeys = Object.keys(properties).sort();
  const valueKeys = Object.keys(value).sort();
  const out = JSON.stringify(schemaKeys) === JSON.stringify(valueKeys) ? [] : [`${path || '/'}: schema ${schemaKeys.join(',')} vs type ${valueKeys.join(',')}`];
  for (const key of valueKeys) {
    const child = properties[key];
    if (child) out.push(...keyMismatches(child, (value as Record<string, unknown>)[key], `${path}/${key}`));
  }
  return out;
};

const ajv = createAjv();
ajv.addSchema(checkResultSchema);
const validate = ajv.compile(runRecordSchema);

describe('run-record.schema.json', () => {
  it('accepts a fully populated RunRecord', () => {
    // Act
    const problems = problemsOf(validate, fullRecord, 'run');
    // Assess
    expect(problems).toEqual([]);
  });

  it('still accepts a run recorded before check entries had ids (a result without use)', () => {
    // Prepare
    const old = { ...fullRecord, checks: fullRecord.checks.map(({ use: _use, ...rest }) => rest) };
    // Act / Assess
    expect(problemsOf(validate, old, 'old run')).toEqual([]);
  });

  it('names exactly the keys of RunRecord at every level', () => {
    // Act
    const mismatches = keyMismatches(runRecordSchema as Schema, full);
    // Assess
    expect(mismatches).toEqual([]);
  });

  it('notices a drift between the schema and the type (the comparison can fail)', () => {
    // Prepare
    const drifted = structuredClone(runRecordSchema) as unknown as { definitions: { subject: { properties: Record<string, unknown> } } };
    drifted.definitions.subject.properties['owner'] = { type: 'string' };
    const withDrift = drifted as unknown as Schema;
    // Act
    const mismatches = keyMismatches({ ...withDrift, properties: { ...(withDrift['properties'] as Schema), subject: drifted.definitions.subject } }, full);
    // Assess
    expect(mismatches).toEqual([expect.stringMatching(/^\/subject: schema .*owner/)]);
  });

  it('accepts the minimal forms: no policy, no champion, no override, no optional keys', () => {
    // Prepare
    const minimal = makeRunRecord({
      policy: null,
      champion: null,
      decision: 'needs_review',
      reasons: ['no policy governs credit-risk/2'],
      checks: [],
      evidence: [],
      registeredBy: [],
      trigger: { source: 'cli' },
    });
    // Act
    const problems = problemsOf(validate, minimal, 'run');
    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects an invalid record with the path of each problem', () => {
    // Prepare
    const broken = {
      ...fullRecord,
      decision: 'approved',
      subject: { ...fullRecord.subject, account: '1111' },
      policy: { ...fullRecord.policy!, digest: 'md5:abc' },
      startedAt: 'yesterday',
      checks: [{ ...fullRecord.checks[0]!, status: 'passed' }],
      extra: true,
    };
    // Act
    const problems = problemsOf(validate, broken, 'run');
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'run at /: unknown key "extra"',
        'run at /decision: must be one of "approve", "reject", "needs_review"',
        'run at /subject/account: must match pattern "^[0-9]{12}$"',
        'run at /policy/digest: must match pattern "^sha256:[0-9a-f]{64}$"',
        'run at /startedAt: must match format "date-time"',
        'run at /checks/0/status: must be one of "pass", "fail", "warn", "not_applicable", "error"',
      ]),
    );
  });

  it('rejects a record missing a required key', () => {
    // Prepare
    const { finishedAt: _dropped, ...incomplete } = fullRecord;
    // Act
    const problems = problemsOf(validate, incomplete, 'run');
    // Assess
    expect(problems).toEqual(['run at /: missing required key "finishedAt"']);
  });
});

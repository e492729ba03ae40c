/**
 * The policy schema and the PolicyDocument type must describe the same document. `full` is typed so
 * that the compiler demands every key of the type (optional ones included) and refuses keys the
 * type does not have; the test then walks it beside the schema.
 */
import { describe, expect, it } from '@jest/globals';
import policySchema from '../../../schemas/policy.schema.json' with { type: 'json' };
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import type { PolicyDocument } from '../../../src/core/policy/types.js';

type DeepRequired<T> = T extends Array<infer U> ? Array<DeepRequired<U>> : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

const full: DeepRequired<PolicyDocument> = {
  apiVersion: 'modelgate/v1',
  kind: 'Policy',
  metadata: { name: 'credit-risk', version: 3, owner: 'risk@example.com', description: 'all keys' },
  match: { modelPackageGroups: ['credit-*'], tags: { team: 'risk' } },
  checks: [{ use: 'bias', id: 'bias-advisory', severity: 'advisory', with: { minGroupSize: 30 }, timeoutSeconds: 30 }],
  waivers: [{ check: 'bias-advisory', metric: 'CI', slice: 'sex=F', subjects: ['credit-*/12'], until: '2026-12-31', approvedBy: 'jane', reason: 'ticket' }],
  decision: { approvers: ['jane@example.com'], allowManualApproval: true },
  promotion: {
    stages: [
      {
        name: 'staging',
        targets: [
          { kind: 'sagemaker-endpoint', account: '222222222222', region: 'eu-west-1', roleArn: 'arn:aws:iam::222222222222:role/p', externalId: 'ext-1' },
        ],
        verify: [{ use: 'endpoint-smoke', with: { maxErrorRate: 0 } }],
      },
    ],
  },
};

type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string; additionalProperties?: unknown; type?: string };
const root = policySchema as unknown as Schema & { definitions: Record<string, Schema> };

const resolve = (s: Schema): Schema => (s.$ref ? root.definitions[s.$ref.replace('#/definitions/', '')]! : s);

/** Every `path: [schema keys, value keys]` where an object level differs. */
const disagreements = (schema: Schema, value: unknown, path: string): string[] => {
  const s = resolve(schema);
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => disagreements(s.items!, v, `${path}/${i}`)) : [];
  if (value === null || typeof value !== 'object' || !s.properties) return [];
  const schemaKeys = Object.keys(s.properties).sort();
  const valueKeys = Object.keys(value).sort();
  const here = schemaKeys.join(',') === valueKeys.join(',') ? [] : [`${path || '/'}: schema [${schemaKeys}] vs type [${valueKeys}]`];
  return [
    ...here,
    ...valueKeys.flatMap((k) => (s.properties![k] ? disagreements(s.properties![k]!, (value as Record<string, unknown>)[k], `${path}/${k}`) : [])),
  ];
};

describe('policy schema and PolicyDocument agree', () => {
  it('validates a fully populated PolicyDocument', () => {
    // Prepare
    const validate = createAjv().compile(policySchema);
    // Act / Assess
    expect(problemsOf(validate, full, 'full')).toEqual([]);
  });

  it('has the same property names as the type at every level', () => {
    // Act / Assess
    expect(disagreements(root, full, '')).toEqual([]);
  });

  it('detects a disagreement (the walk is not vacuous)', () => {
    // Prepare
    const extra = { ...full, metadata: { ...full.metadata, team: 'x' } };
    // Act / Assess
    expect(disagreements(root, extra, '')).toEqual(['/metadata: schema [description,name,owner,version] vs type [description,name,owner,team,version]']);
  });

  it('requires exactly the keys the type does not mark optional', () => {
    // Assess
    const required = (s: Schema & { required?: string[] }) => [...((resolve(s) as { required?: string[] }).required ?? [])].sort();
    expect(required(root)).toEqual(['apiVersion', 'checks', 'kind', 'match', 'metadata']);
    expect(required(root.properties!['metadata']!)).toEqual(['name', 'owner', 'version']);
    expect(required(root.properties!['checks']!.items!)).toEqual(['use']);
    expect(required(root.properties!['waivers']!.items!)).toEqual(['approvedBy', 'check', 'reason', 'subjects', 'until']);
    expect(required(root.properties!['promotion']!)).toEqual(['stages']);
    const stage = root.properties!['promotion']!.properties!['stages']!.items!;
    expect(required(stage)).toEqual(['name', 'targets']);
    expect(required(stage.properties!['targets']!.items!)).toEqual(['account', 'externalId', 'kind', 'region', 'roleArn']);
  });
});

/**
 * `policy validate` (parsePolicy, the one path for CLI, stack and Lambda) checks each promotion
 * target's options against its kind's schema: an unknown key is an error naming the JSON path and
 * the closest valid key.
 */
import { describe, expect, it } from '@jest/globals';
import { parsePolicy } from '../../../src/core/policy/parse.js';
import { closestKey, TARGET_KINDS, TARGET_OPTIONS } from '../../../src/core/promotion/target-options.js';
import { problemsOf } from './support.js';

const policyWith = (target: string) => `apiVersion: modelgate/v1
kind: Policy
metadata: { name: p, version: 1, owner: team@example.com }
match: {}
checks:
  - use: model-quality
promotion:
  stages:
    - name: staging
      targets:
${target}`;

const BEDROCK_IMPORT = `        - kind: bedrock-import
          account: "222222222222"
          region: us-east-1
          roleArn: arn:aws:iam::222222222222:role/modelgate-promoter
          externalId: modelgate-llm
          importRoleArn: arn:aws:iam::222222222222:role/bedrock-import
`;

describe('promotion target options', () => {
  it('refuses modelDataS3Uri on bedrock-import, naming the path and the right key', () => {
    // Act
    const problems = problemsOf(policyWith(`${BEDROCK_IMPORT}          modelDataS3Uri: s3://research-models/llm/v3/\n`));
    // Assess
    expect(problems).toEqual([
      'p.yaml at /promotion/stages/0/targets/0/modelDataS3Uri: unknown option "modelDataS3Uri" for kind bedrock-import (did you mean "s3Uri"?) (expected one of: kind, account, region, roleArn, externalId, importRoleArn, s3Uri, importedModelName, importedModelKmsKeyId)',
      'p.yaml at /promotion/stages/0/targets/0: missing required key "s3Uri" (bedrock-import target)',
    ]);
  });

  it('refuses a required option left out, so that the doctor never prints a placeholder for it', () => {
    expect(problemsOf(policyWith(BEDROCK_IMPORT))).toEqual(['p.yaml at /promotion/stages/0/targets/0: missing required key "s3Uri" (bedrock-import target)']);
  });

  it('accepts a bedrock-import target with its documented options', () => {
    expect(() => parsePolicy(policyWith(`${BEDROCK_IMPORT}          s3Uri: s3://research-models/llm/v3/\n`), 'p.yaml')).not.toThrow();
  });

  it('names a wrong value by its path in the policy', () => {
    const problems = problemsOf(policyWith(`${BEDROCK_IMPORT}          s3Uri: https://example.com/x\n`));
    expect(problems).toEqual([
      expect.stringMatching(/^p\.yaml at \/promotion\/stages\/0\/targets\/0\/s3Uri: must match pattern .* \(bedrock-import target\)$/),
    ]);
  });

  it('suggests by edit distance for a typo (instanceCont → instanceCount)', () => {
    expect(closestKey('instanceCont', Object.keys(TARGET_OPTIONS['sagemaker-endpoint'].options))).toBe('instanceCount');
    expect(closestKey('zzzzzzzz', ['s3Uri', 'importRoleArn'])).toBeUndefined();
  });

  it('accepts the shipped policies (every kind they use validates)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    for (const f of readdirSync('policies').filter((n) => n.endsWith('.yaml'))) {
      expect(() => parsePolicy(readFileSync(`policies/${f}`), `policies/${f}`)).not.toThrow();
    }
  });

  it('has a schema for every kind that policy.schema.json allows', async () => {
    const schema = (await import('../../../schemas/policy.schema.json', { with: { type: 'json' } })).default as {
      definitions: { promotionTarget: { properties: { kind: { enum: string[] } } } };
    };
    expect([...TARGET_KINDS].sort()).toEqual([...schema.definitions.promotionTarget.properties.kind.enum].sort());
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SAGEMAKER_CLIENT_TOKEN_MAX, clientToken, resourceName } from '../../../../../src/adapters/aws/targets/naming.js';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Bedrock's custom/imported model name pattern: no leading separator, no two separators in a row. */
const BEDROCK_MODEL_NAME = /^([0-9a-zA-Z][_-]?)+$/;

describe('resourceName', () => {
  it('always fits SageMaker and Bedrock name rules, for any group, version and token', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 80 }), { maxLength: 4 }),
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 12, max: 128 }),
        (parts, token, max) => {
          // Act
          const name = resourceName(parts, token, max);

          // Assess
          expect(name.length).toBeLessThanOrEqual(max);
          expect(name).toMatch(BEDROCK_MODEL_NAME);
          if (max <= 63) expect(name).toMatch(SAGEMAKER_NAME);
        },
      ),
    );
  });

  it('falls back to the digest when nothing readable is left', () => {
    expect(resourceName(['--', '..'], 't')).toMatch(/^[0-9a-f]{10}$/);
  });

  it('is deterministic in its inputs and differs between step tokens', () => {
    // Act
    const a = resourceName(['credit-risk', 'v12'], 'prom-1/staging/0');
    const again = resourceName(['credit-risk', 'v12'], 'prom-1/staging/0');
    const otherStep = resourceName(['credit-risk', 'v12'], 'prom-1/production/0');

    // Assess
    expect(a).toBe(again);
    expect(a).toMatch(/^credit-risk-v12-[0-9a-f]{10}$/);
    expect(otherStep).not.toBe(a);
  });
});

describe('clientToken', () => {
  it('keeps a token that fits and derives a stable one that does', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (token) => {
        // Act
        const t = clientToken(token, SAGEMAKER_CLIENT_TOKEN_MAX);

        // Assess
        expect(t).toMatch(/^[a-zA-Z0-9-]{1,36}$/);
        expect(clientToken(token, SAGEMAKER_CLIENT_TOKEN_MAX)).toBe(t);
      }),
    );
    expect(clientToken('prom-1-staging-0', 36)).toBe('prom-1-staging-0');
  });
});

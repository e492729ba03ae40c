import { describe, expect, it } from '@jest/globals';
import { validatePolicyChecks, type CheckConfigResolver } from '../../../src/core/policy/parse.js';
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import { policy } from './support.js';

/** A registry of two checks whose configs are validated the way the real registry does (ajv). */
const registry = (): CheckConfigResolver & { calls: Array<[string, unknown, string]> } => {
  const schemas = {
    'model-quality': createAjv().compile({ type: 'object', additionalProperties: false, properties: { metrics: { type: 'object' } } }),
    bias: createAjv().compile({ type: 'object', additionalProperties: false, properties: { minGroupSize: { type: 'integer', minimum: 1 } } }),
  };
  const calls: Array<[string, unknown, string]> = [];
  return {
    calls,
    ids: () => Object.keys(schemas),
    resolveConfig(id, with_, where) {
      calls.push([id, with_, where]);
      const config = with_ ?? {};
      return { config, problems: problemsOf(schemas[id as keyof typeof schemas], config, where) };
    },
  };
};

describe('validatePolicyChecks', () => {
  it('is empty when every check is known and configured correctly', () => {
    // Prepare
    const p = policy('p', {});
    p.doc.checks = [{ use: 'model-quality', with: { metrics: {} } }, { use: 'bias' }];
    const reg = registry();
    // Act
    const problems = validatePolicyChecks(p, reg);
    // Assess
    expect(problems).toEqual([]);
    expect(reg.calls).toEqual([
      ['model-quality', { metrics: {} }, 'policies/p.yaml at /checks/0/with'],
      ['bias', undefined, 'policies/p.yaml at /checks/1/with'],
    ]);
  });

  it('names an unknown check, where it is and which checks exist', () => {
    // Prepare
    const p = policy('p', {});
    p.doc.checks = [{ use: 'model-quality' }, { use: 'bias' }, { use: 'bais' }];
    // Act / Assess
    expect(validatePolicyChecks(p, registry())).toEqual(['policies/p.yaml at /checks/2/use: unknown check "bais"; known checks: bias, model-quality']);
  });

  it('returns the registry problems of each with: block', () => {
    // Prepare
    const p = policy('p', {});
    p.doc.checks = [
      { use: 'model-quality', with: { metric: {} } },
      { use: 'bias', with: { minGroupSize: 0 } },
    ];
    // Act / Assess
    expect(validatePolicyChecks(p, registry())).toEqual([
      'policies/p.yaml at /checks/0/with: unknown key "metric"',
      'policies/p.yaml at /checks/1/with/minGroupSize: must be >= 1',
    ]);
  });
});

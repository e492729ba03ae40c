/** The policy reference must document every key the schema accepts (docs/policy.md). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import policySchema from '../../schemas/policy.schema.json' with { type: 'json' };

/** Every property name declared anywhere in a schema (properties of properties, items, definitions). */
const propertyNames = (node: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(node)) node.forEach((n) => propertyNames(n, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') Object.keys(value).forEach((k) => out.add(k));
      propertyNames(value, out);
    }
  }
  return out;
};

describe('docs/policy.md', () => {
  const doc = readFileSync('docs/policy.md', 'utf8');
  const names = [...propertyNames(policySchema)].sort();

  it('finds the keys of the schema (the walk is not vacuous)', () => {
    expect(names).toEqual(expect.arrayContaining(['apiVersion', 'modelPackageGroups', 'approvedBy', 'externalId', 'timeoutSeconds', 'verify']));
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it('names every property of policy.schema.json as `code`', () => {
    // Act
    const missing = names.filter((n) => !doc.includes(`\`${n}\``));
    // Assess
    expect(missing).toEqual([]);
  });

  it('lists every promotion target kind and severity the schema allows', () => {
    // Prepare
    const kinds = policySchema.definitions.promotionTarget.properties.kind.enum as string[];
    const severities = policySchema.properties.checks.items.properties.severity.enum as string[];
    // Act
    const missing = [...kinds, ...severities].filter((v) => !doc.includes(`\`${v}\``));
    // Assess
    expect(missing).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { defineCheck, type CheckDefinition } from '../../../src/core/check.js';
import { createCheckRegistry } from '../../../src/core/check-registry.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['level'],
  properties: {
    level: { type: 'number', minimum: 0 },
    mode: { enum: ['strict', 'lenient'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

const fakeCheck = (id: string, overrides: Partial<CheckDefinition<{ level: number; mode?: string; tags?: string[] }>> = {}) =>
  defineCheck<{ level: number; mode?: string; tags?: string[] }>({
    id,
    version: '1.0.0',
    title: `check ${id}`,
    description: 'a check for registry tests',
    evidence: [],
    configSchema: schema,
    defaultConfig: { level: 1, tags: ['a'] },
    run: async () => ({ status: 'pass', summary: 'ok', metrics: [], findings: [] }),
    ...overrides,
  });

describe('createCheckRegistry', () => {
  it('looks checks up by id and lists them sorted by id', () => {
    // Prepare
    const checks = [fakeCheck('zeta'), fakeCheck('alpha'), fakeCheck('mid-one')];
    // Act
    const registry = createCheckRegistry(checks);
    // Assess
    expect(registry.ids()).toEqual(['alpha', 'mid-one', 'zeta']);
    expect(registry.list().map((c) => c.id)).toEqual(['alpha', 'mid-one', 'zeta']);
    expect(registry.get('zeta')).toBe(checks[0]);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('refuses duplicate ids', () => {
    expect(() => createCheckRegistry([fakeCheck('dup'), fakeCheck('dup')])).toThrow('duplicate check id "dup"');
  });

  it('refuses a config schema that does not compile in strict mode', () => {
    // Prepare: `minimum` without `type` is a strictTypes error.
    const loose = fakeCheck('loose', { configSchema: { type: 'object', additionalProperties: false, properties: { n: { minimum: 0 } } } });
    // Act + Assess
    expect(() => createCheckRegistry([loose])).toThrow(/check loose: configSchema does not compile in ajv strict mode: strict mode/);
  });

  it('merges with: shallowly over the defaults and validates the result', () => {
    // Prepare
    const registry = createCheckRegistry([fakeCheck('a-check')]);
    // Act
    const none = registry.resolveConfig('a-check', undefined, 'p.yaml');
    const some = registry.resolveConfig('a-check', { mode: 'strict', tags: ['b'] }, 'p.yaml');
    // Assess
    expect(none).toEqual({ config: { level: 1, tags: ['a'] }, problems: [] });
    // Shallow: `tags` is replaced, not concatenated.
    expect(some).toEqual({ config: { level: 1, mode: 'strict', tags: ['b'] }, problems: [] });
  });

  it('hands out a copy, so a run cannot change the defaults of the next one', () => {
    // Prepare
    const check = fakeCheck('a-check');
    const registry = createCheckRegistry([check]);
    // Act
    const { config } = registry.resolveConfig('a-check', undefined, 'p.yaml');
    (config as { tags: string[] }).tags.push('mutated');
    // Assess
    expect(check.defaultConfig.tags).toEqual(['a']);
  });

  it('names where, the JSON path and what was expected for an invalid config', () => {
    // Prepare
    const registry = createCheckRegistry([fakeCheck('a-check')]);
    // Act
    const { problems } = registry.resolveConfig('a-check', { level: -1, mode: 'fast', extra: true }, 'policies/x.yaml checks[0].with');
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'policies/x.yaml checks[0].with at /: unknown key "extra"',
        'policies/x.yaml checks[0].with at /level: must be >= 0',
        'policies/x.yaml checks[0].with at /mode: must be one of "strict", "lenient"',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('reports an unknown check and a with: that is not an object as problems', () => {
    // Prepare
    const registry = createCheckRegistry([fakeCheck('a-check'), fakeCheck('b-check')]);
    // Act
    const unknown = registry.resolveConfig('c-check', {}, 'p.yaml');
    const notObject = registry.resolveConfig('a-check', ['x'] as unknown as Record<string, unknown>, 'p.yaml');
    // Assess
    expect(unknown.problems).toEqual(['p.yaml: unknown check "c-check" (expected one of a-check, b-check)']);
    expect(notObject.problems).toEqual(['p.yaml at /: must be object']);
  });
});

describe("createCheckRegistry: a check's own validateConfig rules", () => {
  const withHook = fakeCheck('hooked', {
    validateConfig: (c) =>
      (c.tags ?? []).filter((t) => t !== 'a' && t !== 'b').map((t, i) => ({ path: `/tags/${i}`, message: `unknown tag "${t}"; known: a, b` })),
  });

  it('runs after the schema passed, each problem at <where><path>', () => {
    const registry = createCheckRegistry([withHook]);
    expect(registry.resolveConfig('hooked', { level: 2, tags: ['a', 'zz'] }, 'p.yaml at /checks/0/with').problems).toEqual([
      'p.yaml at /checks/0/with/tags/0: unknown tag "zz"; known: a, b',
    ]);
    expect(registry.resolveConfig('hooked', { level: 2, tags: ['a', 'b'] }, 'p').problems).toEqual([]);
  });

  it("is not called on a config the schema refused (it may rely on the schema's shape)", () => {
    let called = false;
    const check = fakeCheck('guarded', { validateConfig: () => ((called = true), []) });
    const { problems } = createCheckRegistry([check]).resolveConfig('guarded', { level: 'high' }, 'p');
    expect(problems).toHaveLength(1);
    expect(called).toBe(false);
  });

  it('defineCheck refuses a validateConfig that is not a function', () => {
    expect(() => fakeCheck('bad', { validateConfig: 'nope' as unknown as undefined })).toThrow('check bad: validateConfig must be a function');
  });
});

/**
 * A policy may run the same check more than once with different settings (blocking at one
 * threshold, advisory at a stricter one). Each entry has an id — `id:` or, by default, its `use:` —
 * unique within the policy; waivers name the entry id.
 */
import { describe, expect, it } from '@jest/globals';
import type { CheckResult } from '../../../src/core/check.js';
import { decide } from '../../../src/core/decide.js';
import { parsePolicy } from '../../../src/core/policy/parse.js';
import type { Waiver } from '../../../src/core/policy/types.js';
import { problemsOf } from './support.js';

const HEAD = `apiVersion: modelgate/v1
kind: Policy
metadata: { name: p, version: 1, owner: team@example.com }
match: {}
`;

describe('repeated checks', () => {
  it('accepts the same check twice when the entries have distinct ids', () => {
    // Act
    const policy = parsePolicy(
      `${HEAD}checks:
  - use: model-quality
  - use: model-quality
    id: model-quality-stretch
    severity: advisory
waivers:
  - { check: model-quality-stretch, subjects: ["a/1"], until: "2099-01-01", approvedBy: x, reason: y }
`,
      'p.yaml',
    );
    // Assess
    expect(policy.doc.checks.map((c) => c.id ?? c.use)).toEqual(['model-quality', 'model-quality-stretch']);
  });

  it('refuses the same check twice without ids, naming both paths and the fix', () => {
    const problems = problemsOf(`${HEAD}checks:\n  - use: model-quality\n  - use: model-quality\n`);
    expect(problems).toEqual([
      'p.yaml at /checks/1: entry id "model-quality" is already used by /checks/0 (expected a unique id; give one of the entries an `id:`, e.g. id: model-quality-2)',
    ]);
  });

  it('refuses an explicit id that repeats another entry id', () => {
    const problems = problemsOf(`${HEAD}checks:\n  - use: model-quality\n    id: quality\n  - use: bias\n    id: quality\n`);
    expect(problems).toEqual([expect.stringContaining('p.yaml at /checks/1/id: entry id "quality" is already used by /checks/0')]);
  });

  it('refuses an id that repeats the default id (the use) of another entry', () => {
    const problems = problemsOf(`${HEAD}checks:\n  - use: model-quality\n  - use: bias\n    id: model-quality\n`);
    expect(problems).toEqual([expect.stringContaining('p.yaml at /checks/1/id: entry id "model-quality" is already used by /checks/0')]);
  });

  it('refuses an id that is not kebab-case', () => {
    const problems = problemsOf(`${HEAD}checks:\n  - use: model-quality\n    id: Model_Quality\n`);
    expect(problems.join('\n')).toContain('/checks/0/id');
  });

  it('refuses a waiver that names the check module when every entry of it has its own id', () => {
    const problems = problemsOf(`${HEAD}checks:
  - { use: model-quality, id: quality-floor }
  - { use: model-quality, id: quality-stretch }
waivers:
  - { check: model-quality, subjects: ["a/1"], until: "2099-01-01", approvedBy: x, reason: y }
`);
    expect(problems).toEqual([
      'p.yaml at /waivers/0/check: waiver for check "model-quality", which names no check entry of this policy (expected an entry id: quality-floor, quality-stretch)',
    ]);
  });
});

describe('decide with one check listed twice', () => {
  const failing = (id: string): CheckResult => ({
    id,
    use: 'model-quality',
    version: '1.0.0',
    severity: 'blocking',
    status: 'fail',
    summary: 'auc low',
    metrics: [{ name: 'auc', value: 0.9, passed: false }],
    findings: [{ severity: 'error', message: 'auc is 0.9, below min 0.95', metric: 'auc' }],
    durationMs: 1,
  });
  const waiver: Waiver = { check: 'model-quality-stretch', subjects: ['churn-xgb/*'], until: '2099-12-31', approvedBy: 'jane', reason: 'ticket 1' };
  const subject = { group: 'churn-xgb', version: '7' };
  const now = new Date('2026-06-15T12:00:00Z');

  it('applies a waiver to the entry it names, not to the other entry of the same check', () => {
    // Act
    const both = decide({ results: [failing('model-quality'), failing('model-quality-stretch')], waivers: [waiver], subject, now });
    const stretchOnly = decide({ results: [failing('model-quality-stretch')], waivers: [waiver], subject, now });
    // Assess
    expect(both.decision).toBe('reject');
    expect(both.waivers.applied.map((w) => w.check)).toEqual(['model-quality-stretch']);
    expect(stretchOnly.decision).toBe('approve');
  });
});

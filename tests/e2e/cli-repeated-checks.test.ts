/**
 * Acceptance: one policy runs model-quality twice — blocking at a floor the model clears, advisory at
 * a stretch goal it misses. The run approves, and the advisory miss shows under its own entry id.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from '../support/cli.js';

const POLICY = `apiVersion: modelgate/v1
kind: Policy
metadata: { name: churn-twice, version: 1, owner: team@example.com }
match: { modelPackageGroups: ["churn-*"] }
checks:
  - use: model-quality
    severity: blocking
    with: { problemType: binary_classification, metrics: { auc: { min: 0.7 } } }
  - use: model-quality
    id: model-quality-stretch
    severity: advisory
    with: { problemType: binary_classification, metrics: { auc: { min: 0.95 } } }
`;

describe('a policy that lists one check twice', () => {
  let home: string;
  let policy: string;
  beforeAll(() => {
    home = tempHome();
    policy = join(home, 'churn-twice.yaml');
    writeFileSync(policy, POLICY);
  });

  it('approves with the advisory entry failing under its own id', () => {
    // Act
    const r = runCli(['evaluate', '--model-package', 'examples/registry/churn-xgb/2.json', '--policy', policy, '--champion', 'none', '--format', 'json'], home);
    // Assess
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('approve');
    expect(run.checks.map((c: { id: string; use: string; severity: string; status: string }) => [c.id, c.use, c.severity, c.status])).toEqual([
      ['model-quality', 'model-quality', 'blocking', 'pass'],
      ['model-quality-stretch', 'model-quality', 'advisory', 'fail'],
    ]);
    expect(run.reasons).toContain('model-quality-stretch (advisory): auc is 0.861, below min 0.95');
  });

  it('shows both entries in text output, each under its id', () => {
    const r = runCli(['evaluate', '--model-package', 'examples/registry/churn-xgb/2.json', '--policy', policy, '--champion', 'none'], home);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pass\s+model-quality /);
    expect(r.stdout).toMatch(/FAIL\s+model-quality-stretch \(model-quality\) /);
  });

  it('is refused by policy validate when the two entries share an id (exit 64, both paths named)', () => {
    const dup = join(home, 'dup.yaml');
    writeFileSync(dup, POLICY.replace('    id: model-quality-stretch\n', ''));
    const r = runCli(['policy', 'validate', dup], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('at /checks/1: entry id "model-quality" is already used by /checks/0');
  });
});

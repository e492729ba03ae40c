/**
 * `modelgate promote` as a user runs it on the embedded stack: the plan with --dry-run, an approved
 * run promoted through both stages with dry-run targets (exit 0), a rejected run refused (exit 77).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runCli, tempHome } from '../support/cli.js';

const ARN = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/${v}`;

describe('modelgate promote', () => {
  let home: string;
  let approved: string;
  let rejected: string;

  beforeAll(() => {
    home = tempHome('modelgate-promote-');
    const evaluate = (v: number) => {
      const r = runCli(['evaluate', '--model-package', ARN(v), '--apply', '--format', 'json'], home);
      return { code: r.code, runId: (JSON.parse(r.stdout) as { runId: string }).runId };
    };
    const a = evaluate(2);
    const b = evaluate(3);
    expect([a.code, b.code]).toEqual([0, 1]);
    approved = a.runId;
    rejected = b.runId;
  });

  it('--dry-run prints the verification and every stage and target plan, and records nothing (exit 0)', () => {
    // Act
    const text = runCli(['promote', approved, '--dry-run'], home);
    const json = runCli(['promote', approved, '--dry-run', '--format', 'json'], home);

    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Verification: OK \(signed-decision\)/);
    expect(text.stdout).toMatch(/Stage 1: staging\n {2}target 0: sagemaker-endpoint in 222222222222\/eu-west-1/);
    expect(text.stdout).toMatch(/Stage 2: production \(starts only after staging verified\)/);
    expect(text.stdout).toMatch(/create endpoint churn-production/);
    expect(text.stdout).toMatch(/nothing was recorded or created/);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({
      runId: approved,
      promotionId: `promo-${approved}`,
      verification: { ok: true, basis: 'signed-decision' },
      problems: [],
      wouldPromote: true,
      dryRunOnly: true,
    });
    expect(plan.stages.map((s: { name: string; targets: unknown[] }) => [s.name, s.targets.length])).toEqual([
      ['staging', 1],
      ['production', 2],
    ]);
    const shown = JSON.parse(runCli(['runs', 'show', approved, '--format', 'json'], home).stdout);
    expect(shown.audit.map((e: { action: string }) => e.action).filter((a: string) => a.startsWith('promotion.'))).toEqual([]);
  });

  it('promotes an approved run through staging and production with dry-run targets (exit 0)', () => {
    // Act
    const r = runCli(['promote', approved, '--format', 'json', '--as', 'ci@example.com'], home);

    // Assess
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      promotionId: `promo-${approved}`,
      state: 'succeeded',
      duplicate: false,
      record: { dryRun: true, trigger: { source: 'cli', by: 'ci@example.com' } },
    });
    expect(out.steps.filter((s: { key: string }) => s.key.startsWith('target/')).map((s: { message: string }) => s.message.slice(0, 28))).toEqual(
      Array(3).fill('dry run: nothing was created'),
    );
    const shown = JSON.parse(runCli(['runs', 'show', approved, '--format', 'json'], home).stdout);
    const actions = shown.audit.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['promotion.started', 'promotion.verify', 'promotion.succeeded']));
  });

  it('refuses a rejected run and says why (exit 77); --dry-run says it would be refused (exit 77)', () => {
    // Act
    const r = runCli(['promote', rejected], home);
    const plan = runCli(['promote', rejected, '--dry-run'], home);

    // Assess
    expect(r.code).toBe(77);
    expect(r.stderr).toMatch(/promotion of churn-xgb\/3 refused: .*rejected this version/);
    expect(plan.code).toBe(77);
    expect(plan.stdout).toMatch(/Verification: REFUSED: .*rejected this version/);
  });

  it('answers 64 for an unknown run', () => {
    // Act
    const r = runCli(['promote', 'run-nope'], home);

    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/run not found: run-nope/);
  });
});

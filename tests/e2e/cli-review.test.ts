/**
 * What on-call types after a rejection: runs list/show, override (only an approver of the policy,
 * never the registrant; exit 77 otherwise), rerun — the CLI as a subprocess on one state directory.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { rejectedChurnRun } from '../support/rejected-run.js';

const REGISTRANT = 'arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/pipeline';

describe('reviewing a rejected run', () => {
  let home: string;
  let env: Record<string, string>;
  let runId: string;

  beforeAll(() => {
    // Prepare: the churn policy also lists the pipeline's role as an approver (a mistake the gate must survive).
    ({ home, env, runId } = rejectedChurnRun('modelgate-review-', REGISTRANT));
  });

  it('lists and shows the run with its checks and audit trail', () => {
    const list = runCli(['runs', 'list', '--status', 'reject'], home, { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(runId);
    const show = runCli(['runs', 'show', runId], home, { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('churn-xgb/3  REJECT');
    expect(show.stdout).toMatch(/Audit trail:[\s\S]*run\.started[\s\S]*run\.decided/);
  });

  it('refuses an override by someone who is not an approver (77), and records the refusal', () => {
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', 'looks fine to me', '--as', 'intern@example.com'], home, { env });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('override refused: intern@example.com is not an approver of policy "churn"');
    expect(runCli(['runs', 'show', runId], home, { env }).stdout).toContain('override.refused');
  });

  it('refuses an override by the identity that registered the model, even when it is listed as an approver (77)', () => {
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', 'my own model is fine', '--as', REGISTRANT], home, { env });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('registered this model and may not approve or reject it');
  });

  it('requires a reason (64)', () => {
    const r = runCli(['override', runId, '--decision', 'approve', '--as', 'oncall-ml@example.com'], home, { env });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--reason is required');
  });

  it("takes an approver's override: the run shows both decisions, the list marks it", () => {
    // Act
    const r = runCli(
      [
        'override',
        runId,
        '--decision',
        'approve',
        '--reason',
        'auc dip accepted for the Q4 campaign (RISK-990)',
        '--as',
        'oncall-ml@example.com',
        '--format',
        'json',
      ],
      home,
      { env },
    );
    // Assess
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('reject');
    expect(run.override).toMatchObject({ decision: 'approve', by: 'oncall-ml@example.com', reason: 'auc dip accepted for the Q4 campaign (RISK-990)' });
    expect(runCli(['runs', 'show', runId], home, { env }).stdout).toContain('APPROVE (override of REJECT by oncall-ml@example.com)');
    expect(runCli(['runs', 'list'], home, { env }).stdout).toMatch(new RegExp(`${runId}.*APPROVE\\*`));
  });

  it('reruns the subject as a new run and links the two', () => {
    // Act
    const r = runCli(['rerun', runId, '--reason', 'statistics regenerated', '--as', 'oncall-ml@example.com', '--format', 'json'], home, { env });
    // Assess: the local registry's champion is still version 1, so the verdict stands
    expect(r.code).toBe(1);
    const rerun = JSON.parse(r.stdout);
    expect(rerun.runId).not.toBe(runId);
    expect(rerun.trigger).toMatchObject({ source: 'rerun', rerunOf: runId, reason: 'statistics regenerated', by: 'oncall-ml@example.com' });
    expect(runCli(['runs', 'show', runId], home, { env }).stdout).toContain(`"newRunId":"${rerun.runId}"`);
  });

  it('says plainly when a run does not exist (64)', () => {
    for (const args of [
      ['runs', 'show', 'run-nope'],
      ['override', 'run-nope', '--decision', 'reject', '--reason', 'x', '--as', 'oncall-ml@example.com'],
      ['rerun', 'run-nope', '--reason', 'x'],
    ]) {
      const r = runCli(args, home, { env });
      expect(r.code).toBe(64);
      expect(r.stderr).toContain('run not found: run-nope');
    }
  });
});

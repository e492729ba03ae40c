/**
 * On-call commands under hostile input (issue 9, rows 4 and 14): separation of duties compares
 * principals, not strings (an assumed-role session is its role), and text a person typed is shown
 * with its control characters neutralised while the ledger keeps it as given.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { rejectedChurnRun } from '../support/rejected-run.js';

// examples/registry/churn-xgb/3.json was registered by this session of the pipeline role.
const PIPELINE_ROLE = 'arn:aws:iam::111111111111:role/SageMakerPipelineRole';
const APPROVER_SESSION = 'arn:aws:sts::111111111111:assumed-role/ModelRiskApprover/alice';
// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('override under hostile input', () => {
  let home: string;
  let env: Record<string, string>;
  let runId: string;

  beforeAll(() => {
    // Prepare: the churn policy also lists the pipeline's role as an approver (a mistake the gate must survive).
    ({ home, env, runId } = rejectedChurnRun('modelgate-hostile-review-', PIPELINE_ROLE));
  });

  it.each([
    ['the role ARN of the registrant session', PIPELINE_ROLE],
    ['the role ARN in another case (role names are case-insensitive)', PIPELINE_ROLE.replace('SageMakerPipelineRole', 'sagemakerpipelinerole')],
    ['another session of the registrant role', 'arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/someone-else'],
  ])('refuses an override by %s (77): it is the registrant', (_name, as) => {
    // Act
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', 'my own model is fine', '--as', as], home, { env });
    // Assess
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('registered this model and may not approve or reject it');
  });

  it.each([
    ['runs show', ['runs', 'show'], []],
    ['promote', ['promote'], []],
    ['rerun', ['rerun'], ['--reason', 'x']],
  ])('%s: a 5000-character run id is not found (64), not an unexpected error', (_name, before, after) => {
    const r = runCli([...before, 'run-'.padEnd(5000, 'x'), ...after], home, { env });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/run not found: run-x+…/);
  });

  it('refuses a session of an approver role in another account (77)', () => {
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', 'x', '--as', APPROVER_SESSION.replace('111111111111', '999999999999')], home, {
      env,
    });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('is not an approver of policy "churn"');
  });

  it('neutralises control characters an identity carries in the refusal message', () => {
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', 'x', '--as', 'mallory\u001b[2J\u001b]0;owned\u0007'], home, { env });
    expect(r.code).toBe(77);
    expect(r.stderr).not.toMatch(RAW_CONTROLS);
    expect(r.stderr).toContain('mallory\\x1b[2J\\x1b]0;owned\\x07');
  });

  it('takes an override by a session of an approver role; the reason is stored as given and shown neutralised', () => {
    // Prepare: escape sequences, a C1 CSI, a bell and a right-to-left override
    const reason = 'accepted \u001b[31mRED\u001b[0m \u009b2J bell\u0007 \u202Eevil\u202C (RISK-990)';
    // Act
    const r = runCli(['override', runId, '--decision', 'approve', '--reason', reason, '--as', APPROVER_SESSION], home, { env });
    const show = runCli(['runs', 'show', runId], home, { env });
    const json = runCli(['runs', 'show', runId, '--format', 'json'], home, { env });
    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROLS);
    expect(show.code).toBe(0);
    expect(show.stdout).not.toMatch(RAW_CONTROLS);
    expect(show.stdout).toContain('accepted \\x1b[31mRED\\x1b[0m \\x9b2J bell\\x07 \\u202eevil\\u202c (RISK-990)');
    expect(show.stdout).toContain(`APPROVE (override of REJECT by ${APPROVER_SESSION})`);
    expect(json.stdout).not.toMatch(RAW_CONTROLS);
    expect(JSON.parse(json.stdout).override).toMatchObject({ by: APPROVER_SESSION, reason });
  });
});

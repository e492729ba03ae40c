/**
 * `npm start` as a user runs it: the stack boots, decides the demo registrations through the
 * event handler, serves the runs over HTTP on 127.0.0.1, takes events, and stops cleanly on Ctrl-C.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runCli, startStack, tempHome } from '../support/cli.js';

type Stack = Awaited<ReturnType<typeof startStack>>;

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const postJson = async (url: string, body: string) => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the local stack', () => {
  let home: string;
  let stack: Stack;

  beforeAll(async () => {
    home = tempHome('modelgate-stack-');
    stack = await startStack(home);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('decides every demo registration: approve, reject and needs_review', () => {
    const out = stack.output();
    expect(out).toMatch(/churn-xgb\/2\s+APPROVE/);
    expect(out).toMatch(/churn-xgb\/3\s+REJECT/);
    expect(out).toMatch(/churn-xgb\/4\s+NEEDS REVIEW/);
    expect(out).toMatch(/pricing-experimental\/1\s+NEEDS REVIEW/);
    expect(out).toContain('model-quality: auc is 0.768, below min 0.8');
    expect(out).toMatch(/credit-risk-xgb\/2\s+APPROVE/);
    expect(out).toMatch(/credit-risk-xgb\/3\s+REJECT/);
    expect(out).toContain('bias: DI for sex=F is 1.4142, above max 1.25');
  });

  it('serves the runs, newest first, with filters', async () => {
    const all = await getJson(`${stack.url}/runs`);
    expect(all.status).toBe(200);
    const runs = all.body['runs'] as Array<{ runId: string; decision: string; startedAt: string }>;
    expect(runs).toHaveLength(6);
    expect([...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))).toEqual(runs);
    const rejected = await getJson(`${stack.url}/runs?status=reject`);
    expect((rejected.body['runs'] as unknown[]).length).toBe(2);
    const one = await getJson(`${stack.url}/runs/${runs[0]!.runId}`);
    expect(one.status).toBe(200);
    expect((one.body['audit'] as Array<{ action: string }>).map((a) => a.action)).toEqual(expect.arrayContaining(['run.started', 'run.decided']));
  });

  it('answers bad requests with a status and a message', async () => {
    expect(await getJson(`${stack.url}/runs/run-nope`)).toEqual({ status: 404, body: { error: 'run not found: run-nope' } });
    expect((await getJson(`${stack.url}/runs?status=maybe`)).status).toBe(400);
    expect((await getJson(`${stack.url}/nowhere`)).status).toBe(404);
    const malformed = await postJson(`${stack.url}/events`, '{"detail-type":');
    expect(malformed.status).toBe(400);
    expect(malformed.body['error']).toMatch(/not valid JSON/);
    const invalid = await postJson(`${stack.url}/events`, JSON.stringify({ source: 'aws.sagemaker', 'detail-type': 'Something Else' }));
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toMatch(/event/);
  });

  it('takes a re-delivered registration event and returns the first run', async () => {
    const pkg = JSON.parse(readFileSync('examples/registry/churn-xgb/3.json', 'utf8'));
    const event = {
      version: '0',
      id: 'redelivered-1',
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      account: '111111111111',
      time: '2026-11-22T00:00:00Z',
      region: 'eu-west-1',
      resources: [pkg.ModelPackageArn],
      detail: {
        ModelPackageGroupName: 'churn-xgb',
        ModelPackageVersion: 3,
        ModelPackageArn: pkg.ModelPackageArn,
        ModelPackageStatus: 'Completed',
        ModelApprovalStatus: 'PendingManualApproval',
      },
    };
    const r = await postJson(`${stack.url}/events`, JSON.stringify(event));
    expect(r.status).toBe(200);
    expect(r.body['results']).toEqual([expect.objectContaining({ action: 'evaluate', decision: 'reject', duplicate: true })]);
  });

  it('shares its ledger with the CLI while it runs', () => {
    const r = runCli(['runs', 'list', '--status', 'approve'], home);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/churn-xgb\/2\s+APPROVE/);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const code = await stack.stop();
    expect(code).toBe(0);
    expect(stack.output()).toContain('stopped.');
  });
});

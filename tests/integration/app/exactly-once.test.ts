/**
 * EventBridge delivers at least once and SageMaker may emit several events per change: many
 * deliveries of one registration, at once or later, must yield one run, one registry update and
 * one published decision. Real embedded ledger (dynalite), real local registry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleRegistryEvent, type EventOutcome } from '../../../src/app/handle-registry-event.js';
import { composeLocal, type LocalStack } from '../../../src/compose.js';
import { modelPackageStateChangeEvent } from '../../../src/local/registry-events.js';
import { ROOT } from '../../support/cli.js';

const ARN = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/${v}`;

describe('one decision per model version', () => {
  let stack: LocalStack;
  const approvals: string[] = [];

  beforeAll(async () => {
    stack = await composeLocal({ stateDir: mkdtempSync(join(tmpdir(), 'mg-once-')), baseDir: ROOT, outboxSink: () => undefined });
    const setApproval = stack.registry.setApproval.bind(stack.registry);
    stack.registry.setApproval = async (arn, status, description) => {
      approvals.push(`${arn} ${status}`);
      return setApproval(arn, status, description);
    };
  });
  afterAll(async () => {
    await stack.close();
  });

  it('20 concurrent deliveries (several event ids) produce one run, one registry update, one event', async () => {
    // Prepare: the same registration delivered 20 times, as 4 distinct events re-delivered 5 times each
    const pkg = await stack.registry.describe(ARN(3));
    const events = Array.from({ length: 20 }, (_, i) => modelPackageStateChangeEvent(pkg, `evt-${i % 4}`));
    // Act
    const outcomes = await Promise.all(events.map((e) => handleRegistryEvent(stack.services, e)));
    // Assess
    const decided = outcomes.flatMap((o: EventOutcome) => (o.action === 'evaluate' && o.outcome.status === 'decided' ? [o.outcome] : []));
    const runIds = new Set(
      outcomes.map((o) => (o.action === 'evaluate' ? (o.outcome.status === 'decided' ? o.outcome.run.runId : o.outcome.runId) : 'ignored')),
    );
    expect(runIds.size).toBe(1);
    expect(decided.filter((d) => !d.duplicate)).toHaveLength(1);
    expect(await stack.services.ledger.listRuns({ subjectArn: ARN(3) })).toHaveLength(1);
    expect(approvals.filter((a) => a.startsWith(ARN(3)))).toEqual([`${ARN(3)} Rejected`]);
    const [runId] = [...runIds];
    const published = stack.outbox.entries.filter((e) => e.kind === 'event' && (e.body as { runId?: string }).runId === runId);
    expect(published.map((e) => e.detailType).sort()).toEqual(['Model Evaluation Completed', 'Model Rejected']);
  });

  it('a re-delivery after the decision returns the first run and repeats nothing', async () => {
    // Prepare
    const pkg = await stack.registry.describe(ARN(3));
    const before = { approvals: approvals.length, outbox: stack.outbox.entries.length };
    // Act
    const outcome = await handleRegistryEvent(
      stack.services,
      modelPackageStateChangeEvent({ ...pkg, ModelApprovalStatus: 'PendingManualApproval' }, 'evt-late'),
    );
    // Assess
    expect(outcome.action === 'evaluate' && outcome.outcome.status === 'decided' && outcome.outcome.duplicate).toBe(true);
    expect(approvals.length).toBe(before.approvals);
    expect(stack.outbox.entries.length).toBe(before.outbox);
  });

  it('a model in a group no policy governs needs review, loudly', async () => {
    const pkg = await stack.registry.describe('arn:aws:sagemaker:eu-west-1:111111111111:model-package/pricing-experimental/1');
    const outcome = await handleRegistryEvent(stack.services, modelPackageStateChangeEvent(pkg));
    if (outcome.action !== 'evaluate' || outcome.outcome.status !== 'decided') throw new Error('expected a decided run');
    expect(outcome.outcome.run.decision).toBe('needs_review');
    expect(outcome.outcome.run.policy).toBeNull();
    expect(outcome.outcome.run.reasons[0]).toMatch(/pricing-experimental/);
    expect(stack.outbox.entries.some((e) => e.kind === 'notification' && e.subject === 'modelgate: pricing-experimental/1 needs review')).toBe(true);
  });

  it('refuses to promote a version that was approved by hand and never evaluated', async () => {
    // Prepare: churn-xgb/1 is the seeded champion; modelgate never decided it
    const pkg = await stack.registry.describe(ARN(1));
    // Act
    const outcome = await handleRegistryEvent(stack.services, modelPackageStateChangeEvent({ ...pkg, ModelApprovalStatus: 'Approved' }));
    // Assess
    expect(outcome).toMatchObject({ action: 'promote', outcome: { status: 'refused' } });
  });
});

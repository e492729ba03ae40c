/**
 * The demo on the embedded stack: an approved churn model is promoted through staging and
 * production by the Approved event SageMaker emits, with dry-run targets that create nothing and
 * say so; the ledger tells the story and the events validate against their schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import promotionSchema from '../../../schemas/events/modelgate-promotion.schema.json' with { type: 'json' };
import { handleRegistryEvent } from '../../../src/app/handle-registry-event.js';
import { DRY_RUN_MESSAGE, type DryRunTarget } from '../../../src/adapters/local/dry-run-target.js';
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import { ARN, approvedEvent, evaluate, promotionAudit, promotionOutbox, startHarness, type Harness } from './harness.js';

const validateDetail = createAjv().compile(promotionSchema);

describe('promotion on the embedded stack (dry run)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mg-promo-dry-');
  });
  afterAll(async () => {
    await h.close();
  });

  it('promotes the approved demo model through staging then production, creating nothing', async () => {
    // Prepare
    const run = await evaluate(h.stack, ARN(2));
    expect(run.decision).toBe('approve');
    expect((await h.stack.registry.describe(ARN(2))).ModelApprovalStatus).toBe('Approved');

    // Act
    const outcome = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(2), 'evt-approved-1'));

    // Assess: the outcome and every step in the ledger
    expect(outcome).toEqual({
      action: 'promote',
      eventId: 'evt-approved-1',
      outcome: expect.objectContaining({ status: 'started', runId: run.runId, duplicate: false, state: 'succeeded' }),
    });
    const [view] = await h.stack.services.ledger.listPromotions!(run.runId);
    expect(view?.record).toMatchObject({
      promotionId: `promo-${run.runId}`,
      dryRun: true,
      approval: { basis: 'signed-decision' },
      trigger: { source: 'eventbridge', eventId: 'evt-approved-1' },
    });
    const steps = Object.fromEntries(view!.steps.map((s) => [s.key, s]));
    expect(Object.keys(steps).sort()).toEqual([
      'outcome',
      'stage/production',
      'stage/staging',
      'target/production/0',
      'target/production/1',
      'target/staging/0',
      'verify/staging/0',
    ]);
    expect(Object.values(steps).every((s) => s.state === 'succeeded')).toBe(true);
    for (const key of ['target/staging/0', 'target/production/0', 'target/production/1'])
      expect(steps[key]!.message).toMatch(new RegExp(`^${DRY_RUN_MESSAGE}`));
    expect(steps['verify/staging/0']!.message).toMatch(/did not invoke anything/);

    // Assess: the dry-run targets recorded what the AWS adapters would do
    const endpoint = h.stack.services.promotion!.targets.find((t) => t.kind === 'sagemaker-endpoint') as DryRunTarget;
    expect(endpoint.recorded.map((r) => [r.stage, r.account])).toEqual([
      ['staging', '222222222222'],
      ['production', '333333333333'],
    ]);
    expect(endpoint.recorded[0]!.lines.join('\n')).toMatch(/create endpoint churn-staging/);

    // Assess: the run's audit trail tells the story, in order
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions[0]).toBe('promotion.started');
    expect(actions.at(-1)).toBe('promotion.succeeded');
    expect(actions.indexOf('promotion.verify')).toBeLessThan(actions.indexOf('promotion.stage.started', actions.indexOf('promotion.stage.started') + 1));
    expect(actions.filter((a) => a === 'promotion.target.started')).toHaveLength(3);

    // Assess: Started then Succeeded, each detail valid against the schema
    const events = promotionOutbox(h.stack).filter((e) => e.kind === 'event');
    expect(events.map((e) => e.detailType)).toEqual(['Model Promotion Started', 'Model Promotion Succeeded']);
    for (const e of events) expect(problemsOf(validateDetail, e.body, 'detail')).toEqual([]);
    expect(events[1]!.body).toMatchObject({
      state: 'succeeded',
      refused: false,
      dryRun: true,
      stages: [
        { name: 'staging', state: 'succeeded' },
        { name: 'production', state: 'succeeded' },
      ],
    });
  });

  it('a re-delivered Approved event after the promotion finds it done and repeats nothing', async () => {
    // Prepare
    const [run] = await h.stack.services.ledger.listRuns({ subjectArn: ARN(2) });
    const before = { outbox: h.stack.outbox.entries.length, audit: (await promotionAudit(h.stack, run!.runId)).length };

    // Act
    const outcome = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(2), 'evt-approved-2'));

    // Assess
    expect(outcome).toMatchObject({ action: 'promote', outcome: { status: 'started', duplicate: true, state: 'succeeded' } });
    expect(h.stack.outbox.entries.length).toBe(before.outbox);
    expect((await promotionAudit(h.stack, run!.runId)).length).toBe(before.audit);
    const endpoint = h.stack.services.promotion!.targets.find((t) => t.kind === 'sagemaker-endpoint') as DryRunTarget;
    expect(endpoint.recorded).toHaveLength(2);
  });

  it('refuses the rejected demo version even after it is set to Approved by hand, and says why', async () => {
    // Prepare
    const run = await evaluate(h.stack, ARN(3));
    expect(run.decision).toBe('reject');
    const pkg = await h.stack.registry.describe(ARN(3));
    await h.stack.registry.register({
      ...pkg,
      ModelApprovalStatus: 'Approved',
      LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:iam::111111111111:user/mallory' } },
    });

    // Act
    const outcome = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(3)));

    // Assess
    expect(outcome).toMatchObject({ action: 'promote', outcome: { status: 'refused', reason: expect.stringMatching(/rejected this version/) } });
    expect(await h.stack.services.ledger.listPromotions!(run.runId)).toEqual([]);
    const failed = promotionOutbox(h.stack).filter((e) => e.kind === 'event' && (e.body as { runId?: string }).runId === run.runId);
    expect(failed.map((e) => e.detailType)).toEqual(['Model Promotion Failed']);
    expect(problemsOf(validateDetail, failed[0]!.body, 'detail')).toEqual([]);
    expect(failed[0]!.body).toMatchObject({ refused: true, promotionId: null });
  });
});

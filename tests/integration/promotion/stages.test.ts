/**
 * The state machine's task on the embedded ledger, with fake targets: stages in order, a target
 * that fails mid-stage, one that never finishes, a smoke test that fails (rollback), a duplicate
 * Approved event mid-stage, and concurrent advances — each starts nothing twice and nothing after
 * a failed stage, and leaves the story in the ledger.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { handleRegistryEvent } from '../../../src/app/handle-registry-event.js';
import { advancePromotion } from '../../../src/app/promotion/advance-promotion.js';
import { startPromotion } from '../../../src/app/promotion/start-promotion.js';
import type { PromotionStep } from '../../../src/core/promotion/record.js';
import type { TargetProgress } from '../../../src/core/promotion/types.js';
import { ARN, approvedEvent, evaluate, installFakes, promotionAudit, promotionOutbox, registerCopyOfV2, startHarness, type Harness } from './harness.js';

const inProgress = (message = 'Creating'): TargetProgress => ({ state: 'in_progress', message, resources: { endpointName: 'churn-staging' } });
const inService: TargetProgress = { state: 'succeeded', message: 'InService', resources: { endpointName: 'churn-production' } };

describe('promotion stages', () => {
  let h: Harness;
  let fakes: ReturnType<typeof installFakes>;
  let version = 40;

  beforeAll(async () => {
    h = await startHarness('mg-promo-stages-');
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    fakes = installFakes(h.stack);
    version += 1;
  });

  /** A fresh approved version and its recorded (not yet advanced) promotion. */
  const started = async () => {
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    const { promotion } = await startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } });
    return { run, promotionId: promotion.promotionId };
  };
  const stepsOf = async (promotionId: string): Promise<Record<string, PromotionStep>> =>
    Object.fromEntries(((await h.stack.services.ledger.getPromotion!(promotionId))?.steps ?? []).map((s) => [s.key, s]));

  it('starts the next stage only after the previous one verified, polling with backoff meanwhile', async () => {
    // Prepare: the staging endpoint becomes InService on the third poll; production's at once
    const { promotionId } = await started();
    fakes.endpoint.onStart = (_n, _t, ctx) => (ctx.stage === 'staging' ? inProgress() : inService);
    fakes.endpoint.onPoll = (n) => (n < 3 ? inProgress() : { state: 'succeeded', message: 'InService', resources: { endpointName: 'churn-staging' } });

    // Act
    const results = [];
    for (let i = 0; i < 6; i++) {
      const r = await advancePromotion(h.stack.services, promotionId);
      results.push(r);
      if (r.state !== 'waiting') break;
      h.clock.advance(r.waitSeconds);
    }

    // Assess: 15 s, 30 s, 60 s, then done; staging verified before production started
    expect(results).toEqual([
      { state: 'waiting', waitSeconds: 15 },
      { state: 'waiting', waitSeconds: 30 },
      { state: 'waiting', waitSeconds: 60 },
      { state: 'succeeded' },
    ]);
    expect(fakes.endpoint.polls).toEqual(['staging', 'staging', 'staging']);
    expect(fakes.endpoint.starts.map((s) => s.stage)).toEqual(['staging', 'production']);
    expect(fakes.forward.starts.map((s) => s.stage)).toEqual(['production']);
    expect(fakes.smoke.runs).toBe(1);
    const steps = await stepsOf(promotionId);
    expect(Date.parse(steps['stage/production']!.data['startedAt'] as string)).toBeGreaterThanOrEqual(Date.parse(steps['verify/staging/0']!.updatedAt));
  });

  it('fails the stage when a target fails mid-stage; the next stage never starts', async () => {
    // Prepare
    const { run, promotionId } = await started();
    fakes.endpoint.onStart = () => inProgress();
    fakes.endpoint.onPoll = () => ({ state: 'failed', message: 'endpoint churn-staging Failed: ResourceLimitExceeded for ml.m5.large', resources: {} });

    // Act
    const first = await advancePromotion(h.stack.services, promotionId);
    const second = await advancePromotion(h.stack.services, promotionId);
    const again = await advancePromotion(h.stack.services, promotionId);

    // Assess
    expect(first.state).toBe('waiting');
    expect(second).toEqual({
      state: 'failed',
      reason: expect.stringMatching(
        /stage staging failed: target 0 \(sagemaker-endpoint in 222222222222\/eu-west-1\): endpoint churn-staging Failed: ResourceLimitExceeded/,
      ),
    });
    expect(again).toEqual(second);
    expect(fakes.endpoint.starts).toHaveLength(1);
    expect(fakes.forward.starts).toHaveLength(0);
    expect(fakes.smoke.runs).toBe(0);
    const steps = await stepsOf(promotionId);
    expect(steps['stage/production']).toBeUndefined();
    expect([steps['target/staging/0']!.state, steps['stage/staging']!.state, steps['outcome']!.state]).toEqual(['failed', 'failed', 'failed']);
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions).toEqual([
      'promotion.started',
      'promotion.stage.started',
      'promotion.target.started',
      'promotion.target.failed',
      'promotion.stage.failed',
      'promotion.failed',
    ]);
    const events = promotionOutbox(h.stack).filter(
      (e) => (e.body as { runId?: string } | string) && typeof e.body === 'object' && (e.body as { runId?: string }).runId === run.runId,
    );
    expect(events.map((e) => e.detailType)).toEqual(['Model Promotion Started', 'Model Promotion Failed']);
    expect(promotionOutbox(h.stack).some((e) => e.kind === 'notification' && String(e.body).includes(promotionId))).toBe(true);
  });

  it('fails a stage whose target never finishes once the stage deadline passes', async () => {
    // Prepare: a 10-minute deadline; the endpoint stays Creating forever
    h.stack.services.promotion!.timing = { stageDeadlineSeconds: 600 };
    const { promotionId } = await started();
    fakes.endpoint.onStart = () => inProgress();
    fakes.endpoint.onPoll = () => inProgress();

    // Act: poll as the state machine would until it stops waiting
    const waits: number[] = [];
    let result = await advancePromotion(h.stack.services, promotionId);
    while (result.state === 'waiting' && waits.length < 50) {
      waits.push(result.waitSeconds);
      h.clock.advance(result.waitSeconds);
      result = await advancePromotion(h.stack.services, promotionId);
    }

    // Assess: backoff capped at 60 s, never past the deadline; then failed, production untouched
    expect(waits.slice(0, 4)).toEqual([15, 30, 60, 60]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(600);
    expect(result).toEqual({
      state: 'failed',
      reason: expect.stringMatching(
        /stage staging did not finish within 10 min .*target 0 \(sagemaker-endpoint in 222222222222\/eu-west-1\) still in_progress: Creating/,
      ),
    });
    expect(fakes.endpoint.starts).toHaveLength(1);
    expect(fakes.forward.starts).toHaveLength(0);
  });

  it('rolls back the stage’s targets when its smoke test fails, and stops there', async () => {
    // Prepare
    fakes = installFakes(h.stack, false);
    const { run, promotionId } = await started();

    // Act
    const result = await advancePromotion(h.stack.services, promotionId);
    const retried = await advancePromotion(h.stack.services, promotionId);

    // Assess
    expect(result).toEqual({
      state: 'failed',
      reason: expect.stringMatching(
        /stage staging failed verification: endpoint-smoke: p95 latency 812 ms above max 300; target 0 .* rollback succeeded: back on config before/,
      ),
    });
    expect(retried).toEqual(result);
    expect(fakes.endpoint.rollbacks).toEqual(['staging']);
    expect(fakes.smoke.runs).toBe(1);
    expect(fakes.endpoint.starts).toHaveLength(1);
    expect(fakes.forward.starts).toHaveLength(0);
    const steps = await stepsOf(promotionId);
    expect(steps['verify/staging/0']).toMatchObject({ state: 'failed', data: { use: 'endpoint-smoke', metrics: { p95LatencyMs: 812 } } });
    expect(steps['rollback/staging/0']!.state).toBe('succeeded');
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions.slice(-4)).toEqual(['promotion.verify', 'promotion.rollback', 'promotion.stage.failed', 'promotion.failed']);
  });

  it('a duplicate Approved event mid-stage goes on with the recorded promotion and starts no target twice', async () => {
    // Prepare: the staging endpoint takes a while
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    fakes.endpoint.onStart = (_n, _t, ctx) => (ctx.stage === 'staging' ? inProgress() : inService);
    fakes.endpoint.onPoll = (n) => (n < 2 ? inProgress() : { state: 'succeeded', message: 'InService', resources: { endpointName: 'churn-staging' } });
    const first = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(version), 'evt-a'));

    // Act: SageMaker emits a second event for the same change (another id), mid-stage; then EventBridge re-delivers it
    const second = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(version), 'evt-b'));
    const third = await handleRegistryEvent(h.stack.services, await approvedEvent(h.stack, ARN(version), 'evt-b'));

    // Assess
    expect(first).toMatchObject({ outcome: { status: 'started', duplicate: false, state: 'running' } });
    expect(second).toMatchObject({ outcome: { status: 'started', duplicate: true, promotionId: `promo-${run.runId}` } });
    expect(third).toMatchObject({ outcome: { status: 'started', duplicate: true, state: 'succeeded' } });
    expect(fakes.endpoint.starts.map((s) => s.stage)).toEqual(['staging', 'production']);
    expect(fakes.forward.starts).toHaveLength(1);
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'promotion.started')).toHaveLength(1);
    expect(actions.filter((a) => a === 'promotion.stage.started')).toHaveLength(2);
    const started = promotionOutbox(h.stack).filter((e) => e.detailType === 'Model Promotion Started' && (e.body as { runId: string }).runId === run.runId);
    expect(started).toHaveLength(1);
  });

  it('ten concurrent advances of a fresh promotion start each target exactly once', async () => {
    // Prepare
    const { promotionId } = await started();

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => advancePromotion(h.stack.services, promotionId)));
    let last = results.find((r) => r.state !== 'waiting') ?? (await advancePromotion(h.stack.services, promotionId));
    for (let i = 0; i < 5 && last.state === 'waiting'; i++) last = await advancePromotion(h.stack.services, promotionId);

    // Assess
    expect(last).toEqual({ state: 'succeeded' });
    expect(fakes.endpoint.starts.map((s) => s.stage).sort()).toEqual(['production', 'staging']);
    expect(fakes.forward.starts).toHaveLength(1);
    expect(new Set(fakes.endpoint.starts.map((s) => s.stepToken)).size).toBe(2);
    const outcomes = promotionOutbox(h.stack).filter(
      (e) => e.detailType === 'Model Promotion Succeeded' && (e.body as { promotionId: string }).promotionId === promotionId,
    );
    expect(outcomes).toHaveLength(1);
  });
});

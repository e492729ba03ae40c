/**
 * Rollback is waited on, and a refusal is final: a stage that fails rolls its succeeded targets
 * back and keeps the promotion `waiting` (with backoff) until every rollback finished or ran out of
 * time, issuing each rollback once however often the task is retried; a target that refuses
 * (RefusedError: no AWS call made) fails at once instead of being retried like a transient error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { advancePromotion, type AdvanceResult } from '../../../src/app/promotion/advance-promotion.js';
import { startPromotion } from '../../../src/app/promotion/start-promotion.js';
import { RefusedError } from '../../../src/core/errors.js';
import type { PromotionStep } from '../../../src/core/promotion/record.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../src/core/promotion/types.js';
import type { PromotionTarget } from '../../../src/core/policy/types.js';
import { ARN, FakeTarget, evaluate, installFakes, promotionAudit, registerCopyOfV2, startHarness, type Harness } from './harness.js';

/** An endpoint whose rollback (UpdateEndpoint back to `before`) stays in progress for `rollbackPolls` polls. */
class SlowRollbackEndpoint extends FakeTarget {
  issued = 0;
  rollbackPollCount = 0;
  constructor(private readonly rollbackPolls: number) {
    super('sagemaker-endpoint');
  }

  override async poll(target: PromotionTarget, ctx: TargetContext, progress?: TargetProgress): Promise<TargetProgress> {
    if (progress?.resources['rollingBackTo'] === undefined) return super.poll(target, ctx);
    this.rollbackPollCount += 1;
    return this.rollbackPollCount <= this.rollbackPolls
      ? { state: 'in_progress', message: 'endpoint churn-staging is Updating, waiting for InService on before', resources: progress.resources }
      : { state: 'succeeded', message: 'endpoint churn-staging is InService on before (rolled back)', resources: progress.resources };
  }

  override get rollback(): HostingTarget['rollback'] {
    return async (_target, ctx) => {
      this.issued += 1;
      this.rollbacks.push(ctx.stage);
      return {
        state: 'in_progress',
        message: 'rolling endpoint churn-staging back to before',
        resources: { endpointName: 'churn-staging', rollingBackTo: 'before' },
      };
    };
  }
}

describe('promotion rollback and refusals', () => {
  let h: Harness;
  let version = 70;

  beforeAll(async () => {
    h = await startHarness('mg-promo-rollback-');
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    version += 1;
  });

  /** Fakes with a failing smoke test and `endpoint` as the sagemaker-endpoint adapter; a fresh recorded promotion. */
  const started = async (endpoint: FakeTarget, smokePasses = false, stageDeadlineSeconds?: number) => {
    const fakes = installFakes(h.stack, smokePasses);
    h.stack.services.promotion!.targets = [endpoint, fakes.forward];
    if (stageDeadlineSeconds !== undefined) h.stack.services.promotion!.timing = { stageDeadlineSeconds };
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    const { promotion } = await startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } });
    return { fakes, run, promotionId: promotion.promotionId };
  };
  const stepsOf = async (promotionId: string): Promise<Record<string, PromotionStep>> =>
    Object.fromEntries(((await h.stack.services.ledger.getPromotion!(promotionId))?.steps ?? []).map((s) => [s.key, s]));
  /** Advances as the state machine does, until it stops waiting (at most `max` calls). */
  const drive = async (promotionId: string, max = 50): Promise<AdvanceResult[]> => {
    const results: AdvanceResult[] = [];
    for (let i = 0; i < max; i++) {
      const r = await advancePromotion(h.stack.services, promotionId);
      results.push(r);
      if (r.state !== 'waiting') break;
      h.clock.advance(r.waitSeconds);
    }
    return results;
  };

  it('waits for an in-progress rollback with backoff, then fails with the verify reason and the rollback outcome', async () => {
    // Prepare: the rollback stays Updating for 2 polls
    const endpoint = new SlowRollbackEndpoint(2);
    const { fakes, run, promotionId } = await started(endpoint);

    // Act
    const results = await drive(promotionId);
    const retried = await advancePromotion(h.stack.services, promotionId);

    // Assess
    expect(results).toEqual([
      { state: 'waiting', waitSeconds: 15 },
      { state: 'waiting', waitSeconds: 30 },
      { state: 'waiting', waitSeconds: 60 },
      {
        state: 'failed',
        reason: expect.stringMatching(
          /^stage staging failed verification: endpoint-smoke: p95 latency 812 ms above max 300; target 0 \(sagemaker-endpoint in 222222222222\/eu-west-1\) rollback succeeded: endpoint churn-staging is InService on before \(rolled back\)$/,
        ),
      },
    ]);
    expect(retried).toEqual(results[3]);
    expect(endpoint.issued).toBe(1);
    expect(endpoint.rollbackPollCount).toBe(3);
    expect(fakes.smoke.runs).toBe(1);
    expect(fakes.forward.starts).toHaveLength(0);
    const steps = await stepsOf(promotionId);
    expect(steps['rollback/staging/0']).toMatchObject({
      state: 'succeeded',
      data: { progress: { state: 'succeeded', resources: { rollingBackTo: 'before' } } },
    });
    expect([steps['stage/staging']!.state, steps['outcome']!.state]).toEqual(['failed', 'failed']);
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions.slice(-5)).toEqual(['promotion.verify', 'promotion.rollback', 'promotion.rollback.succeeded', 'promotion.stage.failed', 'promotion.failed']);
  });

  it('issues the rollback once when advances are retried or run concurrently while it is in progress', async () => {
    // Prepare
    const endpoint = new SlowRollbackEndpoint(3);
    const { promotionId } = await started(endpoint);

    // Act: the first advance issues the rollback; five concurrent retries at the same instant, then the machine goes on
    const first = await advancePromotion(h.stack.services, promotionId);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => advancePromotion(h.stack.services, promotionId)));
    h.clock.advance(60);
    const rest = await drive(promotionId);

    // Assess
    expect(first).toEqual({ state: 'waiting', waitSeconds: 15 });
    expect(concurrent.every((r) => r.state === 'waiting')).toBe(true);
    expect(rest.at(-1)).toEqual({ state: 'failed', reason: expect.stringMatching(/failed verification: .* rollback succeeded/) });
    expect(endpoint.issued).toBe(1);
  });

  it('gives up on a rollback that never finishes once the stage deadline has passed again, and says so', async () => {
    // Prepare: a 10-minute stage deadline; the rollback never leaves Updating
    const endpoint = new SlowRollbackEndpoint(Number.POSITIVE_INFINITY);
    const { promotionId } = await started(endpoint, false, 600);

    // Act
    const results = await drive(promotionId);

    // Assess: backoff capped at 60 s and never past the rollback's deadline; then failed, naming both
    const waits = results.flatMap((r) => (r.state === 'waiting' ? [r.waitSeconds] : []));
    expect(waits.slice(0, 4)).toEqual([15, 30, 60, 60]);
    expect(waits.reduce((x, y) => x + y, 0)).toBe(600);
    expect(results.at(-1)).toEqual({
      state: 'failed',
      reason: expect.stringMatching(
        /^stage staging failed verification: endpoint-smoke: .*; target 0 \(sagemaker-endpoint in 222222222222\/eu-west-1\) rollback failed: did not finish within 10 min .*last: endpoint churn-staging is Updating/,
      ),
    });
    expect(endpoint.issued).toBe(1);
  });

  it('fails a target that refuses at once, without retrying it, with the refusal as the reason', async () => {
    // Prepare: the role assumer refuses the staging target (no AWS call made)
    const endpoint = new FakeTarget('sagemaker-endpoint');
    endpoint.onStart = () => {
      throw new RefusedError('promotion into account 222222222222 refused: account "222222222222" is not on the promotion allow-list');
    };
    const { run, promotionId } = await started(endpoint, true);

    // Act
    const result = await advancePromotion(h.stack.services, promotionId);
    const retried = await advancePromotion(h.stack.services, promotionId);

    // Assess
    expect(result).toEqual({
      state: 'failed',
      reason: expect.stringMatching(
        /^stage staging failed: target 0 \(sagemaker-endpoint in 222222222222\/eu-west-1\): promotion into account 222222222222 refused: account "222222222222" is not on the promotion allow-list$/,
      ),
    });
    expect(retried).toEqual(result);
    expect(endpoint.starts).toHaveLength(1);
    const steps = await stepsOf(promotionId);
    expect(steps['target/staging/0']).toMatchObject({ state: 'failed', data: { refused: true } });
    const actions = (await promotionAudit(h.stack, run.runId)).map((e) => e.action);
    expect(actions.slice(-3)).toEqual(['promotion.target.failed', 'promotion.stage.failed', 'promotion.failed']);
  });
});

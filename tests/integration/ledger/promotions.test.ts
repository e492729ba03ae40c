import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../../../src/core/errors.js';
import { promotionIdOf, type PromotionRecord, type PromotionStep } from '../../../src/core/promotion/record.js';
import { makeRunRecord, nextRunId } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const promotionRecord = (runId: string, overrides: Partial<PromotionRecord> = {}): PromotionRecord => ({
  promotionId: promotionIdOf(runId),
  runId,
  subject: makeRunRecord().subject,
  policy: { name: 'credit-risk', version: 3, digest: `sha256:${'ab'.repeat(32)}` },
  stages: [
    {
      name: 'staging',
      targets: [
        {
          kind: 'sagemaker-endpoint',
          account: '222222222222',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::222222222222:role/promoter',
          externalId: 'x-1',
          endpointName: 'e',
        },
      ],
    },
  ],
  approval: { basis: 'signed-decision', artifactsDigest: `sha256:${'cd'.repeat(32)}`, note: 'signed approve' },
  trigger: { source: 'eventbridge', eventId: 'evt-1' },
  dryRun: true,
  timing: { stageDeadlineSeconds: 3600, initialWaitSeconds: 15, maxWaitSeconds: 60 },
  createdAt: '2025-06-01T10:00:00.000Z',
  serviceVersion: 'modelgate@0.1.0',
  ...overrides,
});

const step = (key: string, version: number, state: PromotionStep['state'] = 'in_progress', data: Record<string, unknown> = {}): PromotionStep => ({
  key,
  version,
  state,
  message: `${key} v${version}`,
  updatedAt: '2025-06-01T10:00:01.000Z',
  data,
});

describe('DynamoDbLedger promotions on dynalite', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('claims a run’s promotion exactly once among 20 concurrent callers; the others get the first record', async () => {
    // Prepare
    const runId = nextRunId();
    const records = Array.from({ length: 20 }, (_, i) => promotionRecord(runId, { trigger: { source: 'eventbridge', eventId: `evt-${i}` } }));

    // Act
    const claims = await Promise.all(records.map((r) => env.ledger.claimPromotion(r)));

    // Assess
    const winners = claims.flatMap((c, i) => (c.status === 'claimed' ? [i] : []));
    expect(winners).toHaveLength(1);
    const stored = await env.ledger.getPromotion(promotionIdOf(runId));
    expect(stored?.record).toEqual(records[winners[0]!]);
    for (const c of claims) if (c.status === 'exists') expect(c.record).toEqual(records[winners[0]!]);
  });

  it('refuses a promotion id that is not the run’s own', async () => {
    // Prepare
    const runId = nextRunId();

    // Act / Assess
    await expect(env.ledger.claimPromotion(promotionRecord(runId, { promotionId: 'promo-someone-else' }))).rejects.toThrow(InvalidInputError);
    expect(await env.ledger.getPromotion(promotionIdOf(runId))).toBeNull();
  });

  it('writes version 1 of a step once, then each version only over the one before', async () => {
    // Prepare
    const runId = nextRunId();
    const id = promotionIdOf(runId);
    await env.ledger.claimPromotion(promotionRecord(runId));

    // Act
    const first = await env.ledger.putPromotionStep(id, step('target/staging/0', 1, 'starting'));
    const firstAgain = await env.ledger.putPromotionStep(id, step('target/staging/0', 1, 'starting'));
    const second = await env.ledger.putPromotionStep(id, step('target/staging/0', 2, 'in_progress', { resources: { endpoint: 'e' } }));
    const stale = await env.ledger.putPromotionStep(id, step('target/staging/0', 2, 'failed'));
    const skipped = await env.ledger.putPromotionStep(id, step('target/staging/0', 4, 'succeeded'));

    // Assess
    expect([first, firstAgain, second, stale, skipped]).toEqual([true, false, true, false, false]);
    const view = await env.ledger.getPromotion(id);
    expect(view?.steps).toEqual([step('target/staging/0', 2, 'in_progress', { resources: { endpoint: 'e' } })]);
  });

  it('lets exactly one of 20 concurrent advances move a step from version 2 to 3', async () => {
    // Prepare
    const runId = nextRunId();
    const id = promotionIdOf(runId);
    await env.ledger.claimPromotion(promotionRecord(runId));
    await env.ledger.putPromotionStep(id, step('stage/staging', 1));
    await env.ledger.putPromotionStep(id, step('stage/staging', 2));

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => env.ledger.putPromotionStep(id, step('stage/staging', 3, 'in_progress', { by: i }))),
    );

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await env.ledger.getPromotion(id))?.steps[0]?.data).toEqual({ by: winner });
  });

  it('returns the record with every step; keeps runs apart; lists a run’s promotions', async () => {
    // Prepare
    const [runId, other] = [nextRunId(), nextRunId()];
    const id = promotionIdOf(runId);
    await env.ledger.claimPromotion(promotionRecord(runId));
    await env.ledger.claimPromotion(promotionRecord(other));
    await env.ledger.putPromotionStep(id, step('stage/staging', 1));
    await env.ledger.putPromotionStep(id, step('target/staging/0', 1));
    await env.ledger.putPromotionStep(id, step('outcome', 1, 'succeeded'));
    await env.ledger.putPromotionStep(promotionIdOf(other), step('stage/staging', 1, 'failed'));
    // The run's own steps and audit share the partition and must not leak into the promotion.
    await env.ledger.completeStep(runId, 'registry.updated', '2025-06-01T10:00:00.000Z');

    // Act
    const view = await env.ledger.getPromotion(id);
    const listed = await env.ledger.listPromotions(runId);

    // Assess
    expect(view?.record.runId).toBe(runId);
    expect(view?.steps.map((s) => s.key).sort()).toEqual(['outcome', 'stage/staging', 'target/staging/0']);
    expect(listed).toEqual([view]);
    expect(await env.ledger.listPromotions(nextRunId())).toEqual([]);
    expect(await env.ledger.stepsDone(runId)).toEqual(['registry.updated']);
  });

  it('answers null for an unknown promotion and refuses what is not a promotion id', async () => {
    // Act / Assess
    expect(await env.ledger.getPromotion(promotionIdOf(nextRunId()))).toBeNull();
    await expect(env.ledger.getPromotion('run-abc')).rejects.toThrow(/promo-<runId>/);
    await expect(env.ledger.putPromotionStep(promotionIdOf(nextRunId()), step('x', 0))).rejects.toThrow(/version/);
  });
});

/**
 * Preflight covers every role a promotion assumes: a `bedrock-copy` target also assumes
 * `sourceAccountRoleArn` (with `sourceExternalId`) in the model owner's account, so that role is
 * checked against the allow-list before any stage starts, like the target's own role.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startPromotion } from '../../../src/app/promotion/start-promotion.js';
import type { PolicySource } from '../../../src/core/ports.js';
import type { PromotionTarget } from '../../../src/core/policy/types.js';
import { ARN, FakeTarget, evaluate, installFakes, promotionAudit, registerCopyOfV2, startHarness, withChurnPolicy, type Harness } from './harness.js';

const bedrockCopy = (overrides: Partial<PromotionTarget> = {}): PromotionTarget =>
  ({
    kind: 'bedrock-copy',
    account: '333333333333',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::333333333333:role/modelgate-promoter',
    externalId: 'modelgate-churn-production',
    sourceModelArn: 'arn:aws:bedrock:eu-west-1:444444444444:custom-model/amazon.titan-text-express-v1:0:8k/abc123',
    sourceAccountRoleArn: 'arn:aws:iam::444444444444:role/modelgate-sharer',
    sourceExternalId: 'modelgate-churn-source',
    ...overrides,
  }) as PromotionTarget;

describe('preflight of a bedrock-copy source role', () => {
  let h: Harness;
  let version = 90;
  let copy: FakeTarget;
  let fakes: ReturnType<typeof installFakes>;
  let policies: PolicySource;

  beforeAll(async () => {
    h = await startHarness('mg-promo-source-role-');
    policies = h.stack.services.policies;
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.stack.services.policies = policies;
    fakes = installFakes(h.stack);
    copy = new FakeTarget('bedrock-copy');
    h.stack.services.promotion!.targets = [...h.stack.services.promotion!.targets, copy];
    version += 1;
  });

  /** A fresh approved run whose policy's production stage also copies a Bedrock model with `target`. */
  const runWith = async (target: PromotionTarget) => {
    await registerCopyOfV2(h.stack, version);
    const run = await evaluate(h.stack, ARN(version));
    await withChurnPolicy(h.stack, (p) => {
      p.doc.promotion!.stages[1]!.targets.push(target);
      return p;
    });
    return run;
  };

  it('refuses up front when the source role’s account is not allow-listed; nothing is started or recorded', async () => {
    // Prepare: 444444444444 (the model owner) is not on the allow-list (222222222222, 333333333333)
    const run = await runWith(bedrockCopy());

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(
      /stage production, target 2 \(bedrock-copy in 333333333333\): source role \(sourceAccountRoleArn, sourceExternalId\): account 444444444444 is not on the promotion allow-list/,
    );
    expect(fakes.startCount() + copy.starts.length).toBe(0);
    expect(await h.stack.services.ledger.listPromotions!(run.runId)).toEqual([]);
    expect((await promotionAudit(h.stack, run.runId)).map((e) => e.action)).toEqual(['promotion.refused']);
  });

  it('refuses up front when the source role has no sourceExternalId', async () => {
    // Prepare: the owner's account is allowed, but the ExternalId is blank
    h.stack.services.promotion!.allowList = { accounts: ['222222222222', '333333333333', '444444444444'], roles: [] };
    const run = await runWith(bedrockCopy({ sourceExternalId: ' ' }));

    // Act / Assess
    await expect(startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } })).rejects.toThrow(
      /stage production, target 2 \(bedrock-copy in 333333333333\): source role \(sourceAccountRoleArn, sourceExternalId\): has no externalId/,
    );
    expect(copy.starts).toHaveLength(0);
  });

  it('admits a bedrock-copy whose source role is allow-listed and has its ExternalId', async () => {
    // Prepare
    h.stack.services.promotion!.allowList = { accounts: ['222222222222', '333333333333', '444444444444'], roles: [] };
    const run = await runWith(bedrockCopy());

    // Act
    const { promotion } = await startPromotion(h.stack.services, { runId: run.runId, trigger: { source: 'cli' } });

    // Assess
    expect(promotion.promotionId).toBe(`promo-${run.runId}`);
  });
});

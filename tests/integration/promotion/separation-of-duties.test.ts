/**
 * Separation of duties at promotion compares principals (issue 9, row 4): a hand approval made
 * through another session of the role that registered the version is the registrant's approval.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPromotion } from '../../../src/app/promotion/start-promotion.js';
import { ARN, approveByHand, evaluate, installFakes, startHarness, withChurnPolicy, type Harness } from './harness.js';

describe('promotion: separation of duties by principal', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('mg-promo-sod-');
    await withChurnPolicy(h.stack, (p) => ({ ...p, doc: { ...p.doc, decision: { ...p.doc.decision, allowManualApproval: true } } }));
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a hand approval by another session of the registering role', async () => {
    // Prepare: churn-xgb/4 was registered by arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/pipeline
    const fakes = installFakes(h.stack);
    const run = await evaluate(h.stack, ARN(4));
    expect(run.decision).toBe('needs_review');
    await approveByHand(h.stack, ARN(4), 'arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/console-session');
    // Act / Assess
    await expect(startPromotion(h.stack.services, { subjectArn: ARN(4), trigger: { source: 'eventbridge', eventId: 'e-sod' } })).rejects.toThrow(
      /who registered the model/,
    );
    expect(fakes.startCount()).toBe(0);
  });
});

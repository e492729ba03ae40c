import { describe, expect, it } from '@jest/globals';
import promotionSchema from '../../../schemas/events/modelgate-promotion.schema.json' with { type: 'json' };
import { promotionDetail, refusalDetail, stageSummaries } from '../../../src/app/promotion/events.js';
import type { AppServices } from '../../../src/app/services.js';
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import type { PromotionRecord, PromotionStep } from '../../../src/core/promotion/record.js';
import { makeRunRecord } from '../../support/run-record.js';

const validate = createAjv().compile(promotionSchema);
const services = { clock: { now: () => new Date('2026-11-22T10:00:00.000Z') }, serviceVersion: 'modelgate@0.1.0' } as unknown as AppServices;
const run = makeRunRecord({ runId: 'run-01jn8jc080abcdefghjk', decision: 'approve' });
const target = (kind: string, account: string) => ({ kind, account, region: 'eu-west-1', roleArn: `arn:aws:iam::${account}:role/p`, externalId: 'x-1' });

const record: PromotionRecord = {
  promotionId: 'promo-run-01jn8jc080abcdefghjk',
  runId: run.runId,
  subject: run.subject,
  policy: { name: 'credit-risk', version: 3, digest: run.policy!.digest },
  stages: [
    { name: 'staging', targets: [target('sagemaker-endpoint', '222222222222')] },
    { name: 'production', targets: [target('sagemaker-endpoint', '333333333333'), target('eventbridge-forward', '333333333333')] },
  ],
  approval: { basis: 'manual-approval', by: 'arn:aws:iam::111111111111:user/alice', artifactsDigest: `sha256:${'a'.repeat(64)}`, note: 'by hand' },
  trigger: { source: 'eventbridge', eventId: 'evt-1' },
  dryRun: false,
  timing: { stageDeadlineSeconds: 3600, initialWaitSeconds: 15, maxWaitSeconds: 60 },
  createdAt: '2026-11-22T09:00:00.000Z',
  serviceVersion: 'modelgate@0.1.0',
};
const step = (key: string, state: PromotionStep['state'], message: string): PromotionStep => ({
  key,
  version: 2,
  state,
  message,
  updatedAt: '2026-11-22T09:30:00.000Z',
  data: {},
});

describe('promotion event details', () => {
  it('summarise each stage and target from the steps, pending where nothing was recorded', () => {
    // Act
    const stages = stageSummaries(record, [
      step('stage/staging', 'failed', 'x'),
      step('target/staging/0', 'starting', 'starting'),
      step('outcome', 'failed', 'x'),
    ]);

    // Assess
    expect(stages).toEqual([
      {
        name: 'staging',
        state: 'failed',
        targets: [{ kind: 'sagemaker-endpoint', account: '222222222222', region: 'eu-west-1', state: 'in_progress', message: 'starting' }],
      },
      {
        name: 'production',
        state: 'pending',
        targets: [expect.objectContaining({ state: 'pending', message: '' }), expect.objectContaining({ kind: 'eventbridge-forward', state: 'pending' })],
      },
    ]);
  });

  it('validate against the schema for a failure with a very long reason and message, cut to their bounds', () => {
    // Prepare
    const long = 'endpoint churn-staging Failed: '.padEnd(5000, 'x');

    // Act
    const detail = promotionDetail(services, record, [step('stage/staging', 'failed', long), step('target/staging/0', 'failed', long)], 'failed', long);

    // Assess
    expect(problemsOf(validate, detail, 'detail')).toEqual([]);
    expect((detail['reason'] as string).length).toBe(1000);
    expect(detail).toMatchObject({ state: 'failed', refused: false, approval: { basis: 'manual-approval', by: 'arn:aws:iam::111111111111:user/alice' } });
  });

  it('validate for a refusal, with and without a run', () => {
    // Act
    const withRun = refusalDetail(services, run.subject, run, 'the signature does not verify', { source: 'cli' }, true);
    const withoutRun = refusalDetail(services, run.subject, null, 'never evaluated', { source: 'eventbridge', eventId: 'e' }, false);

    // Assess
    expect(problemsOf(validate, withRun, 'detail')).toEqual([]);
    expect(problemsOf(validate, withoutRun, 'detail')).toEqual([]);
    expect(withoutRun).toMatchObject({ promotionId: null, runId: null, policy: null, refused: true });
  });

  it('the schema refuses a detail that lost a required field or gained an unknown one', () => {
    // Prepare
    const detail = promotionDetail(services, record, [], 'started');
    const { state: _state, ...withoutState } = detail;

    // Act / Assess
    expect(problemsOf(validate, withoutState, 'detail').join()).toMatch(/state/);
    expect(problemsOf(validate, { ...detail, extra: 1 }, 'detail').join()).toMatch(/extra/);
  });
});

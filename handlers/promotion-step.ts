/**
 * Lambda entry point: the promotion state machine's one task (serverless/promotion.yml). Input
 * `{ "promotionId": "promo-<runId>" }`; it calls `advancePromotion` — which does the next step of
 * the promotion and records it — and answers `{ promotionId, state, waitSeconds, reason }` for the
 * machine's Choice and Wait states. It never sleeps: waiting is the machine's Wait state.
 *
 * Errors: bad input (an unknown or malformed promotion id) is terminal and fails the execution at
 * once; anything else is thrown so that the Task's Retry runs it again — every step is idempotent
 * (recorded step versions, step tokens as client tokens), so a retry finds what it made and goes on.
 */
import type { Context } from 'aws-lambda';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { advancePromotion } from '../src/app/promotion/advance-promotion.js';
import { lazyValidator } from '../src/core/schema.js';
import { lambdaRuntime } from './middleware/powertools.js';
import { validateEvent } from './middleware/validate-event.js';

export interface PromotionStepInput {
  promotionId: string;
}

/** Every field always present: the machine's ResultSelector and Choice read them by path. */
export interface PromotionStepOutput {
  promotionId: string;
  state: 'waiting' | 'succeeded' | 'failed';
  waitSeconds: number;
  reason: string;
}

const { logger, metrics, tracer, services } = lambdaRuntime('modelgate-promotion-step');
const validateInput = lazyValidator({
  type: 'object',
  additionalProperties: true,
  required: ['promotionId'],
  properties: { promotionId: { type: 'string', pattern: '^promo-[A-Za-z0-9_-]{1,74}$' } },
});

const promotionStepHandler = async (input: PromotionStepInput, _context: Context): Promise<PromotionStepOutput> => {
  logger.appendKeys({ promotionId: input.promotionId });
  const result = await advancePromotion(services(), input.promotionId);
  if (result.state !== 'waiting') metrics.addMetric(result.state === 'succeeded' ? 'PromotionsSucceeded' : 'PromotionsFailed', MetricUnit.Count, 1);
  logger.info('promotion step', { ...result });
  return {
    promotionId: input.promotionId,
    state: result.state,
    waitSeconds: result.state === 'waiting' ? result.waitSeconds : 0,
    reason: result.state === 'failed' ? result.reason : '',
  };
};

/** The Lambda handler (`handlers/promotion-step.handler`). */
export const handler = middy(promotionStepHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(validateEvent({ validate: validateInput, where: 'input', expected: '{ "promotionId": "promo-<runId>" }' }));

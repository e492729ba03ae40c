/**
 * Lambda entry point: a SageMaker `Model Package State Change` with `Approved` (the version was
 * approved: by modelgate's own UpdateModelPackage, or by hand) → `handleRegistryEvent` → the
 * promotion is verified and recorded (`startPromotion`), then handed to the promotion state
 * machine (StartExecution named after the promotion: a re-delivered event starts nothing new).
 * Nothing is deployed here: the state machine's task (handlers/promotion-step.ts) does that.
 *
 * The middy chain, in the Powertools order (as handlers/evaluate.ts):
 * 1. Tracer, 2. Logger (correlation id = the event id; the model package ARN appended),
 * 3. Metrics (cold start; `PromotionsStarted`, `PromotionsRefused`, `DuplicateDeliveries`),
 * 4. the failure policy (bad input terminal; the rest rethrown so Lambda retries, then the DLQ),
 * 5. validation of the event against its schema.
 *
 * A refusal is an outcome, not an error: it is recorded in the ledger, published as `Model
 * Promotion Failed` and notified by the use case, and the invocation resolves.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import middy from '@middy/core';
import { correlationPaths } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { validateSageMakerPackageEvent } from '../src/generated/validators.js';
import { handleRegistryEvent, type PromoteOutcome } from '../src/app/handle-registry-event.js';
import type { ValidateFunction } from 'ajv';
import { failurePolicy } from './middleware/failure-policy.js';
import { lambdaRuntime } from './middleware/powertools.js';
import { validateEvent } from './middleware/validate-event.js';

interface ModelPackageStateChangeDetail {
  ModelPackageArn: string;
  ModelApprovalStatus: string;
  [field: string]: unknown;
}

type ModelPackageStateChange = EventBridgeEvent<'SageMaker Model Package State Change', ModelPackageStateChangeDetail>;

/** What one promote invocation did (Lambda discards it for async invocations; tests read it). */
export type PromoteResponse = { action: 'promote'; eventId: string; outcome: PromoteOutcome } | { action: 'ignore'; eventId?: string; reason: string };

const { logger, metrics, tracer, services } = lambdaRuntime('modelgate-promote', {
  correlationIds: true,
  requireEnv: ['MODELGATE_PROMOTION_STATE_MACHINE_ARN'],
});
// Compiled at build time (scripts/compile-validators.mjs): compiling at module load dominated cold start.
const validateStateChange = validateSageMakerPackageEvent as unknown as ValidateFunction;

const promoteHandler = async (event: ModelPackageStateChange, _context: Context): Promise<PromoteResponse> => {
  logger.appendKeys({ modelPackageArn: event.detail.ModelPackageArn });
  // The rule delivers Approved only; anything else is the evaluate function's.
  if (event.detail.ModelApprovalStatus !== 'Approved') {
    return {
      action: 'ignore',
      eventId: event.id,
      reason: `ModelApprovalStatus is ${JSON.stringify(event.detail.ModelApprovalStatus)}: the promote function handles Approved only`,
    };
  }
  const result = await handleRegistryEvent(services(), event);
  if (result.action === 'ignore') return result;
  if (result.action !== 'promote') throw new Error(`intake routed event ${event.id} to ${result.action} (expected promote for Approved)`);
  const { outcome } = result;
  if (outcome.status === 'refused') metrics.addMetric('PromotionsRefused', MetricUnit.Count, 1);
  else metrics.addMetric(outcome.duplicate ? 'DuplicateDeliveries' : 'PromotionsStarted', MetricUnit.Count, 1);
  logger.info('promotion', { ...outcome });
  return { action: 'promote', eventId: result.eventId, outcome };
};

/** The Lambda handler (`handlers/promote.handler`). */
export const handler = middy(promoteHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: correlationPaths.EVENT_BRIDGE, resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(failurePolicy({ logger, metrics }))
  .use(validateEvent({ validate: validateStateChange, expected: 'a SageMaker Model Package State Change event' }));

/**
 * Lambda entry point: a SageMaker `Model Package State Change` (PendingManualApproval, Completed)
 * from EventBridge → `handleRegistryEvent` → one decision per model version and policy.
 *
 * The middy chain, in the Powertools order:
 * 1. Tracer (`captureLambdaHandler`): one X-Ray segment per invocation.
 * 2. Logger (`injectLambdaContext`): Lambda context on every line, correlation id = the event id;
 *    the handler appends the model package ARN. Keys are reset between invocations.
 * 3. Metrics (`logMetrics`): cold start, then one metric per decision and per check status.
 * 4. The failure policy: bad input is terminal (logged, counted, resolved); the rest is rethrown.
 * 5. Validation of the event against `schemas/events/sagemaker-model-package-state-change.schema.json`.
 *
 * No Powertools idempotency: exactly-once rests on the ledger's claim (a conditional write on the
 * subject + policy digest), which also covers what an event-id key cannot — SageMaker emits
 * several events, with different ids, for one change. An idempotency store on top would add a
 * table, IAM and a write per invocation, and its "in progress" record would make retries after a
 * crash wait for its own expiry. See docs/deployment.md ("Exactly once").
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import middy from '@middy/core';
import { correlationPaths } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { validateSageMakerPackageEvent } from '../src/generated/validators.js';
import { handleRegistryEvent } from '../src/app/handle-registry-event.js';
import type { ValidateFunction } from 'ajv';
import { settleInProgress } from './middleware/claim-in-progress.js';
import { decisionMetrics, type EvaluateResponse } from './middleware/decision-metrics.js';
import { failurePolicy } from './middleware/failure-policy.js';
import { lambdaRuntime } from './middleware/powertools.js';
import { validateEvent } from './middleware/validate-event.js';

/** The part of the SageMaker event detail the handler itself reads; the schema validates the rest. */
interface ModelPackageStateChangeDetail {
  ModelPackageArn: string;
  ModelPackageGroupName: string;
  [field: string]: unknown;
}

type ModelPackageStateChange = EventBridgeEvent<'SageMaker Model Package State Change', ModelPackageStateChangeDetail>;

const { logger, metrics, tracer, services } = lambdaRuntime('modelgate-evaluate', { correlationIds: true });
// Compiled at build time (scripts/compile-validators.mjs): compiling at module load dominated cold start.
const validateStateChange = validateSageMakerPackageEvent as unknown as ValidateFunction;

const evaluateHandler = async (event: ModelPackageStateChange, _context: Context): Promise<EvaluateResponse> => {
  logger.appendKeys({ modelPackageArn: event.detail.ModelPackageArn });
  // The rule delivers PendingManualApproval only; an Approved event is promotion's, never this function's.
  if (event.detail.ModelApprovalStatus !== 'PendingManualApproval') {
    const reason = `ModelApprovalStatus is ${JSON.stringify(event.detail.ModelApprovalStatus)}: the evaluate function handles PendingManualApproval only`;
    logger.info('event ignored', { reason });
    return { action: 'ignore', eventId: event.id, reason };
  }
  const app = services();
  const result = await handleRegistryEvent(app, event);
  if (result.action === 'ignore') return result;
  if (result.action !== 'evaluate') throw new Error(`intake routed event ${event.id} to ${result.action} (expected evaluate for PendingManualApproval)`);
  const { eventId, outcome } = result;
  if (outcome.status === 'in_progress') {
    // Resolves for a sibling delivery; throws (retry, then DLQ) when the holder is this event's failed attempt.
    await settleInProgress(app.ledger, outcome.runId, eventId);
    return { action: 'evaluate', eventId, status: 'in_progress', runId: outcome.runId };
  }
  const { run, duplicate } = outcome;
  return {
    action: 'evaluate',
    eventId,
    status: 'decided',
    runId: run.runId,
    decision: run.decision,
    duplicate,
    checks: run.checks.map((c) => ({ id: c.id, status: c.status })),
  };
};

/** The Lambda handler (`handlers/evaluate.handler`). */
export const handler = middy(evaluateHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { correlationIdPath: correlationPaths.EVENT_BRIDGE, resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(decisionMetrics(metrics))
  .use(failurePolicy({ logger, metrics }))
  .use(validateEvent({ validate: validateStateChange, expected: 'a SageMaker Model Package State Change event' }));

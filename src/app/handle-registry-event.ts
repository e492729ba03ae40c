/**
 * The entry the EventBridge Lambdas and the local stack's event endpoint share: normalise the
 * event, then evaluate (PendingManualApproval) or promote (Approved).
 */
import { NotBuiltError, RefusedError } from '../core/errors.js';
import { parseRegistryEvent } from '../core/intake.js';
import { stepKeys } from '../core/promotion/record.js';
import { evaluateSubject, type EvaluateOutcome } from './evaluate-subject.js';
import { localPromotionRunner } from './promotion/local-driver.js';
import { startPromotion } from './promotion/start-promotion.js';
import { promotionLedgerOf, promotionServicesOf } from './promotion/steps.js';
import type { AppServices } from './services.js';

/** What an Approved event led to. `state` is where the promotion stood when the runner returned. */
export type PromoteOutcome =
  | { status: 'refused'; reason: string }
  | { status: 'started'; promotionId: string; runId: string; duplicate: boolean; state: 'running' | 'succeeded' | 'failed'; reason?: string };

export type EventOutcome =
  | { action: 'evaluate'; eventId: string; outcome: EvaluateOutcome }
  | { action: 'promote'; eventId: string; outcome: PromoteOutcome }
  | { action: 'ignore'; eventId?: string; reason: string };

/**
 * An Approved version: start (or find) its promotion, then hand it to the runner — the Step
 * Functions execution when deployed; on the embedded stack the local driver, which runs it to the
 * end. A refusal has been recorded, published and notified by then; it is an outcome, not an error.
 */
const promote = async (services: AppServices, subjectArn: string, eventId: string): Promise<PromoteOutcome> => {
  const promotion = promotionServicesOf(services);
  const runner = promotion.runner ?? (promotion.dryRunOnly ? localPromotionRunner(services) : undefined);
  if (!runner) throw new NotBuiltError('a promotion runner for this deployment (set MODELGATE_PROMOTION_STATE_MACHINE_ARN)');
  let started;
  try {
    started = await startPromotion(services, { subjectArn, trigger: { source: 'eventbridge', eventId } });
  } catch (err) {
    if (err instanceof RefusedError) return { status: 'refused', reason: err.message };
    throw err;
  }
  const { promotionId, runId } = started.promotion;
  await runner.start(promotionId);
  const outcome = (await promotionLedgerOf(services).getPromotion(promotionId))?.steps.find((s) => s.key === stepKeys.outcome);
  const state = outcome?.state === 'succeeded' || outcome?.state === 'failed' ? outcome.state : 'running';
  return { status: 'started', promotionId, runId, duplicate: started.duplicate, state, ...(state === 'failed' ? { reason: outcome!.message } : {}) };
};

/** Handles one registry event. Invalid events throw InvalidInputError (terminal, not retried). */
export const handleRegistryEvent = async (services: AppServices, event: unknown): Promise<EventOutcome> => {
  const intake = parseRegistryEvent(event);
  if (intake.action === 'ignore') {
    services.logger.info('event ignored', { eventId: intake.eventId, reason: intake.reason });
    return intake;
  }
  if (intake.action === 'promote') {
    return { action: 'promote', eventId: intake.eventId, outcome: await promote(services, intake.subject.arn, intake.eventId) };
  }
  if (intake.subject.kind !== 'sagemaker-model-package') {
    throw new NotBuiltError(`evaluation of ${intake.subject.kind} subjects (${intake.subject.arn})`);
  }
  const outcome = await evaluateSubject(services, {
    arn: intake.subject.arn,
    apply: true,
    dedupe: true,
    trigger: { source: 'eventbridge', eventId: intake.eventId },
  });
  return { action: 'evaluate', eventId: intake.eventId, outcome };
};

/**
 * The entry the EventBridge Lambda and the local stack's event endpoint share: normalise the
 * event, then evaluate (PendingManualApproval) or promote (Approved).
 */
import { NotBuiltError } from '../core/errors.js';
import { parseRegistryEvent } from '../core/intake.js';
import { evaluateSubject, type EvaluateOutcome } from './evaluate-subject.js';
import type { AppServices } from './services.js';

export type EventOutcome =
  | { action: 'evaluate'; eventId: string; outcome: EvaluateOutcome }
  | { action: 'ignore'; eventId?: string; reason: string };

/** Handles one registry event. Invalid events throw InvalidInputError (terminal, not retried). */
export const handleRegistryEvent = async (services: AppServices, event: unknown): Promise<EventOutcome> => {
  const intake = parseRegistryEvent(event);
  if (intake.action === 'ignore') {
    services.logger.info('event ignored', { eventId: intake.eventId, reason: intake.reason });
    return intake;
  }
  if (intake.action === 'promote') {
    throw new NotBuiltError(`promotion of ${intake.subject.arn} on Approved`);
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

/**
 * startPromotion: verify, check every target up front, then record the promotion (once per run).
 * A refusal is recorded in the ledger, published as `Model Promotion Failed`, sent to people, and
 * thrown as RefusedError — and nothing is created in any hosting account.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, RefusedError } from '../../core/errors.js';
import { promotionIdOf, type PromotionRecord, type PromotionTrigger } from '../../core/promotion/record.js';
import type { RunRecord } from '../../core/run.js';
import { parseModelPackageArn, subjectLabel, type Subject } from '../../core/subject.js';
import type { AppServices } from '../services.js';
import { PROMOTION_DETAIL_TYPES, notifyPromotionProblem, promotionDetail, refusalDetail } from './events.js';
import { preflightProblems } from './preflight.js';
import { promotionLedgerOf, promotionServicesOf, timingOf } from './steps.js';
import { verifyPromotion, type PromotionSubject, type Verification } from './verify-approval.js';

export type StartPromotionRequest = PromotionSubject & {
  /** Who asked (the CLI user); recorded with the trigger. */
  actor?: string;
  trigger: PromotionTrigger;
};

export interface StartedPromotion {
  promotion: PromotionRecord;
  /** The run was already being (or had been) promoted: nothing new was recorded. */
  duplicate: boolean;
}

/** The run-level step that marks `Model Promotion Started` as published. */
const ANNOUNCED_STEP = 'promotion.announced';

const subjectOf = (verification: Verification, req: StartPromotionRequest): Subject => {
  if (verification.run) return verification.run.subject;
  const arn = req.subjectArn ?? '';
  const parsed = parseModelPackageArn(arn);
  if (!parsed)
    throw new InvalidInputError(
      `"${arn}" is not a versioned model package ARN`,
      'promotion subject',
      'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>',
    );
  return { kind: 'sagemaker-model-package', arn, ...parsed };
};

/**
 * Records a refusal and throws it. The audit entry is always appended (under the run, or under the
 * subject ARN when modelgate never evaluated it); the event and the notification go out once per
 * distinct reason, so a re-delivered event does not page anyone twice.
 */
const refuse = async (
  services: AppServices,
  run: RunRecord | null,
  subject: Subject,
  reason: string,
  trigger: PromotionTrigger,
  dryRun: boolean,
): Promise<never> => {
  const { ledger, clock, logger } = services;
  const key = run?.runId ?? subject.arn;
  const at = clock.now().toISOString();
  await ledger.appendAudit({
    runId: key,
    at,
    actor: trigger.by ?? 'modelgate',
    action: 'promotion.refused',
    detail: { reason, subject: subject.arn, trigger },
  });
  const first = await ledger.completeStep(key, `promotion.refused#${createHash('sha256').update(reason).digest('hex').slice(0, 16)}`, at);
  if (first) {
    await services.publisher.publish([
      { detailType: PROMOTION_DETAIL_TYPES.failed, detail: refusalDetail(services, subject, run, reason, trigger, dryRun), resources: [subject.arn] },
    ]);
    await notifyPromotionProblem(services, run, 'refused', reason);
  }
  logger.info('promotion refused', { subject: subject.arn, runId: run?.runId ?? null, reason });
  throw new RefusedError(`promotion of ${subjectLabel(subject)} refused: ${reason}`);
};

/** Publishes `Model Promotion Started` once per promotion (repairing a crash between the claim and the event). */
const announce = async (services: AppServices, record: PromotionRecord): Promise<void> => {
  const done = await services.ledger.stepsDone(record.runId);
  if (done.includes(ANNOUNCED_STEP)) return;
  await services.publisher.publish([
    { detailType: PROMOTION_DETAIL_TYPES.started, detail: promotionDetail(services, record, [], 'started'), resources: [record.subject.arn] },
  ]);
  await services.ledger.completeStep(record.runId, ANNOUNCED_STEP, services.clock.now().toISOString());
};

/**
 * Starts the promotion of a run: by run id (`modelgate promote <runId>`) or by subject (an
 * Approved event: the newest approve run of that version). Verifies the approval (see
 * verify-approval.ts) and every target against the allow-list before recording anything. A run
 * already promoted returns its promotion with `duplicate: true`; the caller then (re)starts the
 * runner, which finds the recorded steps and goes on.
 *
 * @throws RefusedError when the version may not be promoted (after recording why).
 * @throws NotFoundError for an unknown run id.
 * @example
 * ```ts
 * const { promotion } = await startPromotion(services, { subjectArn, trigger: { source: 'eventbridge', eventId } });
 * await services.promotion?.runner?.start(promotion.promotionId);
 * ```
 */
export const startPromotion = async (services: AppServices, req: StartPromotionRequest): Promise<StartedPromotion> => {
  const promotion = promotionServicesOf(services);
  promotionLedgerOf(services);
  const trigger: PromotionTrigger = { ...req.trigger, ...(req.actor ? { by: req.actor } : {}) };
  const which: PromotionSubject = req.runId !== undefined ? { runId: req.runId } : { subjectArn: req.subjectArn };
  const verification = await verifyPromotion(services, which);
  const { run, pkg, policy, approval } = verification;
  if (!verification.ok || !run || !pkg || !policy?.doc.promotion || !approval) {
    return refuse(services, run, subjectOf(verification, req), verification.reason ?? 'verification failed', trigger, promotion.dryRunOnly);
  }
  const stages = policy.doc.promotion.stages;
  const problems = preflightProblems(promotion, stages);
  if (problems.length > 0) {
    const reason = `${problems.length === 1 ? 'a target does' : `${problems.length} problems with targets do`} not pass the checks made before any stage starts: ${problems.join('; ')}`;
    return refuse(services, run, run.subject, reason, trigger, promotion.dryRunOnly);
  }

  const record: PromotionRecord = {
    promotionId: promotionIdOf(run.runId),
    runId: run.runId,
    subject: run.subject,
    policy: { name: policy.doc.metadata.name, version: policy.doc.metadata.version, digest: policy.digest, file: policy.file },
    stages: structuredClone(stages),
    approval,
    trigger,
    dryRun: promotion.dryRunOnly,
    timing: timingOf(promotion.timing),
    createdAt: services.clock.now().toISOString(),
    serviceVersion: services.serviceVersion,
  };
  const claim = await promotionLedgerOf(services).claimPromotion(record);
  const current = claim.status === 'claimed' ? record : claim.record;
  if (claim.status === 'claimed') {
    await services.ledger.appendAudit({
      runId: run.runId,
      at: record.createdAt,
      actor: trigger.by ?? 'modelgate',
      action: 'promotion.started',
      detail: { promotionId: record.promotionId, approval, stages: stages.map((s) => s.name), dryRun: record.dryRun, trigger },
    });
    services.logger.info('promotion started', {
      promotionId: record.promotionId,
      runId: run.runId,
      subject: run.subject.arn,
      basis: approval.basis,
      dryRun: record.dryRun,
    });
  } else {
    services.logger.info('promotion already recorded: going on with it', { promotionId: current.promotionId, runId: run.runId, trigger });
  }
  await announce(services, current);
  return { promotion: current, duplicate: claim.status === 'exists' };
};

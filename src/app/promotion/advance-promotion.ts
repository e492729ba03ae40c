/**
 * advancePromotion: the state machine's one task. Each call reads the recorded steps, does the next
 * thing — start the current stage's targets (in parallel), poll the ones in progress, run the
 * stage's verifiers once all targets succeeded, roll back on failure and wait for the rollback — records it, and says whether
 * to wait and call again. A stage starts only after the one before it verified. Every write is
 * conditional on the step version it read, and a target is started only by the call that recorded
 * its `starting` step, so a retried task or a second runner never starts anything twice.
 */
import { NotFoundError, RefusedError } from '../../core/errors.js';
import type { ModelPackage } from '../../core/model-package.js';
import type { PromotionStage, PromotionTarget } from '../../core/policy/types.js';
import { artifactsDigest } from '../../core/promotion/attestation.js';
import { stepKeys, type PromotionRecord, type PromotionStep } from '../../core/promotion/record.js';
import type { TargetProgress } from '../../core/promotion/types.js';
import type { AppServices, PromotionServices } from '../services.js';
import { PROMOTION_DETAIL_TYPES, notifyPromotionProblem, promotionDetail } from './events.js';
import { MAX_TARGET_ERRORS, StepBook, adapterFor, backoffSeconds, describeTarget, promotionLedgerOf, promotionServicesOf, targetContextOf } from './steps.js';
import { rollbackStage } from './rollback.js';
import { runStageVerifiers } from './stage-verify.js';

export type AdvanceResult = { state: 'waiting'; waitSeconds: number } | { state: 'succeeded' } | { state: 'failed'; reason: string };

/** A `starting` step older than this whose start never got recorded is started again (targets find their resources by stepToken). */
export const START_LEASE_MS = 5 * 60_000;
export { MAX_TARGET_ERRORS } from './steps.js';

export interface TargetStanding {
  index: number;
  target: PromotionTarget;
  state: 'pending' | 'in_progress' | 'succeeded' | 'failed';
  progress?: TargetProgress;
  message: string;
}

/** What one advance works with. */
export interface Advance {
  services: AppServices;
  promotion: PromotionServices;
  record: PromotionRecord;
  pkg: ModelPackage;
  book: StepBook;
  now: Date;
  audit(action: string, detail: Record<string, unknown>): Promise<void>;
}

const isTerminal = (s: PromotionStep | undefined): boolean => s?.state === 'succeeded' || s?.state === 'failed';

const standingOf = (index: number, target: PromotionTarget, step: PromotionStep | undefined): TargetStanding => {
  const progress = step?.data['progress'] as TargetProgress | undefined;
  const state = !step ? 'pending' : step.state === 'starting' ? 'in_progress' : step.state;
  return { index, target, state, ...(progress ? { progress } : {}), message: step?.message ?? 'not started' };
};

/** Starts, re-starts or polls one target, and records what it said. */
const advanceTarget = async (a: Advance, stage: PromotionStage, target: PromotionTarget, index: number): Promise<TargetStanding> => {
  const key = stepKeys.target(stage.name, index);
  let step = a.book.get(key);
  if (isTerminal(step)) return standingOf(index, target, step);
  const adapter = adapterFor(a.promotion, String(target.kind));
  if (!step) {
    // Recording `starting` first is the claim: only the call whose write wins calls start.
    if (!(await a.book.write(key, 'starting', `starting ${describeTarget(target)}`, { startedAt: a.now.toISOString(), errors: 0 }))) {
      return standingOf(index, target, a.book.get(key));
    }
    step = a.book.get(key)!;
  } else if (step.state === 'starting' && step.data['retryStart'] !== true && a.now.getTime() - Date.parse(step.updatedAt) < START_LEASE_MS) {
    return standingOf(index, target, step);
  }
  const mustStart = step.state === 'starting';
  if (!adapter) {
    await a.book.write(key, 'failed', `no adapter for target kind "${String(target.kind)}"`, step.data);
    return standingOf(index, target, a.book.get(key));
  }
  const ctx = targetContextOf(a.record, a.pkg, stage.name, `target/${index}`);
  let progress: TargetProgress;
  try {
    progress = mustStart ? await adapter.start(target, ctx) : await adapter.poll(target, ctx, step.data['progress'] as TargetProgress);
  } catch (err) {
    const errors = Number(step.data['errors'] ?? 0) + 1;
    const what = `${mustStart ? 'start' : 'poll'} of ${describeTarget(target)} threw: ${(err as Error).message}`;
    a.services.logger.error('promotion target threw', { promotionId: a.record.promotionId, stage: stage.name, index, errors, error: (err as Error).message });
    if (err instanceof RefusedError) {
      // A refusal made no AWS call and will refuse again: retrying it would only delay the failure.
      await a.book.write(key, 'failed', (err as Error).message, { ...step.data, errors, refused: true });
      await a.audit('promotion.target.failed', {
        stage: stage.name,
        index,
        kind: target.kind,
        account: target.account,
        message: (err as Error).message,
        refused: true,
      });
    } else if (errors >= MAX_TARGET_ERRORS) {
      await a.book.write(key, 'failed', `${what} (${errors} times in a row)`, { ...step.data, errors });
      await a.audit('promotion.target.failed', { stage: stage.name, index, kind: target.kind, account: target.account, message: what });
    } else {
      await a.book.write(key, step.state, `${what}; retrying (${errors} of ${MAX_TARGET_ERRORS})`, {
        ...step.data,
        errors,
        ...(mustStart ? { retryStart: true } : {}),
      });
    }
    return standingOf(index, target, a.book.get(key));
  }
  const won = await a.book.write(key, progress.state, progress.message, { startedAt: step.data['startedAt'], errors: 0, progress });
  if (won && (mustStart || progress.state !== 'in_progress')) {
    await a.audit(`promotion.target.${mustStart ? 'started' : progress.state}`, {
      stage: stage.name,
      index,
      kind: target.kind,
      account: target.account,
      region: target.region,
      state: progress.state,
      message: progress.message,
      resources: progress.resources,
    });
  }
  return standingOf(index, target, a.book.get(key));
};

/** The recorded standing of every target of a stage (no adapter is called). */
const recordedStandings = (a: Advance, stage: PromotionStage): TargetStanding[] =>
  stage.targets.map((t, i) => standingOf(i, t, a.book.get(stepKeys.target(stage.name, i))));

/**
 * Fails a stage: records why (once — later calls go on with that reason and the targets as they
 * were, polling nothing but the rollbacks), rolls back its succeeded targets and waits for them,
 * then records the stage failed with the reason and each rollback's outcome.
 */
const failStage = async (a: Advance, stage: PromotionStage, standings: TargetStanding[], why: string): Promise<AdvanceResult> => {
  const key = stepKeys.stage(stage.name);
  let st = a.book.get(key)!;
  // A lost write re-reads the step: another call may have recorded its reason first, or just a poll.
  for (let attempt = 0; attempt < 3 && typeof st.data['failing'] !== 'string' && st.state === 'in_progress'; attempt++) {
    await a.book.write(key, 'in_progress', `${why}; rolling back`, { ...st.data, failing: why, rollbackPolls: 0 });
    st = a.book.get(key)!;
  }
  if (st.state === 'failed') return { state: 'failed', reason: st.message };
  const reason = typeof st.data['failing'] === 'string' ? st.data['failing'] : why;
  const rollback = await rollbackStage(a, stage, standings);
  if (!rollback.done) {
    st = a.book.get(key)!;
    const polls = Number(st.data['rollbackPolls'] ?? 0) + 1;
    await a.book.write(key, 'in_progress', `${reason}; waiting for rollback: ${rollback.notes.join('; ')}`, { ...st.data, rollbackPolls: polls });
    const untilDeadline = Math.max(1, Math.ceil((rollback.nextDeadlineMs - a.now.getTime()) / 1000));
    return { state: 'waiting', waitSeconds: Math.min(backoffSeconds(a.record.timing, polls), untilDeadline) };
  }
  const full = rollback.notes.length > 0 ? `${reason}; ${rollback.notes.join('; ')}` : reason;
  if (await a.book.write(key, 'failed', full, a.book.get(key)?.data ?? {})) await a.audit('promotion.stage.failed', { stage: stage.name, reason: full });
  const now = a.book.get(key);
  return { state: 'failed', reason: now?.state === 'failed' ? now.message : full };
};

/** Advances one stage; `done` when it verified. */
const advanceStage = async (a: Advance, stage: PromotionStage): Promise<{ state: 'done' } | AdvanceResult> => {
  const key = stepKeys.stage(stage.name);
  const { timing } = a.record;
  if (!a.book.get(key)) {
    const deadline = new Date(a.now.getTime() + timing.stageDeadlineSeconds * 1000).toISOString();
    if (await a.book.write(key, 'in_progress', `stage ${stage.name} started`, { startedAt: a.now.toISOString(), deadline, polls: 0 })) {
      await a.audit('promotion.stage.started', { stage: stage.name, targets: stage.targets.map(describeTarget), deadline });
    }
  }
  const st = a.book.get(key)!;
  if (st.state === 'succeeded') return { state: 'done' };
  if (st.state === 'failed') return { state: 'failed', reason: st.message };
  if (typeof st.data['failing'] === 'string') return failStage(a, stage, recordedStandings(a, stage), st.data['failing']);

  const standings = await Promise.all(stage.targets.map((t, i) => advanceTarget(a, stage, t, i)));
  const failed = standings.filter((s) => s.state === 'failed');
  if (failed.length > 0) {
    const others = standings
      .filter((s) => s.state === 'in_progress')
      .map((s) => `target ${s.index} (${describeTarget(s.target)}) was still in progress and is left as it is`);
    const reason = [
      `stage ${stage.name} failed: ${failed.map((f) => `target ${f.index} (${describeTarget(f.target)}): ${f.message}`).join('; ')}`,
      ...others,
    ].join('; ');
    return failStage(a, stage, standings, reason);
  }
  const waiting = standings.filter((s) => s.state !== 'succeeded');
  if (waiting.length > 0) {
    const deadlineMs = Date.parse(String(st.data['deadline']));
    if (a.now.getTime() >= deadlineMs) {
      const reason = `stage ${stage.name} did not finish within ${Math.round(timing.stageDeadlineSeconds / 60)} min (deadline ${String(st.data['deadline'])}): ${waiting
        .map((w) => `target ${w.index} (${describeTarget(w.target)}) still ${w.state}: ${w.message}`)
        .join('; ')}`;
      return failStage(a, stage, standings, reason);
    }
    const polls = Number(st.data['polls'] ?? 0) + 1;
    await a.book.write(key, 'in_progress', `waiting for ${waiting.length} of ${standings.length} target(s)`, { ...st.data, polls });
    const untilDeadline = Math.max(1, Math.ceil((deadlineMs - a.now.getTime()) / 1000));
    return { state: 'waiting', waitSeconds: Math.min(backoffSeconds(timing, polls), untilDeadline) };
  }

  const verdicts = await runStageVerifiers(a, stage, standings);
  const notPassed = verdicts.filter((v) => !v.passed);
  if (notPassed.length > 0) {
    return failStage(a, stage, standings, `stage ${stage.name} failed verification: ${notPassed.map((v) => `${v.use}: ${v.message}`).join('; ')}`);
  }
  if (await a.book.write(key, 'succeeded', `stage ${stage.name} succeeded${verdicts.length > 0 ? ' and verified' : ''}`, st.data)) {
    await a.audit('promotion.stage.succeeded', { stage: stage.name, verified: verdicts.map((v) => v.use) });
  }
  return { state: 'done' };
};

const resultOf = (outcome: PromotionStep): AdvanceResult =>
  outcome.state === 'succeeded' ? { state: 'succeeded' } : { state: 'failed', reason: outcome.message };

/** Records the outcome once: the call whose write wins audits, publishes and notifies. */
const finish = async (
  a: Pick<Advance, 'services' | 'record' | 'book' | 'audit'>,
  result: { state: 'succeeded' } | { state: 'failed'; reason: string },
): Promise<AdvanceResult> => {
  const reason = result.state === 'failed' ? result.reason : 'every stage succeeded';
  if (!(await a.book.write(stepKeys.outcome, result.state, reason, {}))) return resultOf(a.book.get(stepKeys.outcome)!);
  const { services, record } = a;
  await a.audit(`promotion.${result.state}`, { reason, dryRun: record.dryRun });
  await services.publisher.publish([
    {
      detailType: result.state === 'succeeded' ? PROMOTION_DETAIL_TYPES.succeeded : PROMOTION_DETAIL_TYPES.failed,
      detail: promotionDetail(services, record, a.book.all(), result.state, result.state === 'failed' ? reason : undefined),
      resources: [record.subject.arn],
    },
  ]);
  if (result.state === 'failed') await notifyPromotionProblem(services, await services.ledger.getRun(record.runId), 'failed', reason, record.promotionId);
  services.logger.info(`promotion ${result.state}`, { promotionId: record.promotionId, runId: record.runId, reason });
  return result;
};

/**
 * Does the next step of a promotion and records it. `waiting`: call again after `waitSeconds`.
 *
 * @throws NotFoundError for an unknown promotion id; whatever the ledger or registry throws when
 *   transient (the state machine retries the task).
 * @example
 * ```ts
 * let r = await advancePromotion(services, promotionId);
 * while (r.state === 'waiting') { await sleep(r.waitSeconds * 1000); r = await advancePromotion(services, promotionId); }
 * ```
 */
export const advancePromotion = async (services: AppServices, promotionId: string): Promise<AdvanceResult> => {
  const promotion = promotionServicesOf(services);
  const ledger = promotionLedgerOf(services);
  const view = await ledger.getPromotion(promotionId);
  if (!view) throw new NotFoundError('promotion', promotionId);
  const book = new StepBook(ledger, services.clock, promotionId, view.steps);
  const outcome = book.get(stepKeys.outcome);
  if (outcome) return resultOf(outcome);
  const { record } = view;
  const audit = async (action: string, detail: Record<string, unknown>) =>
    services.ledger.appendAudit({
      runId: record.runId,
      at: services.clock.now().toISOString(),
      actor: 'modelgate',
      action,
      detail: { promotionId, ...detail },
    });

  let pkg: ModelPackage;
  try {
    pkg = await services.registry.describe(record.subject.arn);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    return finish({ services, record, book, audit }, { state: 'failed', reason: `the model package ${record.subject.arn} is no longer in the registry` });
  }
  const a: Advance = { services, promotion, record, pkg, book, now: services.clock.now(), audit };
  // Checked on every step: a package changed or un-approved mid-promotion goes no further.
  const digest = artifactsDigest(pkg);
  if (digest !== record.approval.artifactsDigest) {
    return finish(a, {
      state: 'failed',
      reason: `the model package's artifacts changed during the promotion (approved ${record.approval.artifactsDigest}, now ${digest}); later stages did not start`,
    });
  }
  if (pkg.ModelApprovalStatus !== 'Approved') {
    return finish(a, {
      state: 'failed',
      reason: `the model package is ${pkg.ModelApprovalStatus ?? 'without an approval status'} in the registry now, no longer Approved; later stages did not start`,
    });
  }
  for (const stage of record.stages) {
    const r = await advanceStage(a, stage);
    if (r.state === 'done') continue;
    if (r.state === 'waiting') return r;
    return finish(a, r);
  }
  return finish(a, { state: 'succeeded' });
};

/**
 * Rolling back a failed stage, and waiting for it: each succeeded target that supports rollback is
 * rolled back once (the call whose `starting` write wins issues it), then polled through its
 * adapter's `poll` — an endpoint's UpdateEndpoint back to its previous config takes minutes — until
 * it succeeded or failed, or its deadline passed. The stage's deadline has usually passed by now
 * (a stage can fail by running out of time), so each rollback gets a deadline of its own: as long
 * as a stage may take, counted from when the rollback was issued.
 */
import { RefusedError } from '../../core/errors.js';
import type { PromotionStage } from '../../core/policy/types.js';
import { stepKeys } from '../../core/promotion/record.js';
import type { TargetProgress } from '../../core/promotion/types.js';
import type { Advance, TargetStanding } from './advance-promotion.js';
import { MAX_TARGET_ERRORS, adapterFor, describeTarget, targetContextOf } from './steps.js';

/** Where one target's rollback stands; `message` is the line the failure reason carries. */
interface RollbackStanding {
  state: 'in_progress' | 'succeeded' | 'failed';
  message: string;
  /** When an unfinished rollback gives up (ms since the epoch). */
  deadlineMs: number;
}

/** What rolling back a stage came to: `done` once every rollback succeeded or failed. */
export interface StageRollback {
  done: boolean;
  notes: string[];
  /** The earliest deadline of the unfinished rollbacks (ms), when not done. */
  nextDeadlineMs: number;
}

const standingOfStep = (a: Advance, key: string, fallbackDeadlineMs: number): RollbackStanding => {
  const step = a.book.get(key);
  const deadline = Date.parse(String(step?.data['deadline']));
  const deadlineMs = Number.isFinite(deadline) ? deadline : fallbackDeadlineMs;
  if (step?.state === 'succeeded' || step?.state === 'failed') return { state: step.state, message: step.message, deadlineMs };
  return { state: 'in_progress', message: step?.message ?? '', deadlineMs };
};

/** Issues (once) or polls one target's rollback and records it. */
const advanceRollback = async (a: Advance, stage: PromotionStage, s: TargetStanding): Promise<RollbackStanding> => {
  const key = stepKeys.rollback(stage.name, s.index);
  const label = `target ${s.index} (${describeTarget(s.target)}) rollback`;
  const limitMs = a.record.timing.stageDeadlineSeconds * 1000;
  const step = a.book.get(key);
  if (step?.state === 'succeeded' || step?.state === 'failed') return standingOfStep(a, key, 0);
  const adapter = adapterFor(a.promotion, String(s.target.kind));
  const ctx = targetContextOf(a.record, a.pkg, stage.name, `target/${s.index}`);

  if (!step) {
    if (!adapter?.rollback) {
      await a.book.write(key, 'succeeded', `target ${s.index} (${describeTarget(s.target)}) not rolled back: its kind has no rollback`, { skipped: true });
      return standingOfStep(a, key, 0);
    }
    const deadline = new Date(a.now.getTime() + limitMs).toISOString();
    // The `starting` write is the claim: only the call whose write wins issues the rollback.
    if (!(await a.book.write(key, 'starting', `${label} being issued`, { deadline, errors: 0 }))) return standingOfStep(a, key, a.now.getTime() + limitMs);
    let progress: TargetProgress;
    try {
      progress = await adapter.rollback(s.target, ctx, s.progress!);
    } catch (err) {
      // Not retried: a rollback whose request may have gone out is never issued a second time.
      progress = {
        state: 'failed',
        message: `${err instanceof RefusedError ? 'refused' : 'threw'}: ${(err as Error).message}`,
        resources: s.progress!.resources,
      };
    }
    await a.book.write(key, progress.state, `${label} ${progress.state}: ${progress.message}`, { deadline, errors: 0, progress });
    await a.audit('promotion.rollback', { stage: stage.name, index: s.index, kind: s.target.kind, state: progress.state, message: progress.message });
    return standingOfStep(a, key, Date.parse(deadline));
  }

  const current = standingOfStep(a, key, Date.parse(step.updatedAt) + limitMs);
  const last = step.data['progress'] as TargetProgress | undefined;
  if (a.now.getTime() >= current.deadlineMs) {
    const message = `${label} failed: did not finish within ${Math.round(limitMs / 60_000)} min (deadline ${new Date(current.deadlineMs).toISOString()}); last: ${last?.message ?? 'its issue was never recorded'}`;
    if (await a.book.write(key, 'failed', message, step.data))
      await a.audit('promotion.rollback.failed', { stage: stage.name, index: s.index, kind: s.target.kind, message });
    return standingOfStep(a, key, current.deadlineMs);
  }
  // `starting`: another call is issuing it (or died doing so); never issue it again, wait for the deadline.
  if (step.state === 'starting' || !adapter || !last) return current;

  let progress: TargetProgress;
  try {
    progress = await adapter.poll(s.target, ctx, last);
  } catch (err) {
    const errors = Number(step.data['errors'] ?? 0) + 1;
    const what = `poll threw: ${(err as Error).message}`;
    a.services.logger.error('promotion rollback poll threw', {
      promotionId: a.record.promotionId,
      stage: stage.name,
      index: s.index,
      errors,
      error: (err as Error).message,
    });
    const final = err instanceof RefusedError || errors >= MAX_TARGET_ERRORS;
    const message = final
      ? `${label} failed: ${what}${err instanceof RefusedError ? '' : ` (${errors} times in a row)`}`
      : `${label} in_progress: ${what}; retrying (${errors} of ${MAX_TARGET_ERRORS})`;
    if ((await a.book.write(key, final ? 'failed' : 'in_progress', message, { ...step.data, errors })) && final) {
      await a.audit('promotion.rollback.failed', { stage: stage.name, index: s.index, kind: s.target.kind, message });
    }
    return standingOfStep(a, key, current.deadlineMs);
  }
  const won = await a.book.write(key, progress.state, `${label} ${progress.state}: ${progress.message}`, { ...step.data, errors: 0, progress });
  if (won && progress.state !== 'in_progress') {
    await a.audit(`promotion.rollback.${progress.state}`, { stage: stage.name, index: s.index, kind: s.target.kind, message: progress.message });
  }
  return standingOfStep(a, key, current.deadlineMs);
};

/** Rolls back (or goes on waiting for) what the stage's succeeded targets changed. */
export const rollbackStage = async (a: Advance, stage: PromotionStage, standings: TargetStanding[]): Promise<StageRollback> => {
  const rollbacks = await Promise.all(standings.filter((s) => s.state === 'succeeded' && s.progress).map((s) => advanceRollback(a, stage, s)));
  const open = rollbacks.filter((r) => r.state === 'in_progress');
  return {
    done: open.length === 0,
    notes: rollbacks.map((r) => r.message).filter((n) => n.length > 0),
    nextDeadlineMs: Math.min(...open.map((r) => r.deadlineMs)),
  };
};

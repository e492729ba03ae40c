/**
 * The side effects of a decision: registry status, modelgate's events, a notification. Each is
 * claimed in the ledger (with a lease) before it is done and marked done after, so concurrent
 * duplicate invocations perform it once and a retried invocation repeats only what did not happen.
 * A process that dies between the action and its mark repeats that one action after the lease,
 * which UpdateModelPackage tolerates and event consumers dedupe by runId.
 */
import { approvalDescription, decisionEvents } from '../core/outgoing-events.js';
import { effectiveDecision, type RunRecord } from '../core/run.js';
import type { AppServices } from './services.js';

const STATUS = { approve: 'Approved', reject: 'Rejected' } as const;

const notificationSubject = (run: RunRecord): string => {
  const label = `${run.subject.group}/${run.subject.version}`;
  const word = { approve: 'approved', reject: 'rejected', needs_review: 'needs review' }[effectiveDecision(run)];
  return `modelgate: ${label} ${word}`;
};

const notificationText = (run: RunRecord, link?: string): string =>
  [
    `Model: ${run.subject.group}/${run.subject.version} (${run.subject.arn})`,
    `Decision: ${effectiveDecision(run)}`,
    `Policy: ${run.policy ? `${run.policy.name} v${run.policy.version}` : 'none'}`,
    'Reasons:',
    ...(run.reasons.length > 0 ? run.reasons.map((r) => `  - ${r}`) : ['  - (none)']),
    `Run: ${run.runId}`,
    `Look closer: modelgate runs show ${run.runId}${link ? ` or ${link}` : ''}`,
  ].join('\n');

/** How long one action may hold its step before a retry may take it over (its holder died). */
export const STEP_LEASE_MS = 2 * 60 * 1000;

/**
 * Performs the actions a run calls for that the ledger does not already mark done. Each action
 * claims its step first, so that of concurrent invocations (duplicate deliveries) exactly one
 * performs it; a failed action releases its step and rethrows, so the platform's retry does it.
 * `justRecorded`: the caller recorded the run itself a moment ago (skips reading the done steps).
 */
export const actOnRun = async (services: AppServices, run: RunRecord, options: { justRecorded?: boolean } = {}): Promise<void> => {
  const { ledger, clock } = services;
  // A run this invocation just recorded has no step done yet (a concurrent duplicate that is
  // already acting on it is stopped by claimStep), so the read would only cost a round trip.
  const done = new Set(options.justRecorded ? [] : await ledger.stepsDone(run.runId));
  const decision = effectiveDecision(run);
  const once = async (step: string, action: () => Promise<Record<string, unknown>>) => {
    if (done.has(step)) return;
    const claim = await ledger.claimStep(run.runId, step, clock.now(), STEP_LEASE_MS);
    if (claim !== 'claimed') return;
    let detail: Record<string, unknown>;
    try {
      detail = await action();
    } catch (err) {
      await ledger.releaseStep(run.runId, step);
      throw err;
    }
    const at = clock.now().toISOString();
    await ledger.completeStep(run.runId, step, at);
    await ledger.appendAudit({ runId: run.runId, at, actor: 'modelgate', action: step, detail });
  };

  await once('registry.updated', async () => {
    // needs_review leaves the package PendingManualApproval: a human decides (override) or a rerun does.
    if (decision === 'needs_review') return { status: 'unchanged', why: 'needs_review leaves the version pending' };
    const description = approvalDescription(run);
    await services.registry.setApproval(run.subject.arn, STATUS[decision], description);
    return { status: STATUS[decision], description };
  });
  await once('events.published', async () => {
    const events = decisionEvents(run, services.runLink ? { runUrl: services.runLink(run.runId) } : {});
    await services.publisher.publish(events);
    return { detailTypes: events.map((e) => e.detailType) };
  });
  if (decision !== 'approve') {
    await once('people.notified', async () => {
      await services.notifier.notify({ subject: notificationSubject(run), text: notificationText(run, services.runLink?.(run.runId)), run });
      return { decision };
    });
  }
};

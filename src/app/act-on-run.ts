/**
 * The side effects of a decision: registry status, modelgate's events, a notification. Each is
 * marked done in the ledger after it succeeds, so a retried invocation repeats only what did not
 * happen (at-least-once per step; a crash between an action and its mark repeats that one action,
 * which UpdateModelPackage tolerates and event consumers dedupe by runId).
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

/** Performs the actions a run calls for that the ledger does not already mark done. */
export const actOnRun = async (services: AppServices, run: RunRecord): Promise<void> => {
  const { ledger, clock } = services;
  const done = new Set(await ledger.stepsDone(run.runId));
  const decision = effectiveDecision(run);
  const mark = async (step: string, detail: Record<string, unknown>) => {
    const at = clock.now().toISOString();
    await ledger.completeStep(run.runId, step, at);
    await ledger.appendAudit({ runId: run.runId, at, actor: 'modelgate', action: step, detail });
  };

  if (!done.has('registry.updated')) {
    if (decision === 'needs_review') {
      // The package stays PendingManualApproval: a human decides (override) or a rerun does.
      await mark('registry.updated', { status: 'unchanged', why: 'needs_review leaves the version pending' });
    } else {
      const description = approvalDescription(run);
      await services.registry.setApproval(run.subject.arn, STATUS[decision], description);
      await mark('registry.updated', { status: STATUS[decision], description });
    }
  }
  if (!done.has('events.published')) {
    const events = decisionEvents(run, services.runLink ? { runUrl: services.runLink(run.runId) } : {});
    await services.publisher.publish(events);
    await mark('events.published', { detailTypes: events.map((e) => e.detailType) });
  }
  if (!done.has('people.notified') && decision !== 'approve') {
    await services.notifier.notify({ subject: notificationSubject(run), text: notificationText(run, services.runLink?.(run.runId)), run });
    await mark('people.notified', { decision });
  }
};

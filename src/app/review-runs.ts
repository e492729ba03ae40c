/**
 * What on-call does with runs: look at them, rerun them, override them.
 */
import { NotFoundError, RefusedError } from '../core/errors.js';
import type { RunQuery } from '../core/ports.js';
import { approvalDescription, truncateText } from '../core/outgoing-events.js';
import { samePrincipal } from '../core/principal.js';
import { isRunId } from '../core/run-id.js';
import type { AuditEntry, Override, RunRecord } from '../core/run.js';
import { evaluateSubject, type EvaluateOutcome } from './evaluate-subject.js';
import type { AppServices } from './services.js';

/** How much of an id that is no run id an error message repeats. */
const SHOWN_ID_CHARS = 64;

export const listRuns = (services: AppServices, query: RunQuery): Promise<RunRecord[]> => services.ledger.listRuns(query);

/**
 * A run with its audit trail. Throws NotFoundError for an unknown id — at once, without asking the
 * ledger, for a string that is not a run id at all (the ledger refuses keys over 2 KB with an error
 * that is no answer to "which run?"); the id in the message is cut to {@link SHOWN_ID_CHARS}.
 */
export const showRun = async (services: AppServices, runId: string): Promise<{ run: RunRecord; audit: AuditEntry[] }> => {
  if (!isRunId(runId)) throw new NotFoundError('run', truncateText(runId, SHOWN_ID_CHARS));
  const run = await services.ledger.getRun(runId);
  if (!run) throw new NotFoundError('run', runId);
  return { run, audit: await services.ledger.auditTrail(runId) };
};

/** Evaluates the subject of a run again, as a new run (the evidence the first run was given by hand is kept). */
export const rerun = async (services: AppServices, runId: string, opts: { reason: string; by: string; apply: boolean }): Promise<EvaluateOutcome> => {
  const { run } = await showRun(services, runId);
  const outcome = await evaluateSubject(services, {
    arn: run.subject.arn,
    evidence: run.evidence.filter((e) => e.source === 'cli'),
    apply: opts.apply,
    dedupe: false,
    trigger: { source: 'rerun', rerunOf: runId, reason: opts.reason, by: opts.by },
  });
  await services.ledger.appendAudit({
    runId,
    at: services.clock.now().toISOString(),
    actor: opts.by,
    action: 'run.rerun',
    detail: { reason: opts.reason, newRunId: outcome.status === 'decided' ? outcome.run.runId : outcome.runId },
  });
  return outcome;
};

/**
 * A human decision on top of a run. Refused (RefusedError) unless `by` is an approver of the
 * policy that governs the run — the policy as it stands now, so that removing an approver takes
 * effect at once — and `by` did not register the model. Both tests compare principals, not strings
 * ({@link samePrincipal}): an assumed-role session is its role, so a registrant cannot approve its
 * own model by naming the role, and an approver listed as a role acts through any session of it.
 */
export const overrideRun = async (
  services: AppServices,
  runId: string,
  req: { decision: Override['decision']; reason: string; by: string },
): Promise<RunRecord> => {
  const { run } = await showRun(services, runId);
  const refuse = async (why: string): Promise<never> => {
    await services.ledger.appendAudit({
      runId,
      at: services.clock.now().toISOString(),
      actor: req.by,
      action: 'override.refused',
      detail: { decision: req.decision, why },
    });
    throw new RefusedError(`override refused: ${why}`);
  };
  if (!req.reason.trim()) return refuse('a reason is required');
  if (!run.policy) return refuse('no policy governs this run, so no one is an approver; fix the policy and rerun');
  const policy = (await services.policies.load()).find((p) => p.doc.metadata.name === run.policy!.name);
  if (!policy) return refuse(`policy "${run.policy.name}" is no longer configured`);
  const approvers = policy.doc.decision?.approvers ?? [];
  if (!approvers.some((a) => samePrincipal(a, req.by))) {
    return refuse(`${req.by} is not an approver of policy "${policy.doc.metadata.name}" (approvers: ${approvers.join(', ') || 'none'})`);
  }
  if (run.registeredBy.some((r) => samePrincipal(r, req.by))) {
    return refuse(`${req.by} registered this model and may not approve or reject it`);
  }

  const override: Override = { decision: req.decision, reason: req.reason, by: req.by, at: services.clock.now().toISOString() };
  await services.ledger.recordOverride(runId, override);
  await services.ledger.appendAudit({
    runId,
    at: override.at,
    actor: req.by,
    action: 'override',
    detail: { ...override, previous: run.override?.decision ?? run.decision },
  });
  const updated: RunRecord = { ...run, override };
  const status = req.decision === 'approve' ? 'Approved' : 'Rejected';
  try {
    await services.registry.setApproval(run.subject.arn, status, approvalDescription(updated));
    await services.ledger.appendAudit({
      runId,
      at: services.clock.now().toISOString(),
      actor: 'modelgate',
      action: 'registry.updated',
      detail: { status, by: req.by },
    });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await services.ledger.appendAudit({
      runId,
      at: services.clock.now().toISOString(),
      actor: 'modelgate',
      action: 'registry.unchanged',
      detail: { why: err.message },
    });
  }
  return updated;
};

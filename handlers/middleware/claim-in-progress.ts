/**
 * What a delivery does when the ledger says another invocation holds the claim on this model
 * version and policy and has not recorded its run (`in_progress`).
 *
 * A concurrent sibling — another delivery of the same change, usually with another event id —
 * is done: the holder decides, acts and notifies. But the holder may also be this very event's
 * earlier attempt, which claimed and then failed before writing its run (throttling, a 5xx, a
 * timeout). The claim then blocks re-evaluation until its lease expires (15 minutes), and Lambda's
 * retry of the event lands here. Resolving would drop the event silently, so in that case the
 * invocation fails: Lambda retries it and finally dead-letters it, the DLQ alarm fires, and the
 * runbook (docs/operations.md, "Stuck claims") redrives it once the lease has expired.
 */
import type { Ledger } from '../../src/core/ports.js';

/**
 * This delivery met a claim held by an earlier attempt of the same event (or by a holder whose
 * start is not yet recorded): retry later. Retryable by construction.
 */
export class EvaluationInProgressError extends Error {
  readonly runId: string;
  readonly retryable = true;
  constructor(runId: string, eventId: string) {
    super(
      `evaluation run ${runId} claimed this model version for event ${eventId} and has not recorded a decision ` +
        '(expected it to finish; if its invocation failed, the claim blocks re-evaluation until its 15-minute lease expires, then a retry or redrive evaluates)',
    );
    this.name = 'EvaluationInProgressError';
    this.runId = runId;
  }
}

/** The event id that started `runId`, from its `run.started` audit entry; undefined when not recorded (yet). */
const startedBy = async (ledger: Ledger, runId: string): Promise<string | undefined> => {
  const started = (await ledger.auditTrail(runId)).find((entry) => entry.action === 'run.started');
  const trigger = (started?.detail as { trigger?: { eventId?: unknown } } | undefined)?.trigger;
  return typeof trigger?.eventId === 'string' ? trigger.eventId : undefined;
};

/**
 * Resolves when a sibling delivery (another event id) holds the claim; throws
 * {@link EvaluationInProgressError} when the holder is this event's earlier attempt or unknown.
 */
export const settleInProgress = async (ledger: Ledger, runId: string, eventId: string): Promise<void> => {
  const holder = await startedBy(ledger, runId);
  if (holder === undefined || holder === eventId) throw new EvaluationInProgressError(runId, eventId);
};

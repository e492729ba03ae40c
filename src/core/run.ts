/**
 * The run record: everything a run decided and why. Written once to the ledger; overrides and
 * registry actions are appended beside it, never written over it.
 */
import type { CheckResult } from './check.js';
import type { EvidenceRef } from './evidence.js';
import type { Waiver } from './policy/types.js';
import type { SignedDecision } from './promotion/types.js';
import type { Subject } from './subject.js';

export type Decision = 'approve' | 'reject' | 'needs_review';

export interface AppliedWaiver extends Waiver {
  /** What it covered: `bias/CI sex=F`. */
  covered: string[];
}

export interface Override {
  decision: 'approve' | 'reject';
  reason: string;
  by: string;
  at: string;
}

export interface RunRecord {
  runId: string;
  subject: Subject;
  /** `null` when no policy governs the subject (the decision is then `needs_review`). */
  policy: { name: string; version: number; digest: string; file?: string } | null;
  decision: Decision;
  reasons: string[];
  checks: CheckResult[];
  champion: { arn: string; version: string } | null;
  /** Identities that registered the model (`CreatedBy`): they may never override this run. */
  registeredBy: string[];
  evidence: EvidenceRef[];
  waivers: { applied: AppliedWaiver[]; expired: Waiver[] };
  trigger: { source: 'eventbridge' | 'cli' | 'rerun' | 'local'; eventId?: string; rerunOf?: string; reason?: string; by?: string };
  startedAt: string;
  finishedAt: string;
  serviceVersion: string;
  /** The latest human override, when there is one (kept in the ledger beside the run). */
  override?: Override;
  /**
   * The signed decision (src/core/promotion/attestation.ts), present when the deployment signs
   * decisions. Promotion refuses a run without a valid one. An override is not signed here.
   */
  attestation?: SignedDecision;
}

/** One entry of the append-only audit trail. */
export interface AuditEntry {
  runId: string;
  at: string;
  /** Who acted: `modelgate`, an IAM ARN, an e-mail. */
  actor: string;
  /** `run.started`, `run.decided`, `registry.updated`, `event.published`, `override`, ... */
  action: string;
  detail?: Record<string, unknown>;
}

/** The decision that stands: the override when there is one, else the run's own. */
export const effectiveDecision = (run: Pick<RunRecord, 'decision' | 'override'>): Decision => run.override?.decision ?? run.decision;

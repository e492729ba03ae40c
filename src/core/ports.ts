/**
 * The ports: what the use cases need from the outside world. Adapters in `src/adapters/` implement
 * them; only `src/compose.ts` decides which adapter serves which port.
 */
import type { ApprovalStatus, ModelPackage } from './model-package.js';
import type { LoadedPolicy } from './policy/types.js';
import type { PromotionClaim, PromotionRecord, PromotionStep, PromotionView } from './promotion/record.js';
import type { AuditEntry, Decision, Override, RunRecord } from './run.js';

/** A model registry (SageMaker Model Registry; the local registry on the embedded stack). */
export interface ModelRegistry {
  /** DescribeModelPackage. Throws NotFoundError for an unknown ARN. */
  describe(arn: string): Promise<ModelPackage>;
  /** The newest Approved version of the group other than `exceptArn`, or `null`. */
  findChampion(group: string, exceptArn: string): Promise<ModelPackage | null>;
  /** Sets ModelApprovalStatus and ApprovalDescription (≤ 1024 chars) on exactly this version. */
  setApproval(arn: string, status: ApprovalStatus, description: string): Promise<void>;
}

export interface ArtifactReadOptions {
  /** Stop and throw EvidenceError past this many (compressed) bytes. */
  maxBytes: number;
  signal?: AbortSignal;
}

/** Reads artifacts by URI (`file://`, `s3://`). Streams; never loads more than it must. */
export interface ArtifactStore {
  /** The schemes this store serves, e.g. `['file']`. */
  readonly schemes: readonly string[];
  /** Opens the artifact as a byte stream. Throws EvidenceError when it cannot be read. */
  open(uri: string, options: ArtifactReadOptions): Promise<AsyncIterable<Uint8Array>>;
}

/** `claimed`: do the step now; `held`: another invocation is doing it; `done`: it was done. */
export type StepClaim = 'claimed' | 'held' | 'done';

export type ClaimResult = { status: 'claimed' } | { status: 'exists'; runId: string; complete: boolean };

export interface RunQuery {
  decision?: Decision;
  group?: string;
  subjectArn?: string;
  /** ISO date or timestamp: runs started at or after it. */
  since?: string;
  limit?: number;
}

/**
 * What promotion keeps in the ledger (docs/ledger.md, "Promotions"). Optional on {@link Ledger} so
 * that a ledger without promotions (a benchmark's in-memory one) still is a Ledger; the promotion
 * use cases refuse to run on one (`promotionLedgerOf`).
 */
export interface PromotionLedger {
  /**
   * Records a promotion of `record.runId`, exactly once per run: of any number of concurrent
   * callers one gets `claimed`; the others get the record that was written.
   */
  claimPromotion(record: PromotionRecord): Promise<PromotionClaim>;
  /** The promotion with its steps, or `null`. */
  getPromotion(promotionId: string): Promise<PromotionView | null>;
  /** The promotions of a run (at most one today), with their steps. */
  listPromotions(runId: string): Promise<PromotionView[]>;
  /**
   * Writes a promotion step under optimistic concurrency: `version: 1` only when the step does not
   * exist yet, `version: n` only over `n - 1`. `false` when another writer got there first.
   */
  putPromotionStep(promotionId: string, step: PromotionStep): Promise<boolean>;
}

/** The append-only record of runs, decisions and everything done about them. */
export interface Ledger extends Partial<PromotionLedger> {
  /**
   * Claims the right to evaluate `dedupeKey` (subject + policy digest). Exactly one concurrent
   * caller gets `claimed`; the others get the run that holds it. A claim whose run never completed
   * can be taken over after `leaseMs`.
   */
  claimRun(dedupeKey: string, runId: string, now: Date, leaseMs: number): Promise<ClaimResult>;
  /**
   * Writes the run record once (a second write of the same runId is refused), with the audit
   * entries of its making (`run.started`, `run.decided`): they join the run's audit trail, written
   * together with the record where the ledger can (one write instead of three). A run whose claim
   * another run took over is refused and nothing is written.
   */
  putRun(record: RunRecord, audit?: readonly AuditEntry[]): Promise<void>;
  /** The run with its latest override, or `null`. */
  getRun(runId: string): Promise<RunRecord | null>;
  /** Runs newest first. */
  listRuns(query: RunQuery): Promise<RunRecord[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The run's audit trail, oldest first. */
  auditTrail(runId: string): Promise<AuditEntry[]>;
  /** Records a human decision on top of a run (appends; the latest stands). */
  recordOverride(runId: string, override: Override): Promise<void>;
  /**
   * Marks a side effect of a run (`registry`, `publish`, `notify`) as done. Returns `false` when it
   * was done already, so that a retried invocation does not repeat it.
   */
  completeStep(runId: string, step: string, at: string): Promise<boolean>;
  /** The steps already done for a run. */
  stepsDone(runId: string): Promise<string[]>;
  /**
   * Claims a side effect of a run before doing it, with a lease: exactly one concurrent caller gets
   * `claimed`. A claim whose holder died can be taken again once `leaseMs` has passed.
   */
  claimStep(runId: string, step: string, now: Date, leaseMs: number): Promise<StepClaim>;
  /** Gives up a claimed step that was not done (its action failed), so that a retry can claim it at once. */
  releaseStep(runId: string, step: string): Promise<void>;
  /**
   * Gives up an evaluation claim whose run was never written (the invocation failed), so that the
   * platform's retry evaluates at once instead of waiting out the lease. A no-op when `runId` no
   * longer holds the claim or the run was written.
   */
  releaseClaim(dedupeKey: string, runId: string): Promise<void>;
}

/** modelgate's own events (`Model Evaluation Completed`, `Model Rejected`, ...). */
export interface EventPublisher {
  publish(events: Array<{ detailType: string; detail: Record<string, unknown>; resources?: string[] }>): Promise<void>;
}

/** Tells people (SNS e-mail, chat, the console locally). */
export interface Notifier {
  notify(message: { subject: string; text: string; run: RunRecord }): Promise<void>;
}

/** Where policies come from (the reviewed files in `policies/`). */
export interface PolicySource {
  load(): Promise<LoadedPolicy[]>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

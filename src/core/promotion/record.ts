/**
 * What the ledger keeps about a promotion: one write-once record (what was verified, which stages,
 * who triggered it) and its steps (one per stage, target, verifier, rollback, and the outcome),
 * each updated under optimistic concurrency so that a retried or duplicated state-machine task
 * never starts anything twice. See docs/promotion.md.
 */
import type { PromotionStage } from '../policy/types.js';
import type { Subject } from '../subject.js';

/** Why modelgate may promote this version. */
export type PromotionBasis =
  /** A modelgate `approve` decision whose signature verified against the current package. */
  | 'signed-decision'
  /** A human override to approve, by an approver of the policy who did not register the model. */
  | 'override'
  /** The registry status was set to Approved by hand and the policy sets `allowManualApproval: true`. */
  | 'manual-approval';

export interface PromotionApproval {
  basis: PromotionBasis;
  /** Who approved: the override's `by`, or the registry's `LastModifiedBy` for a manual approval. */
  by?: string;
  at?: string;
  /** The key that signed the run's decision. */
  keyId?: string;
  /** The package's artifacts digest when the promotion started; checked again on every step. */
  artifactsDigest: string;
  /** One line, for people. */
  note: string;
}

export interface PromotionTrigger {
  source: 'eventbridge' | 'cli' | 'local';
  eventId?: string;
  /** Who asked (the CLI user), when known. */
  by?: string;
}

/** How long to wait between polls and how long a stage may take. */
export interface PromotionTiming {
  /** A stage still running after this many seconds fails the promotion (default 3600). */
  stageDeadlineSeconds: number;
  /** The first wait between polls (default 15); doubled per poll up to `maxWaitSeconds`. */
  initialWaitSeconds: number;
  maxWaitSeconds: number;
}

/** A promotion as it started: written once, never changed. */
export interface PromotionRecord {
  /** `promo-<runId>`: a run is promoted at most once. */
  promotionId: string;
  runId: string;
  subject: Subject;
  /** The policy the stages come from, as it stood when the promotion started. */
  policy: { name: string; version: number; digest: string; file?: string };
  /** A snapshot: editing the policy does not change a promotion under way. */
  stages: PromotionStage[];
  approval: PromotionApproval;
  trigger: PromotionTrigger;
  /** Targets only plan and record (the embedded stack). */
  dryRun: boolean;
  timing: PromotionTiming;
  createdAt: string;
  serviceVersion: string;
}

export type PromotionStepState = 'starting' | 'in_progress' | 'succeeded' | 'failed';

/**
 * One step of a promotion. Keys: `stage/<stage>`, `target/<stage>/<index>`,
 * `verify/<stage>/<index>`, `rollback/<stage>/<index>`, `outcome`.
 */
export interface PromotionStep {
  key: string;
  /** 1 when first written; every update writes `version + 1` and succeeds only over `version`. */
  version: number;
  state: PromotionStepState;
  message: string;
  updatedAt: string;
  /** Step-specific facts: a target's progress, a verifier's metrics, a stage's deadline. */
  data: Record<string, unknown>;
}

/** A promotion with every step recorded so far. */
export interface PromotionView {
  record: PromotionRecord;
  steps: PromotionStep[];
}

export type PromotionClaim = { status: 'claimed' } | { status: 'exists'; record: PromotionRecord };

/** Starts the loop that advances a promotion (a Step Functions execution; the local driver). */
export interface PromotionRunner {
  /** Idempotent: starting a promotion that is already running is not an error and starts nothing new. */
  start(promotionId: string): Promise<void>;
}

const PROMOTION_PREFIX = 'promo-';

/** The promotion id of a run (a run is promoted at most once). */
export const promotionIdOf = (runId: string): string => `${PROMOTION_PREFIX}${runId}`;

/** The run a promotion id belongs to, or `null` when it is not a promotion id. */
export const runIdOfPromotion = (promotionId: string): string | null =>
  promotionId.startsWith(PROMOTION_PREFIX) && promotionId.length > PROMOTION_PREFIX.length ? promotionId.slice(PROMOTION_PREFIX.length) : null;

/** Step keys, in one place so that the ledger, the use case and the docs agree. */
export const stepKeys = {
  stage: (stage: string) => `stage/${stage}`,
  target: (stage: string, index: number) => `target/${stage}/${index}`,
  verify: (stage: string, index: number) => `verify/${stage}/${index}`,
  rollback: (stage: string, index: number) => `rollback/${stage}/${index}`,
  outcome: 'outcome',
} as const;

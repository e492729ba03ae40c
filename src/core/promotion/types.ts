/**
 * Promotion: moving an approved model version into hosting accounts, stage by stage. The shapes
 * here are shared by the use case (src/app/promotion), the target adapters
 * (src/adapters/aws/targets, src/adapters/local/dry-run-target.ts), the state machine and the CLI.
 *
 * The state machine (or the local driver) is a dumb loop around `advancePromotion`: every call
 * does the next step, records it in the ledger, and says whether to wait and call again. All
 * steps are idempotent — deterministic resource names and client tokens — so a re-delivered event
 * or a retried step finds what it made and goes on.
 */
import type { ModelPackage } from '../model-package.js';
import type { PromotionTarget } from '../policy/types.js';
import type { Subject } from '../subject.js';

/** The payload a decision signature covers (canonical JSON of exactly these fields, keys sorted). */
export interface DecisionAttestation {
  runId: string;
  subjectArn: string;
  decision: 'approve' | 'reject' | 'needs_review';
  policyDigest: string | null;
  /** sha256 of the canonical JSON of the model package's InferenceSpecification (what would be deployed). */
  artifactsDigest: string;
  decidedAt: string;
  serviceVersion: string;
}

/** A signed attestation, stored with the run. */
export interface SignedDecision {
  attestation: DecisionAttestation;
  /** e.g. `Ed25519` locally, `ECDSA_SHA_256` with AWS KMS. */
  algorithm: string;
  /** The key that signed: a local key fingerprint or a KMS key ARN. */
  keyId: string;
  /** base64 */
  signature: string;
}

/** Signs and verifies decision records (AWS KMS asymmetric keys when deployed; Ed25519 locally). */
export interface Signer {
  readonly keyId: string;
  readonly algorithm: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** `false` for a bad signature or an unknown key; throws only for transient failures. */
  verify(message: Uint8Array, signature: Uint8Array, keyId: string, algorithm: string): Promise<boolean>;
}

/** What a target adapter is handed for one step. */
export interface TargetContext {
  runId: string;
  promotionId: string;
  subject: Subject;
  modelPackage: ModelPackage;
  stage: string;
  /** Deterministic per (promotion, stage, target): use as client token and in resource names. */
  stepToken: string;
  /** The embedded stack and `--dry-run`: plan and record, create nothing. */
  dryRun: boolean;
}

/** Where a target's work stands. `resources` names what it made (ARNs, names) for idempotency and rollback. */
export interface TargetProgress {
  state: 'succeeded' | 'in_progress' | 'failed';
  message: string;
  resources: Record<string, string>;
  /** What the target replaced (e.g. the previous endpoint config), for rollback. */
  previous?: Record<string, string>;
}

/** One kind of promotion target (`sagemaker-endpoint`, `bedrock-copy`, ...). */
export interface HostingTarget {
  readonly kind: string;
  /** Problems with the target's options in the policy (empty when valid). */
  validate(target: PromotionTarget): string[];
  /** Human-readable lines describing what `start` would do. */
  plan(target: PromotionTarget, ctx: TargetContext): string[];
  /** Starts (or finds, when it already exists) the work. */
  start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress>;
  /** Polls long-running work started earlier. */
  poll(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress>;
  /** Undoes what `start` changed, where that makes sense (an updated endpoint goes back to its previous config). */
  rollback?(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress>;
}

/** A stage's `verify` entry, e.g. `endpoint-smoke`. */
export interface StageVerifier {
  readonly id: string;
  validate(config: Record<string, unknown>): string[];
  run(
    config: Record<string, unknown>,
    ctx: TargetContext,
    targets: Array<{ target: PromotionTarget; progress: TargetProgress }>,
  ): Promise<{ passed: boolean; message: string; metrics: Record<string, number> }>;
}

/** Which hosting accounts and roles promotion may touch (from deployment config, not from the policy). */
export interface PromotionAllowList {
  accounts: string[];
  /** Role ARN globs; empty = any role in an allowed account. */
  roles: string[];
}

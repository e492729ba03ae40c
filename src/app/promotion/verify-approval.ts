/**
 * Whether a model version may be promoted, decided before anything is created. The rules
 * (docs/promotion.md, "Verification"):
 *
 * 1. The run's policy must still be configured and have a `promotion` block.
 * 2. The approval must have one of three bases:
 *    - **signed-decision**: the run decided `approve`, no override says otherwise, and the run's
 *      signed attestation verifies against the CURRENT package (subject ARN and artifacts digest);
 *    - **override**: a human override to `approve`, counted only when its `by` is an approver of the
 *      policy as it stands now and did not register the model (what `modelgate override` checks when
 *      it records one; checked again because approvers may have been removed since), and the run's
 *      own signed record still verifies against the current package;
 *    - **manual-approval**: a run that needs review, set to Approved by hand in the registry, when
 *      the policy sets `allowManualApproval: true`; the actor (`LastModifiedBy`) must be known and
 *      must not be the registrant. A rejected run is never promoted by a hand approval: that takes
 *      `modelgate override` by an approver.
 * 3. The registry must say `Approved` for the version now (setting it back stops a promotion).
 */
import { NotFoundError } from '../../core/errors.js';
import type { ModelPackage, UserContext } from '../../core/model-package.js';
import { truncateText } from '../../core/outgoing-events.js';
import { samePrincipal } from '../../core/principal.js';
import { artifactsDigest, attestationMessage, verifyDecision } from '../../core/promotion/attestation.js';
import type { PromotionApproval } from '../../core/promotion/record.js';
import type { SignedDecision, Signer } from '../../core/promotion/types.js';
import type { LoadedPolicy } from '../../core/policy/types.js';
import { isRunId } from '../../core/run-id.js';
import { effectiveDecision, type RunRecord } from '../../core/run.js';
import type { AppServices } from '../services.js';

/** What a verification found, approved or not; `reason` says why not. */
export interface Verification {
  ok: boolean;
  reason?: string;
  run: RunRecord | null;
  pkg: ModelPackage | null;
  policy: LoadedPolicy | null;
  approval?: PromotionApproval;
}

/** Which run a promotion is about: a run id (the CLI) or a subject ARN (an Approved event). */
export type PromotionSubject = { runId: string; subjectArn?: undefined } | { subjectArn: string; runId?: undefined };

/** Separation of duties compares principals: an assumed-role session is its role (src/core/principal.ts). */
const same = samePrincipal;

/** The run's signed decision (written by the evaluation when a signer is configured). */
export const signedDecisionOf = (run: RunRecord): SignedDecision | undefined => run.attestation;

/** Who last changed the package in the registry (for a hand approval: who approved). */
export const actorOf = (ctx: UserContext | undefined): string | undefined =>
  [ctx?.IamIdentity?.Arn, ctx?.UserProfileArn, ctx?.UserProfileName].find((x): x is string => typeof x === 'string' && x.length > 0);

/**
 * The run an Approved event promotes: the newest run of the subject whose decision that stands is
 * approve, else the newest run (a hand approval, or a refusal to record). `null`: never evaluated.
 */
export const runForSubject = async (services: AppServices, subjectArn: string): Promise<RunRecord | null> => {
  const runs = await services.ledger.listRuns({ subjectArn, limit: 100 });
  return runs.find((r) => effectiveDecision(r) === 'approve') ?? runs[0] ?? null;
};

/**
 * The run's signed record, checked for integrity without asking it to be an approval: the
 * signature verifies, and it is this run's record of this package with these artifacts.
 */
const verifySignedRecord = async (signer: Signer, run: RunRecord, pkg: ModelPackage, digest: string): Promise<string | null> => {
  const signed = signedDecisionOf(run);
  const a = signed?.attestation;
  if (!signed || !a || typeof signed.signature !== 'string' || typeof signed.keyId !== 'string') return 'the run carries no signed decision';
  let valid: boolean;
  try {
    valid = await signer.verify(attestationMessage(a), new Uint8Array(Buffer.from(signed.signature, 'base64')), signed.keyId, String(signed.algorithm));
  } catch (err) {
    if (err instanceof Error && err.name === 'InvalidInputError') return `the signed decision is malformed: ${err.message}`;
    throw err;
  }
  if (!valid)
    return `the signature does not verify with key ${signed.keyId} (${String(signed.algorithm)}): forged, altered, or signed by a key this deployment does not trust`;
  if (a.runId !== run.runId || a.decision !== run.decision)
    return `the signed decision (run ${a.runId}, ${a.decision}) does not match the run record (run ${run.runId}, ${run.decision})`;
  if (a.subjectArn !== pkg.ModelPackageArn) return `the decision is about ${a.subjectArn}, not ${pkg.ModelPackageArn}`;
  if (a.artifactsDigest !== digest) return `the artifacts changed after the decision: decided on ${a.artifactsDigest}, now ${digest}`;
  return null;
};

const approvalBasis = async (
  services: AppServices,
  run: RunRecord,
  pkg: ModelPackage,
  policy: LoadedPolicy,
): Promise<{ approval: PromotionApproval } | { reason: string }> => {
  const digest = artifactsDigest(pkg);
  const signer = services.signer;
  const standing = effectiveDecision(run);
  const approvers = policy.doc.decision?.approvers ?? [];

  if (standing === 'approve' && !run.override) {
    if (!signer) return { reason: 'no decision signer is configured, so the approve decision cannot be verified' };
    const signed = signedDecisionOf(run);
    if (signed && signed.attestation?.runId !== run.runId)
      return { reason: `the signed decision belongs to run ${signed.attestation?.runId}, not ${run.runId}` };
    const verdict = await verifyDecision(signer, signed, { subjectArn: pkg.ModelPackageArn, artifactsDigest: digest });
    if (!verdict.ok) return { reason: verdict.reason };
    return {
      approval: {
        basis: 'signed-decision',
        keyId: signed!.keyId,
        at: run.finishedAt,
        artifactsDigest: digest,
        note: `modelgate approved in run ${run.runId}; signature verified with ${signed!.keyId}`,
      },
    };
  }
  if (standing === 'approve' && run.override) {
    const o = run.override;
    if (!approvers.some((a) => same(a, o.by))) {
      return {
        reason: `the override to approve was made by ${o.by}, who is not an approver of policy "${policy.doc.metadata.name}" (approvers: ${approvers.join(', ') || 'none'})`,
      };
    }
    if (run.registeredBy.some((r) => same(r, o.by))) return { reason: `the override to approve was made by ${o.by}, who registered the model` };
    if (!signer) return { reason: 'no decision signer is configured, so the run record cannot be verified' };
    const problem = await verifySignedRecord(signer, run, pkg, digest);
    if (problem) return { reason: problem };
    return {
      approval: {
        basis: 'override',
        by: o.by,
        at: o.at,
        keyId: signedDecisionOf(run)!.keyId,
        artifactsDigest: digest,
        note: `override to approve by ${o.by} on ${o.at}: "${o.reason}"`,
      },
    };
  }
  if (standing === 'reject') {
    const who = run.override ? ` (override by ${run.override.by})` : '';
    return {
      reason: `run ${run.runId} rejected this version${who}; a registry approval by hand does not override a rejection (an approver can use modelgate override)`,
    };
  }
  // needs_review (or a run without an approve): only a hand approval, and only where the policy allows it.
  if (pkg.ModelApprovalStatus !== 'Approved') {
    return { reason: `run ${run.runId} did not approve this version (${standing}), and it is not Approved in the registry either` };
  }
  const actor = actorOf(pkg.LastModifiedBy);
  if (policy.doc.decision?.allowManualApproval !== true) {
    return {
      reason: `the version was set to Approved by hand${actor ? ` by ${actor}` : ''} without a modelgate approve decision (run ${run.runId}: ${standing}), and policy "${policy.doc.metadata.name}" does not set allowManualApproval: true`,
    };
  }
  if (!actor)
    return {
      reason:
        'the version was set to Approved by hand, but the registry does not say by whom (LastModifiedBy); a hand approval is promoted only when its actor is known',
    };
  if (run.registeredBy.some((r) => same(r, actor))) return { reason: `the version was set to Approved by ${actor}, who registered the model` };
  return {
    approval: {
      basis: 'manual-approval',
      by: actor,
      ...(pkg.LastModifiedTime ? { at: pkg.LastModifiedTime } : {}),
      artifactsDigest: digest,
      note: `set to Approved by hand by ${actor}; policy "${policy.doc.metadata.name}" allows manual approval`,
    },
  };
};

/**
 * Verifies that `which` may be promoted. Never throws for a refusal (it is `ok: false` with the
 * reason); throws NotFoundError for an unknown run id, and whatever a port throws when transient.
 */
export const verifyPromotion = async (services: AppServices, which: PromotionSubject): Promise<Verification> => {
  let run: RunRecord | null;
  if (which.runId !== undefined) {
    // A string that is no run id is not asked of the ledger (which refuses keys over 2 KB).
    run = isRunId(which.runId) ? await services.ledger.getRun(which.runId) : null;
    if (!run) throw new NotFoundError('run', truncateText(which.runId, 64));
  } else {
    run = await runForSubject(services, which.subjectArn);
    if (!run)
      return {
        ok: false,
        reason: `modelgate has no run for ${which.subjectArn}: it was never evaluated, so there is no decision to promote`,
        run: null,
        pkg: null,
        policy: null,
      };
  }
  const refuse = (reason: string, pkg: ModelPackage | null = null, policy: LoadedPolicy | null = null): Verification => ({
    ok: false,
    reason,
    run,
    pkg,
    policy,
  });

  let pkg: ModelPackage;
  try {
    pkg = await services.registry.describe(run.subject.arn);
  } catch (err) {
    if (err instanceof NotFoundError) return refuse(`the model package ${run.subject.arn} is no longer in the registry`);
    throw err;
  }
  if (!run.policy) return refuse('no policy governs this run, so it names no promotion stages', pkg);
  const policy = (await services.policies.load()).find((p) => p.doc.metadata.name === run.policy!.name) ?? null;
  if (!policy) return refuse(`policy "${run.policy.name}" is no longer configured`, pkg);
  if (!policy.doc.promotion) return refuse(`policy "${policy.doc.metadata.name}" has no promotion block: nothing says where to promote`, pkg, policy);
  const basis = await approvalBasis(services, run, pkg, policy);
  if ('reason' in basis) return refuse(basis.reason, pkg, policy);
  // A human who sets the version back to Rejected (or pending) in the registry stops its promotion.
  if (pkg.ModelApprovalStatus !== 'Approved') {
    return refuse(`the model package is ${pkg.ModelApprovalStatus ?? 'without an approval status'} in the registry, not Approved`, pkg, policy);
  }
  return { ok: true, run, pkg, policy, approval: basis.approval };
};

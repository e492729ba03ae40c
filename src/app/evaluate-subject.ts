/**
 * evaluateSubject: one gate run for one model version — policy, evidence, checks, decision,
 * ledger — then the actions (registry status, events, notification) when asked to apply.
 * The Lambda handler, the CLI and the local stack all call this one function.
 */
import type { CheckInput, CheckResult, CheckSubject } from '../core/check.js';
import { decide } from '../core/decide.js';
import { runChecks, type CheckInvocation } from '../core/engine.js';
import { evidenceRefsOf, type EvidenceRef } from '../core/evidence.js';
import { InvalidInputError, PolicyError } from '../core/errors.js';
import { registrantIdentities, type ModelPackage } from '../core/model-package.js';
import { selectPolicy } from '../core/policy/match.js';
import { attestationOf, signDecision } from '../core/promotion/attestation.js';
import { entryIdOf, type LoadedPolicy } from '../core/policy/types.js';
import { dedupeKey, newRunId } from '../core/run-id.js';
import type { RunRecord } from '../core/run.js';
import { parseModelPackageArn, type Subject } from '../core/subject.js';
import { actOnRun } from './act-on-run.js';
import { openEvidenceSet } from './evidence-reader.js';
import type { AppServices } from './services.js';

/** How long a claimed evaluation may stay unfinished before another invocation may take it over. */
export const CLAIM_LEASE_MS = 15 * 60 * 1000;

export interface EvaluateRequest {
  /** The model package when the caller has it (a DescribeModelPackage file); else `arn` is described. */
  modelPackage?: ModelPackage;
  arn?: string;
  /** Evidence that adds to or replaces the package's own (`--evidence name=uri`). */
  evidence?: EvidenceRef[];
  /** The champion; `undefined` = the newest Approved version of the group, from the registry. */
  champion?: ModelPackage | null;
  /** Policies to choose from instead of the configured source (`--policy`, `--policies`). */
  policies?: LoadedPolicy[];
  /** Write the registry status, publish events and notify. */
  apply: boolean;
  /** One run per subject and policy digest: a repeat returns the first run (event delivery). */
  dedupe: boolean;
  trigger: RunRecord['trigger'];
}

export type EvaluateOutcome =
  | { status: 'decided'; run: RunRecord; duplicate: boolean }
  /** Another invocation holds the claim and has not finished: nothing to do here. */
  | { status: 'in_progress'; runId: string };

/** The Subject of a SageMaker model package. */
export const subjectOfPackage = (pkg: ModelPackage): Subject => {
  const parsed = parseModelPackageArn(pkg.ModelPackageArn);
  if (!parsed) {
    throw new InvalidInputError(
      `"${pkg.ModelPackageArn}" is not a versioned model package ARN`,
      'ModelPackageArn',
      'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>',
    );
  }
  if (parsed.group !== pkg.ModelPackageGroupName || parsed.version !== String(pkg.ModelPackageVersion)) {
    throw new InvalidInputError(
      `ARN names ${parsed.group}/${parsed.version} but the package says ${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}`,
      'ModelPackageArn',
      'ModelPackageGroupName and ModelPackageVersion to match the ARN',
    );
  }
  const tags = Object.fromEntries((pkg.Tags ?? []).map((t) => [t.Key, t.Value]));
  return {
    kind: 'sagemaker-model-package',
    arn: pkg.ModelPackageArn,
    group: parsed.group,
    version: parsed.version,
    account: parsed.account,
    region: parsed.region,
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
};

type PolicyChoice = { policy: LoadedPolicy; problem?: undefined } | { policy: null; problem: string };

const choosePolicy = async (services: AppServices, req: EvaluateRequest, subject: Subject): Promise<PolicyChoice> => {
  const policies = req.policies ?? (await services.policies.load());
  try {
    const chosen = selectPolicy(policies, subject);
    return chosen.policy ? { policy: chosen.policy } : { policy: null, problem: chosen.reason };
  } catch (err) {
    if (err instanceof PolicyError) return { policy: null, problem: `policy configuration error: ${err.message}` };
    throw err;
  }
};

const invocationsOf = (services: AppServices, policy: LoadedPolicy): CheckInvocation[] =>
  policy.doc.checks.map((entry, i) => {
    const definition = services.checks.get(entry.use);
    const base: CheckInvocation = {
      id: entryIdOf(entry),
      use: entry.use,
      severity: entry.severity ?? 'blocking',
      ...(entry.timeoutSeconds !== undefined ? { timeoutMs: entry.timeoutSeconds * 1000 } : {}),
    };
    if (!definition) return base;
    const { config, problems } = services.checks.resolveConfig(entry.use, entry.with, `${policy.file} at /checks/${i}/with`);
    return { ...base, definition, config, configProblems: problems };
  });

const checkSubject = (services: AppServices, pkg: ModelPackage, subject: Subject, signal: AbortSignal, overrides: EvidenceRef[] = []): CheckSubject => ({
  subject,
  modelPackage: pkg,
  evidence: openEvidenceSet(evidenceRefsOf(pkg, overrides), services.artifacts, { ...services.evidenceLimits, signal }),
});

/** Runs the checks, decides, signs and writes the run record (the part a failure leaves undone). */
const decideAndRecord = async (
  services: AppServices,
  req: EvaluateRequest,
  ctx: { pkg: ModelPackage; subject: Subject; choice: PolicyChoice; runId: string; startedAt: Date },
): Promise<RunRecord> => {
  const { ledger, clock, logger } = services;
  const { pkg, subject, choice, runId, startedAt } = ctx;

  let results: CheckResult[] = [];
  let championRef: RunRecord['champion'] = null;
  let decision: ReturnType<typeof decide>;
  if (choice.policy) {
    const champion = req.champion !== undefined ? req.champion : await services.registry.findChampion(subject.group, subject.arn);
    championRef = champion ? { arn: champion.ModelPackageArn, version: String(champion.ModelPackageVersion) } : null;
    const championSubject = champion ? subjectOfPackage(champion) : null;
    // Each check gets its own evidence handles, bound to its abort signal: a timed-out check stops reading.
    const inputFor = (signal: AbortSignal): CheckInput => ({
      ...checkSubject(services, pkg, subject, signal, req.evidence),
      champion: champion && championSubject ? checkSubject(services, champion, championSubject, signal) : null,
    });
    results = await runChecks(invocationsOf(services, choice.policy), inputFor, {
      concurrency: services.engine.concurrency,
      defaultTimeoutMs: services.engine.defaultTimeoutMs,
      logger,
      now: () => clock.now(),
    });
    decision = decide({ results, waivers: choice.policy.doc.waivers ?? [], subject, now: startedAt });
  } else {
    // Fail closed: no governing policy is never an approval.
    decision = { decision: 'needs_review', reasons: [choice.problem], waivers: { applied: [], expired: [] } };
  }

  const decided: RunRecord = {
    runId,
    subject,
    policy: choice.policy
      ? { name: choice.policy.doc.metadata.name, version: choice.policy.doc.metadata.version, digest: choice.policy.digest, file: choice.policy.file }
      : null,
    decision: decision.decision,
    reasons: decision.reasons,
    checks: results,
    champion: championRef,
    registeredBy: registrantIdentities(pkg),
    evidence: evidenceRefsOf(pkg, req.evidence),
    waivers: decision.waivers,
    trigger: req.trigger,
    startedAt: startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    serviceVersion: services.serviceVersion,
  };
  // Signed before it is written, so the record is written once and never without its signature.
  const run: RunRecord = services.signer ? { ...decided, attestation: await signDecision(services.signer, attestationOf(decided, pkg)) } : decided;
  // The run's first audit entries are written with the record, in one ledger write.
  await ledger.putRun(run, [
    { runId, at: run.startedAt, actor: 'modelgate', action: 'run.started', detail: { subject: subject.arn, trigger: req.trigger } },
    { runId, at: run.finishedAt, actor: 'modelgate', action: 'run.decided', detail: { decision: run.decision, reasons: run.reasons } },
  ]);
  return run;
};

/** Runs the gate for one model version. */
export const evaluateSubject = async (services: AppServices, req: EvaluateRequest): Promise<EvaluateOutcome> => {
  const { ledger, clock, logger } = services;
  const pkg = req.modelPackage ?? (req.arn ? await services.registry.describe(req.arn) : undefined);
  if (!pkg) throw new InvalidInputError('no model package given', 'request', 'a model package or its ARN');
  const subject = subjectOfPackage(pkg);
  const choice = await choosePolicy(services, req, subject);

  const startedAt = clock.now();
  const runId = newRunId(startedAt);
  const claimKey = req.dedupe ? dedupeKey(subject.arn, choice.policy?.digest ?? null) : null;
  if (claimKey !== null) {
    const claim = await ledger.claimRun(claimKey, runId, startedAt, CLAIM_LEASE_MS);
    if (claim.status === 'exists') {
      if (!claim.complete) {
        logger.info('evaluation already in progress', { subject: subject.arn, runId: claim.runId });
        return { status: 'in_progress', runId: claim.runId };
      }
      const existing = await ledger.getRun(claim.runId);
      if (!existing) throw new Error(`ledger claim points at run ${claim.runId}, which is not in the ledger`);
      logger.info('duplicate evaluation: returning the first run', { subject: subject.arn, runId: existing.runId });
      // A retried invocation finishes the actions an earlier one did not get to.
      if (req.apply) await actOnRun(services, existing);
      return { status: 'decided', run: existing, duplicate: true };
    }
  }
  let run: RunRecord;
  try {
    run = await decideAndRecord(services, req, { pkg, subject, choice, runId, startedAt });
  } catch (err) {
    // Nothing was decided: let the platform's retry claim again at once instead of waiting out the lease.
    if (claimKey !== null)
      await ledger
        .releaseClaim(claimKey, runId)
        .catch((releaseErr: unknown) => logger.warn('could not release the evaluation claim', { runId, error: String(releaseErr) }));
    throw err;
  }
  for (const r of run.checks) logger.info('check result', { runId, check: r.id, status: r.status, severity: r.severity });
  logger.info('decision', { runId, subject: subject.arn, decision: run.decision, policy: run.policy?.name ?? null });
  if (req.apply) await actOnRun(services, run, { justRecorded: true });
  return { status: 'decided', run, duplicate: false };
};

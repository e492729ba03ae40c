/**
 * The live half of `modelgate doctor cross-account`: with the caller's credentials, test what can
 * be tested from outside — assume each target role with its ExternalId (and make sure it refuses
 * a caller without one), and read the registry account's bucket policies when the caller is in
 * that account — and say exactly what is missing.
 *
 * Bucket policies are read with the caller's own credentials, not from inside an assumed target
 * session: S3 returns a bucket policy only to identities of the bucket owner's account, and the
 * target roles live in the hosting accounts.
 */
import type { LoadedPolicy } from '../../core/policy/types.js';
import { assumedRoles, type AccessDocument, type IamPolicy } from '../../core/promotion/cross-account.js';
import { missingGrants } from './statement-coverage.js';

export interface CallerIdentity {
  account: string;
  /** `arn:aws:sts::123456789012:assumed-role/Name/session`, `arn:aws:iam::123456789012:user/x`, ... */
  arn: string;
}

/** A session obtained by AssumeRole. The credentials stay inside the adapter: nothing here may print them. */
export interface AssumedSession {
  roleArn: string;
  /** The assumed-role ARN STS returned. */
  sessionArn: string;
  expiresAt?: string;
}

/** What an AWS call gave: a value, or the service's error code and message (never thrown for AWS errors). */
export type ProbeResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** The port the doctor probes through (STS and S3 on AWS; a fake in tests). */
export interface CrossAccountProbe {
  /** STS GetCallerIdentity. */
  whoAmI(): Promise<ProbeResult<CallerIdentity>>;
  /** STS AssumeRole; `externalId` undefined sends none (to prove the trust policy requires one). */
  tryAssume(roleArn: string, externalId: string | undefined, sessionName: string): Promise<ProbeResult<AssumedSession>>;
  /** S3 GetBucketPolicy with the caller's credentials: the policy JSON, or null when the bucket has none. */
  getBucketPolicy(bucket: string): Promise<ProbeResult<string | null>>;
}

export type ProbeStatus = 'passed' | 'failed' | 'skipped';

export interface ProbeCheck {
  /** The target ids the check covers (`staging[0] sagemaker-endpoint`), or `caller`. */
  target: string;
  /** `assume-role`, `external-id-required`, `bucket-policy`, `credentials`. */
  check: string;
  status: ProbeStatus;
  message: string;
}

export interface ProbeReport {
  caller: CallerIdentity | null;
  checks: ProbeCheck[];
  notes: string[];
  /** True when no check failed (skipped checks do not fail the probe). */
  passed: boolean;
}

export interface ProbeOptions {
  /** modelgate's Lambda role: when the caller is someone else, the report says what that means. */
  modelgateRoleArn?: string;
  /** STS RoleSessionName (2–64 of `[\w+=,.@-]`). */
  sessionName?: string;
}

/** `arn:aws:sts::A:assumed-role/Name/s` and `arn:aws:iam::A:role/path/Name` → `A/Name`, to compare roles. */
const roleKey = (arn: string): string | undefined => {
  const m = /^arn:[^:]+:(?:sts|iam)::(\d{12}):(?:assumed-role\/([^/]+)\/.*|role\/(?:.*\/)?([^/]+))$/.exec(arn);
  return m ? `${m[1]}/${m[2] ?? m[3]}` : undefined;
};

const assumeFailure = (role: string, caller: string, externalId: string, code: string, message: string): string => {
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return `the trust policy of ${role} does not allow ${caller} with ExternalId ${externalId}, or ${caller}'s own policy lacks sts:AssumeRole on ${role} (STS: ${message})`;
  }
  if (code === 'RegionDisabledException') return `STS is not activated in this Region for ${role}'s account (STS: ${message})`;
  if (code === 'CredentialsProviderError' || code === 'ExpiredToken' || code === 'ExpiredTokenException')
    return `the caller's credentials are missing or expired (${code}: ${message})`;
  return `AssumeRole on ${role} failed: ${code}: ${message}`;
};

/** The S3 bucket a bucket-policy document is about (from its resources), unless it is still a placeholder. */
const bucketOf = (doc: AccessDocument): string | undefined => {
  const statements = (doc.document as IamPolicy).Statement ?? [];
  for (const s of statements) {
    for (const r of typeof s.Resource === 'string' ? [s.Resource] : (s.Resource ?? [])) {
      const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(r)?.[1];
      if (bucket !== undefined) return bucket.includes('<') ? undefined : bucket;
    }
  }
  return undefined;
};

const assumeChecks = async (policy: LoadedPolicy, probe: CrossAccountProbe, caller: CallerIdentity, sessionName: string): Promise<ProbeCheck[]> => {
  const checks: ProbeCheck[] = [];
  for (const { roleArn: role, externalIds, targets, targetsByExternalId } of assumedRoles(policy)) {
    const target = targets.join(', ');
    let admitted = false;
    for (const externalId of externalIds) {
      const users = (targetsByExternalId[externalId] ?? targets).join(', ');
      const assumed = await probe.tryAssume(role, externalId, sessionName);
      if (assumed.ok) {
        admitted = true;
        checks.push({ target: users, check: 'assume-role', status: 'passed', message: `${caller.arn} assumed ${role} with ExternalId ${externalId}` });
      } else {
        checks.push({
          target: users,
          check: 'assume-role',
          status: 'failed',
          message: assumeFailure(role, caller.arn, externalId, assumed.code, assumed.message),
        });
      }
    }
    // Without a way in, a refusal without the ExternalId would prove nothing.
    if (!admitted) continue;
    // A trust policy that lets the caller in without the ExternalId is open to the confused deputy.
    const bare = await probe.tryAssume(role, undefined, sessionName);
    if (bare.ok) {
      checks.push({
        target,
        check: 'external-id-required',
        status: 'failed',
        message: `the trust policy of ${role} does not require an ExternalId: ${caller.arn} assumed it without one (add Condition StringEquals sts:ExternalId)`,
      });
    } else if (bare.code === 'AccessDenied' || bare.code === 'AccessDeniedException') {
      checks.push({ target, check: 'external-id-required', status: 'passed', message: `${role} refuses ${caller.arn} without an ExternalId` });
    } else {
      checks.push({
        target,
        check: 'external-id-required',
        status: 'skipped',
        message: `could not tell whether ${role} requires an ExternalId: ${bare.code}: ${bare.message}`,
      });
    }
  }
  return checks;
};

const bucketChecks = async (documents: AccessDocument[], probe: CrossAccountProbe, caller: CallerIdentity): Promise<ProbeCheck[]> => {
  const read = new Map<string, Promise<ProbeResult<string | null>>>();
  const checks: ProbeCheck[] = [];
  for (const doc of documents.filter((d) => d.kind === 'bucket-policy')) {
    const bucket = bucketOf(doc);
    const base = { target: doc.target, check: 'bucket-policy' };
    if (bucket === undefined) {
      checks.push({ ...base, status: 'skipped', message: "the policy does not name the bucket (see the document's unknowns)" });
      continue;
    }
    if (doc.account !== caller.account) {
      checks.push({
        ...base,
        status: 'skipped',
        message: `the policy of s3://${bucket} can be read only from its owner account ${doc.account}; the caller is in ${caller.account}`,
      });
      continue;
    }
    if (!read.has(bucket)) read.set(bucket, probe.getBucketPolicy(bucket));
    const result = await read.get(bucket)!;
    if (!result.ok) {
      // A missing bucket is a finding; a policy we may not read is only something we could not test.
      if (result.code === 'NoSuchBucket') checks.push({ ...base, status: 'failed', message: `bucket ${bucket} does not exist in ${doc.account}` });
      else {
        const hint = result.code === 'AccessDenied' ? ' (the caller needs s3:GetBucketPolicy)' : '';
        checks.push({ ...base, status: 'skipped', message: `could not read the policy of s3://${bucket}: ${result.code}: ${result.message}${hint}` });
      }
      continue;
    }
    const all = (doc.document as IamPolicy).Statement;
    // A statement whose principal is still a placeholder cannot be compared with anything real.
    const known = all.filter((st) => !JSON.stringify(st).includes('<'));
    const unknownSids = all.filter((st) => !known.includes(st)).map((st) => st.Sid);
    const aside = unknownSids.length > 0 ? ` (not compared, their principal is unknown: ${unknownSids.join(', ')})` : '';
    if (result.value === null) {
      checks.push({ ...base, status: 'failed', message: `s3://${bucket} has no bucket policy; it needs statements ${all.map((st) => st.Sid).join(', ')}` });
      continue;
    }
    if (known.length === 0) {
      checks.push({ ...base, status: 'skipped', message: `nothing to compare in the policy of s3://${bucket}${aside}` });
      continue;
    }
    const missing = missingGrants({ Version: '2012-10-17', Statement: known }, result.value);
    checks.push(
      missing.length === 0
        ? {
            ...base,
            status: 'passed',
            message: `the policy of s3://${bucket} grants ${known.map((st) => st.Sid).join(', ')} (conditions not compared)${aside}`,
          }
        : { ...base, status: 'failed', message: `the policy of s3://${bucket}: ${missing.join('; ')}${aside}` },
    );
  }
  return checks;
};

/**
 * Tests what the caller's credentials can test for a policy's promotion targets.
 *
 * @param documents - what `requiredAccess` said the policy needs (the bucket policies are compared with them)
 * @example
 * ```ts
 * const report = await probeCrossAccountAccess(policy, requiredAccess(policy, ctx), new AwsCrossAccountProbe({ sts, s3 }));
 * report.passed; // false when a role could not be assumed or a bucket policy lacks a grant
 * ```
 */
export const probeCrossAccountAccess = async (
  policy: LoadedPolicy,
  documents: AccessDocument[],
  probe: CrossAccountProbe,
  options: ProbeOptions = {},
): Promise<ProbeReport> => {
  const me = await probe.whoAmI();
  if (!me.ok) {
    const checks: ProbeCheck[] = [
      { target: 'caller', check: 'credentials', status: 'failed', message: `no usable AWS credentials (STS GetCallerIdentity: ${me.code}: ${me.message})` },
    ];
    return { caller: null, checks, notes: [], passed: false };
  }
  const caller = me.value;
  const notes: string[] = [];
  if (options.modelgateRoleArn && roleKey(options.modelgateRoleArn) !== roleKey(caller.arn)) {
    notes.push(
      `testing as ${caller.arn}, not as modelgate's role ${options.modelgateRoleArn}: the trust policies should allow modelgate's role, ` +
        'so an AccessDenied here may only mean that they (rightly) do not allow you; run the doctor as that role to test what modelgate will see',
    );
  }
  const checks = [...(await assumeChecks(policy, probe, caller, options.sessionName ?? 'modelgate-doctor')), ...(await bucketChecks(documents, probe, caller))];
  notes.push(
    'not tested from outside: key policies, ECR repository policies, model package group policies, event bus policies and the permission policies of the target roles',
  );
  return { caller, checks, notes, passed: checks.every((c) => c.status !== 'failed') };
};

/**
 * The doctor's probe on AWS: STS GetCallerIdentity and AssumeRole, S3 GetBucketPolicy. AWS errors
 * come back as values (code + message) because the doctor's job is to report them, not to stop on
 * the first; anything else (a bug) is thrown. The credentials AssumeRole returns are dropped at
 * once: the doctor only needs to know that the role could be assumed.
 */
import { GetBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AssumedSession, CallerIdentity, CrossAccountProbe, ProbeResult } from '../../app/doctor/cross-account-probe.js';
import { awsErrorCode, awsErrorMessage } from './aws-call-error.js';
import { createStsClient } from './clients.js';
import { createS3Client } from './s3-client.js';

/** The shortest session STS allows: the doctor never uses it. */
const SESSION_SECONDS = 900;

const failure = <T>(err: unknown): ProbeResult<T> => ({ ok: false, code: awsErrorCode(err), message: awsErrorMessage(err) });

/**
 * @example
 * ```ts
 * const probe = new AwsCrossAccountProbe({ sts: createStsClient(), s3: createS3Client({ followRegionRedirects: true }) });
 * await probe.tryAssume('arn:aws:iam::222222222222:role/modelgate-promoter', 'modelgate-staging', 'modelgate-doctor');
 * ```
 */
export class AwsCrossAccountProbe implements CrossAccountProbe {
  readonly #sts: STSClient;
  readonly #s3: S3Client;

  constructor(options: { sts: STSClient; s3: S3Client }) {
    this.#sts = options.sts;
    this.#s3 = options.s3;
  }

  async whoAmI(): Promise<ProbeResult<CallerIdentity>> {
    try {
      const r = await this.#sts.send(new GetCallerIdentityCommand({}));
      if (!r.Account || !r.Arn) return { ok: false, code: 'IncompleteResponse', message: 'GetCallerIdentity returned no Account or Arn' };
      return { ok: true, value: { account: r.Account, arn: r.Arn } };
    } catch (err) {
      return failure(err);
    }
  }

  async tryAssume(roleArn: string, externalId: string | undefined, sessionName: string): Promise<ProbeResult<AssumedSession>> {
    try {
      const r = await this.#sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: SESSION_SECONDS,
          ...(externalId !== undefined ? { ExternalId: externalId } : {}),
        }),
      );
      const expiresAt = r.Credentials?.Expiration?.toISOString();
      return { ok: true, value: { roleArn, sessionArn: r.AssumedRoleUser?.Arn ?? roleArn, ...(expiresAt ? { expiresAt } : {}) } };
    } catch (err) {
      return failure(err);
    }
  }

  async getBucketPolicy(bucket: string): Promise<ProbeResult<string | null>> {
    try {
      const r = await this.#s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      return { ok: true, value: r.Policy ?? null };
    } catch (err) {
      if (awsErrorCode(err) === 'NoSuchBucketPolicy') return { ok: true, value: null };
      return failure(err);
    }
  }
}

/**
 * A probe with the caller's default credentials. S3 follows region redirects because the doctor
 * does not know each bucket's Region.
 */
export const createAwsCrossAccountProbe = (env: Record<string, string | undefined> = process.env): AwsCrossAccountProbe =>
  new AwsCrossAccountProbe({ sts: createStsClient({ env }), s3: createS3Client({ followRegionRedirects: true }) });

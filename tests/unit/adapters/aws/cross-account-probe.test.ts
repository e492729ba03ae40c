/**
 * AwsCrossAccountProbe at the SDK boundary: STS GetCallerIdentity / AssumeRole and S3
 * GetBucketPolicy, with response and error shapes from the API references. AWS errors come back as
 * values; the temporary credentials never leave the adapter.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { GetBucketPolicyCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCrossAccountProbe } from '../../../../src/adapters/aws/cross-account-probe.js';

const ROLE = 'arn:aws:iam::222222222222:role/modelgate-promoter';
const CALLER = 'arn:aws:sts::444444444444:assumed-role/modelgate-service/doctor';

const stsError = (name: string, message: string, status: number) =>
  new STSServiceException({ name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' } });
const s3Error = (name: string, message: string, status: number) =>
  new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'req-2' } });

const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const probe = () => new AwsCrossAccountProbe({ sts: new STSClient({ region: 'eu-west-1' }), s3: new S3Client({ region: 'eu-west-1' }) });

beforeEach(() => {
  sts.reset();
  s3.reset();
});

describe('AwsCrossAccountProbe.whoAmI', () => {
  it('returns the account and ARN of GetCallerIdentity', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ UserId: 'AROAEXAMPLE:doctor', Account: '444444444444', Arn: CALLER });
    // Act
    const r = await probe().whoAmI();
    // Assess
    expect(r).toEqual({ ok: true, value: { account: '444444444444', arn: CALLER } });
  });

  it('reports expired credentials as a value with the service code', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).rejects(stsError('ExpiredToken', 'The security token included in the request is expired', 403));
    // Act
    const r = await probe().whoAmI();
    // Assess
    expect(r).toEqual({ ok: false, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });
});

describe('AwsCrossAccountProbe.tryAssume', () => {
  it('sends the role, the session name, the ExternalId and the shortest duration; keeps the credentials to itself', async () => {
    // Prepare
    const expiration = new Date('2026-11-22T10:15:00Z');
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'SECRET-KEY-MATERIAL', SessionToken: 'SESSION-TOKEN', Expiration: expiration },
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:modelgate-doctor', Arn: 'arn:aws:sts::222222222222:assumed-role/modelgate-promoter/modelgate-doctor' },
      PackedPolicySize: 0,
    });
    // Act
    const r = await probe().tryAssume(ROLE, 'modelgate-staging', 'modelgate-doctor');
    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'modelgate-doctor',
      ExternalId: 'modelgate-staging',
      DurationSeconds: 900,
    });
    expect(r).toEqual({
      ok: true,
      value: { roleArn: ROLE, sessionArn: 'arn:aws:sts::222222222222:assumed-role/modelgate-promoter/modelgate-doctor', expiresAt: '2026-11-22T10:15:00.000Z' },
    });
    expect(JSON.stringify(r)).not.toMatch(/SECRET|SESSION-TOKEN|ASIAEXAMPLE/);
  });

  it('sends no ExternalId at all when asked to try without one', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`, 403));
    // Act
    const r = await probe().tryAssume(ROLE, undefined, 'modelgate-doctor');
    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).not.toHaveProperty('ExternalId');
    expect(r).toEqual({ ok: false, code: 'AccessDenied', message: `User: ${CALLER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}` });
  });

  it('reports a disabled STS Region and a throttled call with their codes', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(stsError('RegionDisabledException', 'STS is not activated in this region for account:222222222222', 403))
      .rejectsOnce(stsError('Throttling', 'Rate exceeded', 400));
    const p = probe();
    // Act
    const first = await p.tryAssume(ROLE, 'x-1', 's');
    const second = await p.tryAssume(ROLE, 'x-1', 's');
    // Assess
    expect(first).toMatchObject({ ok: false, code: 'RegionDisabledException' });
    expect(second).toMatchObject({ ok: false, code: 'Throttling', message: 'Rate exceeded' });
  });
});

describe('AwsCrossAccountProbe.getBucketPolicy', () => {
  it('returns the policy JSON text', async () => {
    // Prepare
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    s3.on(GetBucketPolicyCommand, { Bucket: 'ml-artifacts-111111111111' }).resolves({ Policy: policy });
    // Act
    const r = await probe().getBucketPolicy('ml-artifacts-111111111111');
    // Assess
    expect(r).toEqual({ ok: true, value: policy });
  });

  it('returns null for a bucket without a policy (NoSuchBucketPolicy)', async () => {
    // Prepare
    s3.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404));
    // Act
    const r = await probe().getBucketPolicy('ml-artifacts-111111111111');
    // Assess
    expect(r).toEqual({ ok: true, value: null });
  });

  it('reports AccessDenied and NoSuchBucket as values', async () => {
    // Prepare
    s3.on(GetBucketPolicyCommand, { Bucket: 'denied' }).rejects(s3Error('AccessDenied', 'Access Denied', 403));
    s3.on(GetBucketPolicyCommand, { Bucket: 'missing' }).rejects(s3Error('NoSuchBucket', 'The specified bucket does not exist', 404));
    const p = probe();
    // Act
    const denied = await p.getBucketPolicy('denied');
    const missing = await p.getBucketPolicy('missing');
    // Assess
    expect(denied).toEqual({ ok: false, code: 'AccessDenied', message: 'Access Denied' });
    expect(missing).toEqual({ ok: false, code: 'NoSuchBucket', message: 'The specified bucket does not exist' });
  });
});

import { beforeEach, describe, expect, it } from '@jest/globals';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidInputError, RefusedError } from '../../../../../src/core/errors.js';
import { AwsCallError } from '../../../../../src/adapters/aws/aws-call-error.js';
import { StsRoleAssumer, allowListProblems, roleGlob, sessionNameFor } from '../../../../../src/adapters/aws/targets/role-assumer.js';
import { createClientsFor } from '../../../../../src/adapters/aws/targets/target-clients.js';
import { ALLOW_LIST, HOST, HOST_ROLE, RUN_ID, hostTarget, sdkError, stsResponse } from './fixtures.js';

const sts = mockClient(STSClient);
const assumerAt = (nowMs: number) => new StsRoleAssumer({ client: new STSClient({ region: 'eu-west-1' }), allowList: ALLOW_LIST, now: () => nowMs });
const T0 = Date.parse('2026-11-22T10:00:00Z');

beforeEach(() => {
  sts.reset();
  sts.on(AssumeRoleCommand).resolves(stsResponse(new Date(T0 + 3600_000)));
});

describe('StsRoleAssumer refusals (no STS call)', () => {
  it.each([
    [
      'an account not on the allow-list',
      { account: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/modelgate-promoter' },
      /account 333333333333 is not on the promotion allow-list/,
    ],
    ['a role matching no allow-listed glob', { roleArn: `arn:aws:iam::${HOST}:role/admin` }, /matches none of the allow-listed roles/],
    [
      'a role in another account than the target',
      { roleArn: 'arn:aws:iam::111111111111:role/modelgate-promoter' },
      /is in account 111111111111, not in the target's account 222222222222/,
    ],
    ['a missing ExternalId', { externalId: undefined }, /externalId is missing or empty/],
    ['an empty ExternalId', { externalId: '   ' }, /externalId is missing or empty/],
    ['something that is not a role ARN', { roleArn: `arn:aws:iam::${HOST}:user/bob` }, /is not an IAM role ARN/],
  ])('refuses %s', async (_label, override, message) => {
    // Prepare
    const target = { ...hostTarget('sagemaker-endpoint'), ...override } as ReturnType<typeof hostTarget>;

    // Act
    const attempt = assumerAt(T0).assume(target, sessionNameFor(RUN_ID));

    // Assess
    await expect(attempt).rejects.toThrow(RefusedError);
    await expect(attempt).rejects.toThrow(message);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('refuses before creating clients, so clientsFor makes no SDK call either', async () => {
    // Prepare
    const sagemaker = mockClient(SageMakerClient);
    const clientsFor = createClientsFor(assumerAt(T0), { env: {} });

    // Act
    const attempt = clientsFor(hostTarget('sagemaker-endpoint', { externalId: '' }), sessionNameFor(RUN_ID));

    // Assess
    await expect(attempt).rejects.toThrow(RefusedError);
    expect(sts.calls()).toHaveLength(0);
    expect(sagemaker.calls()).toHaveLength(0);
    sagemaker.restore();
  });

  it('allows any role of an allowed account when no role globs are configured', () => {
    // Act
    const problems = allowListProblems({ accounts: [HOST], roles: [] }, hostTarget('x', { roleArn: `arn:aws:iam::${HOST}:role/path/anything` }));

    // Assess
    expect(problems).toEqual([]);
  });
});

describe('StsRoleAssumer.assume', () => {
  it('assumes with the ExternalId, a session named after the run and at most one hour', async () => {
    // Act
    const creds = await assumerAt(T0).assume(hostTarget('sagemaker-endpoint'), sessionNameFor(RUN_ID));

    // Assess
    expect(creds).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: HOST_ROLE,
      RoleSessionName: `modelgate-${RUN_ID}`,
      ExternalId: 'modelgate-staging',
      DurationSeconds: 3600,
    });
  });

  it('reuses credentials until they near expiry, then assumes again', async () => {
    // Prepare
    const target = hostTarget('sagemaker-endpoint');
    const session = sessionNameFor(RUN_ID);
    const early = assumerAt(T0);

    // Act
    await Promise.all([early.assume(target, session), early.assume(target, session)]);
    await early.assume(target, session);

    // Assess: concurrent and later callers share one call
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    // Prepare: the same cache, 4 minutes before expiry (inside the 5-minute margin)
    let now = T0;
    const clocked = new StsRoleAssumer({ client: new STSClient({ region: 'eu-west-1' }), allowList: ALLOW_LIST, now: () => now });
    await clocked.assume(target, session);
    now = T0 + 56 * 60_000;

    // Act
    await clocked.assume(target, session);

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it('does not cache a failure, and reports AccessDenied as a terminal AwsCallError', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(sdkError(STSServiceException, 'AccessDenied', 'not authorized to perform sts:AssumeRole', 403))
      .resolves(stsResponse());
    const assumer = assumerAt(T0);

    // Act
    const first = assumer.assume(hostTarget('sagemaker-endpoint'), sessionNameFor(RUN_ID));

    // Assess
    await expect(first).rejects.toThrow(AwsCallError);
    await expect(first).rejects.toMatchObject({ code: 'AccessDenied', retryable: false });
    await expect(assumer.assume(hostTarget('sagemaker-endpoint'), sessionNameFor(RUN_ID))).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE' });
  });

  it('refuses a session name STS would reject and a session longer than role chaining allows', async () => {
    // Act / Assess
    await expect(assumerAt(T0).assume(hostTarget('x'), 'bad name with spaces')).rejects.toThrow(InvalidInputError);
    expect(() => new StsRoleAssumer({ client: new STSClient({}), allowList: ALLOW_LIST, durationSeconds: 7200 })).toThrow(/900 to 3600/);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('sessionNameFor and roleGlob', () => {
  it('names the session after the run within 64 characters of the allowed set', () => {
    // Act
    const name = sessionNameFor(`run/${'x'.repeat(100)} ü`);

    // Assess
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(name.startsWith('modelgate-run-')).toBe(true);
  });

  it('matches * across path segments and ? as one character, anchored', () => {
    // Assess
    expect(roleGlob('arn:aws:iam::*:role/modelgate-*').test('arn:aws:iam::222222222222:role/modelgate-promoter')).toBe(true);
    expect(roleGlob('arn:aws:iam::*:role/modelgate-?').test('arn:aws:iam::222222222222:role/modelgate-ab')).toBe(false);
    expect(roleGlob('arn:aws:iam::222222222222:role/x').test('arn:aws:iam::222222222222:role/x-admin')).toBe(false);
  });
});

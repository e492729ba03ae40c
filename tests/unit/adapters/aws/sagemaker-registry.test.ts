import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { InvalidInputError, NotFoundError } from '../../../../src/core/errors.js';
import { AwsCallError } from '../../../../src/adapters/aws/aws-call-error.js';
import {
  APPROVAL_DESCRIPTION_MAX,
  APPROVAL_TRUNCATION_MARKER,
  SageMakerRegistry,
  modelPackageGroupArn,
  truncateApprovalDescription,
} from '../../../../src/adapters/aws/sagemaker-registry.js';

const REGION_ACCOUNT = 'eu-west-1:111111111111';
const arnOf = (group: string, version: number): string => `arn:aws:sagemaker:${REGION_ACCOUNT}:model-package/${group}/${version}`;
const CANDIDATE = arnOf('credit-risk', 12);

const sdkError = (name: string, message: string, status: number, extra: Record<string, unknown> = {}): SageMakerServiceException =>
  Object.assign(
    new SageMakerServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' }, message }),
    extra,
  );

/** DescribeModelPackage as the API reference shows it, for a version registered by a pipeline. */
const describeOutput = (group: string, version: number, extra: Partial<DescribeModelPackageCommandOutput> = {}): DescribeModelPackageCommandOutput => ({
  $metadata: { httpStatusCode: 200, requestId: 'req-describe' },
  ModelPackageName: group,
  ModelPackageGroupName: group,
  ModelPackageVersion: version,
  ModelPackageArn: arnOf(group, version),
  ModelPackageDescription: 'xgboost credit scoring',
  CreationTime: new Date('2026-11-20T08:15:30.123Z'),
  LastModifiedTime: new Date('2026-11-21T09:00:00.000Z'),
  ModelPackageStatus: 'Completed',
  ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
  ModelApprovalStatus: 'PendingManualApproval',
  CreatedBy: {
    UserProfileArn: 'arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-abc/alice',
    UserProfileName: 'alice',
    DomainId: 'd-abc',
    IamIdentity: { Arn: 'arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker', PrincipalId: 'AROAEXAMPLE:SageMaker' },
  },
  LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker' } },
  ModelMetrics: {
    ModelQuality: {
      Statistics: { ContentType: 'application/json', S3Uri: 's3://ml-reports/credit-risk/12/evaluation.json', ContentDigest: `sha256:${'a'.repeat(64)}` },
    },
    Bias: { PostTrainingReport: { ContentType: 'application/json', S3Uri: 's3://clarify/credit-risk/12/analysis.json' } },
  },
  CustomerMetadataProperties: { 'modelgate:evidence:predictions': 's3://ml-data/credit-risk/12/predictions.csv' },
  InferenceSpecification: {
    Containers: [{ Image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7', ModelDataUrl: 's3://ml-models/credit-risk/12/model.tar.gz' }],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
  },
  Domain: 'MACHINE_LEARNING',
  ...extra,
});

const summary = (
  group: string,
  version: number,
  status: 'Approved' | 'PendingManualApproval' = 'Approved',
  packageStatus: 'Completed' | 'Deleting' | 'Failed' = 'Completed',
) => ({
  ModelPackageGroupName: group,
  ModelPackageVersion: version,
  ModelPackageArn: arnOf(group, version),
  CreationTime: new Date(Date.UTC(2026, 10, version)),
  ModelPackageStatus: packageStatus,
  ModelApprovalStatus: status,
});

const sagemaker = mockClient(SageMakerClient);

beforeEach(() => {
  sagemaker.reset();
});

describe('SageMakerRegistry.describe', () => {
  it('maps DescribeModelPackage, and ListTags of its group, onto the ModelPackage, dates as ISO strings', async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: CANDIDATE }).resolves(describeOutput('credit-risk', 12));
    sagemaker
      .on(ListTagsCommand)
      .resolvesOnce({ Tags: [{ Key: 'team', Value: 'risk' }], NextToken: 't2' })
      .resolvesOnce({ Tags: [{ Key: 'modelgate:policy', Value: 'credit' }] });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const pkg = await registry.describe(CANDIDATE);

    // Assess
    expect(pkg).toMatchObject({
      ModelPackageArn: CANDIDATE,
      ModelPackageGroupName: 'credit-risk',
      ModelPackageVersion: 12,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelPackageStatus: 'Completed',
      CreationTime: '2026-11-20T08:15:30.123Z',
      LastModifiedTime: '2026-11-21T09:00:00.000Z',
      CreatedBy: {
        UserProfileName: 'alice',
        IamIdentity: { Arn: 'arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker', PrincipalId: 'AROAEXAMPLE:SageMaker' },
      },
      LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker' } },
      ModelMetrics: {
        ModelQuality: { Statistics: { S3Uri: 's3://ml-reports/credit-risk/12/evaluation.json', ContentDigest: `sha256:${'a'.repeat(64)}` } },
        Bias: { PostTrainingReport: { S3Uri: 's3://clarify/credit-risk/12/analysis.json' } },
      },
      CustomerMetadataProperties: { 'modelgate:evidence:predictions': 's3://ml-data/credit-risk/12/predictions.csv' },
      Domain: 'MACHINE_LEARNING',
      Tags: [
        { Key: 'team', Value: 'risk' },
        { Key: 'modelgate:policy', Value: 'credit' },
      ],
    });
    expect(pkg).not.toHaveProperty('$metadata');
    // Plain JSON: what the ledger stores and `describe-model-package` output looks like.
    expect(JSON.parse(JSON.stringify(pkg))).toEqual(pkg);
    const tagCalls = sagemaker.commandCalls(ListTagsCommand).map((c) => c.args[0].input);
    // A versioned package carries its group's tags (CreateModelPackage refuses tags with a group).
    const groupArn = `arn:aws:sagemaker:${REGION_ACCOUNT}:model-package-group/credit-risk`;
    expect(tagCalls).toEqual([
      { ResourceArn: groupArn, MaxResults: 100 },
      { ResourceArn: groupArn, MaxResults: 100, NextToken: 't2' },
    ]);
  });

  it('does not call ListTags when readTags is off', async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).resolves(describeOutput('credit-risk', 12));
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }), readTags: false });

    // Act
    const pkg = await registry.describe(CANDIDATE);

    // Assess
    expect(pkg.Tags).toBeUndefined();
    expect(sagemaker.commandCalls(ListTagsCommand)).toHaveLength(0);
  });

  it.each([
    ['a null tag', { Tags: [null] }],
    ['a tag whose key is a number', { Tags: [{ Key: 1, Value: 'x' }] }],
    ['a tag whose value is an object', { Tags: [{ Key: 'team', Value: { x: 1 } }] }],
  ])('refuses a ListTags answer with %s as bad input naming the field, never a TypeError', async (_name, answer) => {
    // Prepare: what the SDK types forbid, as a proxy or a mock might still answer
    sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: CANDIDATE }).resolves(describeOutput('credit-risk', 12));
    sagemaker.on(ListTagsCommand).resolves(answer as never);
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });
    // Act + Assess
    const err = await registry.describe(CANDIDATE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('/Tags/0');
  });

  it('refuses a DescribeModelPackage answer whose fields have the wrong shape, naming the field', async () => {
    sagemaker
      .on(DescribeModelPackageCommand, { ModelPackageName: CANDIDATE })
      .resolves(describeOutput('credit-risk', 12, { CustomerMetadataProperties: { 'modelgate:evidence:x': 7 } } as never));
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });
    const err = await registry.describe(CANDIDATE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('/CustomerMetadataProperties');
  });

  it('turns "does not exist" into NotFoundError', async () => {
    // Prepare
    sagemaker.on(DescribeModelPackageCommand).rejects(sdkError('ValidationException', `ModelPackage ${CANDIDATE} does not exist.`, 400));
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const result = registry.describe(CANDIDATE);

    // Assess
    await expect(result).rejects.toBeInstanceOf(NotFoundError);
    await expect(result).rejects.toThrow(`model package not found: ${CANDIDATE}`);
  });

  it('reports any other validation error as a non-retryable AwsCallError', async () => {
    // Prepare
    const cause = sdkError('ValidationException', "1 validation error detected: Value 'not an arn' at 'modelPackageName' failed to satisfy constraint", 400);
    sagemaker.on(DescribeModelPackageCommand).rejects(cause);
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const error = await registry.describe('not an arn').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ retryable: false, code: 'ValidationException', operation: 'DescribeModelPackage', cause });
  });

  it('rethrows throttling and 5xx as retryable AwsCallError with the SDK error as cause', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 'Rate exceeded', 400, { $retryable: { throttling: true } });
    const internal = sdkError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
    sagemaker.on(DescribeModelPackageCommand).rejectsOnce(throttled).rejectsOnce(internal);
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const first = await registry.describe(CANDIDATE).catch((e: unknown) => e);
    const second = await registry.describe(CANDIDATE).catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(AwsCallError);
    expect(first).toMatchObject({ retryable: true, code: 'ThrottlingException', cause: throttled });
    expect((first as Error).message).toContain(CANDIDATE);
    expect(second).toMatchObject({ retryable: true, code: 'InternalFailure', httpStatus: 500, cause: internal });
  });

  it('refuses an unversioned package with InvalidInputError', async () => {
    // Prepare
    const unversioned = describeOutput('credit-risk', 1, { ModelPackageGroupName: undefined, ModelPackageVersion: undefined });
    sagemaker.on(DescribeModelPackageCommand).resolves(unversioned);
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }), readTags: false });

    // Act
    const result = registry.describe('arn:aws:sagemaker:eu-west-1:111111111111:model-package/standalone');

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidInputError);
    await expect(result).rejects.toThrow(/versioned model package/);
  });
});

describe('modelPackageGroupArn', () => {
  it('keeps partition, region, account and the group name as written', () => {
    expect(modelPackageGroupArn('arn:aws-cn:sagemaker:cn-north-1:222222222222:model-package/TurbineModels/3')).toBe(
      'arn:aws-cn:sagemaker:cn-north-1:222222222222:model-package-group/TurbineModels',
    );
  });

  it('refuses an unversioned package ARN', () => {
    expect(() => modelPackageGroupArn('arn:aws:sagemaker:eu-west-1:111111111111:model-package/standalone')).toThrow(InvalidInputError);
  });
});

describe('SageMakerRegistry.findChampion', () => {
  it('asks for Approved, versioned packages newest first (ListModelPackages sorts ascending by default)', async () => {
    // Prepare
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [summary('credit-risk', 11)] });
    sagemaker.on(DescribeModelPackageCommand).resolves(describeOutput('credit-risk', 11, { ModelApprovalStatus: 'Approved' }));
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const champion = await registry.findChampion('credit-risk', CANDIDATE);

    // Assess
    expect(champion?.ModelPackageArn).toBe(arnOf('credit-risk', 11));
    const [call] = sagemaker.commandCalls(ListModelPackagesCommand);
    expect(call?.args[0].input).toEqual({
      ModelPackageGroupName: 'credit-risk',
      ModelApprovalStatus: 'Approved',
      ModelPackageType: 'Versioned',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 10,
    });
  });

  it('skips the candidate itself and unusable versions, paging until it finds one', async () => {
    // Prepare: page 1 holds the candidate (already Approved on a re-run) and a version being deleted.
    sagemaker
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [summary('credit-risk', 12), summary('credit-risk', 10, 'Approved', 'Deleting')], NextToken: 'page-2' })
      .resolvesOnce({ ModelPackageSummaryList: [summary('credit-risk', 9, 'Approved', 'Failed'), summary('credit-risk', 7)], NextToken: 'page-3' });
    sagemaker.on(DescribeModelPackageCommand).resolves(describeOutput('credit-risk', 7, { ModelApprovalStatus: 'Approved' }));
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }), readTags: false });

    // Act
    const champion = await registry.findChampion('credit-risk', CANDIDATE);

    // Assess
    expect(champion).toMatchObject({ ModelPackageVersion: 7, ModelApprovalStatus: 'Approved' });
    const lists = sagemaker.commandCalls(ListModelPackagesCommand).map((c) => c.args[0].input.NextToken);
    expect(lists).toEqual([undefined, 'page-2']);
    const describes = sagemaker.commandCalls(DescribeModelPackageCommand).map((c) => c.args[0].input.ModelPackageName);
    expect(describes).toEqual([arnOf('credit-risk', 7)]);
  });

  it('moves on when the listed champion was deleted before it could be described', async () => {
    // Prepare
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [summary('credit-risk', 11), summary('credit-risk', 8)] });
    sagemaker
      .on(DescribeModelPackageCommand, { ModelPackageName: arnOf('credit-risk', 11) })
      .rejects(sdkError('ValidationException', `ModelPackage ${arnOf('credit-risk', 11)} does not exist.`, 400));
    sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: arnOf('credit-risk', 8) }).resolves(describeOutput('credit-risk', 8));
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }), readTags: false });

    // Act
    const champion = await registry.findChampion('credit-risk', CANDIDATE);

    // Assess
    expect(champion?.ModelPackageVersion).toBe(8);
  });

  it('is null when no other version is approved', async () => {
    // Prepare
    sagemaker
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: [summary('credit-risk', 12)], NextToken: 'n' })
      .resolvesOnce({ ModelPackageSummaryList: [] });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const champion = await registry.findChampion('credit-risk', CANDIDATE);

    // Assess
    expect(champion).toBeNull();
    expect(sagemaker.commandCalls(ListModelPackagesCommand)).toHaveLength(2);
    expect(sagemaker.commandCalls(DescribeModelPackageCommand)).toHaveLength(0);
  });
});

describe('SageMakerRegistry.setApproval', () => {
  it('sends only ModelPackageArn, ModelApprovalStatus and ApprovalDescription', async () => {
    // Prepare
    sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: CANDIDATE });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    await registry.setApproval(CANDIDATE, 'Rejected', 'modelgate run run-01jn7p8w00abcdefghjk: bias-di failed');

    // Assess
    const calls = sagemaker.commandCalls(UpdateModelPackageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      ModelPackageArn: CANDIDATE,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'modelgate run run-01jn7p8w00abcdefghjk: bias-di failed',
    });
  });

  it('cuts a long description to 1024 characters with a marker', async () => {
    // Prepare
    sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: CANDIDATE });
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });
    const long = `modelgate run r1: ${'failing check; '.repeat(200)}`;

    // Act
    await registry.setApproval(CANDIDATE, 'Rejected', long);

    // Assess
    const sent = sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input.ApprovalDescription ?? '';
    expect(sent.length).toBeLessThanOrEqual(APPROVAL_DESCRIPTION_MAX);
    expect(sent.endsWith(APPROVAL_TRUNCATION_MARKER)).toBe(true);
    expect(long.startsWith(sent.slice(0, -APPROVAL_TRUNCATION_MARKER.length))).toBe(true);
  });

  it('turns an unknown ARN into NotFoundError and throttling into a retryable AwsCallError', async () => {
    // Prepare
    sagemaker
      .on(UpdateModelPackageCommand)
      .rejectsOnce(sdkError('ValidationException', `Model Package ${CANDIDATE} does not exist.`, 400))
      .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded', 400, { $retryable: { throttling: true } }));
    const registry = new SageMakerRegistry({ client: new SageMakerClient({ region: 'eu-west-1' }) });

    // Act
    const first = await registry.setApproval(CANDIDATE, 'Approved', 'ok').catch((e: unknown) => e);
    const second = await registry.setApproval(CANDIDATE, 'Approved', 'ok').catch((e: unknown) => e);

    // Assess
    expect(first).toBeInstanceOf(NotFoundError);
    expect(second).toBeInstanceOf(AwsCallError);
    expect(second).toMatchObject({ retryable: true, operation: 'UpdateModelPackage' });
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('truncateApprovalDescription', () => {
  it('leaves a description of exactly 1024 characters alone', () => {
    // Prepare
    const exact = 'x'.repeat(1024);

    // Act
    const result = truncateApprovalDescription(exact);

    // Assess
    expect(result).toBe(exact);
  });

  it('never splits a surrogate pair (emoji) or a letter from its accent', () => {
    // Prepare: the budget before the marker is odd, so a cut by code units would land mid-pair.
    const emoji = '😀'.repeat(700);
    const accents = 'e\u0301'.repeat(700);

    // Act
    const cutEmoji = truncateApprovalDescription(emoji);
    const cutAccents = truncateApprovalDescription(accents);

    // Assess
    expect(cutEmoji.length).toBeLessThanOrEqual(1024);
    expect(cutEmoji).not.toMatch(LONE_SURROGATE);
    expect(cutEmoji).toBe(`${'😀'.repeat(505)}${APPROVAL_TRUNCATION_MARKER}`);
    expect(cutAccents).toBe(`${'e\u0301'.repeat(505)}${APPROVAL_TRUNCATION_MARKER}`);
  });

  it('always fits, stays well formed and is a marked prefix of the input', () => {
    fc.assert(
      // size 'max': the default size would never reach the limit.
      fc.property(fc.string({ unit: 'grapheme', minLength: 300, maxLength: 1500, size: 'max' }), (text) => {
        const result = truncateApprovalDescription(text);
        expect(result.length).toBeLessThanOrEqual(APPROVAL_DESCRIPTION_MAX);
        expect(result).not.toMatch(LONE_SURROGATE);
        if (result !== text) {
          expect(result.endsWith(APPROVAL_TRUNCATION_MARKER)).toBe(true);
          expect(text.startsWith(result.slice(0, -APPROVAL_TRUNCATION_MARKER.length))).toBe(true);
        } else {
          expect(text.length).toBeLessThanOrEqual(APPROVAL_DESCRIPTION_MAX);
        }
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * SageMaker, EventBridge and SNS at the SDK boundary (aws-sdk-client-mock), with response shapes
 * from the API references. The ledger (DynamoDB) and the evidence (S3) are NOT mocked: they are
 * the real local servers of harness.ts.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateModelPackageCommand,
  type DescribeModelPackageCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ACCOUNT, REGION } from './harness.js';

/** A DescribeModelPackage response for a versioned package whose quality statistics live at `statisticsUri`. */
export const describeOutput = (arn: string, statisticsUri: string): DescribeModelPackageCommandOutput => {
  const [, group = '', version = '0'] = /model-package\/([^/]+)\/(\d+)$/.exec(arn) ?? [];
  return {
    $metadata: { httpStatusCode: 200 },
    ModelPackageName: group,
    ModelPackageGroupName: group,
    ModelPackageVersion: Number(version),
    ModelPackageArn: arn,
    CreationTime: new Date('2026-03-04T09:15:22.481Z'),
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    ModelApprovalStatus: 'PendingManualApproval',
    CreatedBy: {
      UserProfileName: 'ml-engineer',
      IamIdentity: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SageMakerPipelineRole/pipeline`, PrincipalId: 'AROAEXAMPLE:pipeline' },
    },
    InferenceSpecification: {
      Containers: [{ Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`, ModelDataUrl: `s3://ml-artifacts/${group}/${version}/model.tar.gz` }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
    },
    ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: statisticsUri } } },
  };
};

/** A service exception as the SDK raises it (name, fault, HTTP status). */
export const serviceError = (name: string, httpStatusCode: number, message = name): SageMakerServiceException =>
  new SageMakerServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode }, message });

const mockClients = () => ({ sagemaker: mockClient(SageMakerClient), eventbridge: mockClient(EventBridgeClient), sns: mockClient(SNSClient) });

export interface AwsMocks extends ReturnType<typeof mockClients> {
  /** The default DescribeModelPackage behaviour, to chain after a one-off failure. */
  describe(input: { ModelPackageName?: string }): Promise<DescribeModelPackageCommandOutput>;
  /** Registers a package that DescribeModelPackage returns. */
  register(arn: string, statisticsUri: string): void;
  /** Restores the default behaviour of every command (keeps registered packages). */
  reset(): void;
  /** UpdateModelPackage inputs for `arn`. */
  updatesOf(arn: string): Array<{ status?: string; description?: string }>;
  /** PutEvents calls carrying an entry of `runId`. */
  putEventsOf(runId: string): PutEventsCommandInput[];
  /** SNS Publish calls about `runId`. */
  publishesOf(runId: string): number;
}

/** Installs the mocks (for every client instance, including those composeAws builds). */
export const installAwsMocks = (): AwsMocks => {
  const { sagemaker, eventbridge, sns } = mockClients();
  const packages = new Map<string, string>();
  const describe = async (input: { ModelPackageName?: string }): Promise<DescribeModelPackageCommandOutput> => {
    const uri = packages.get(input.ModelPackageName ?? '');
    if (!uri) throw serviceError('ValidationException', 400, `ModelPackage ${input.ModelPackageName} does not exist.`);
    return describeOutput(input.ModelPackageName!, uri);
  };
  const defaults = () => {
    sagemaker.reset();
    eventbridge.reset();
    sns.reset();
    sagemaker.on(DescribeModelPackageCommand).callsFake(describe);
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    sagemaker.on(UpdateModelPackageCommand).callsFake(async (input: { ModelPackageArn?: string }) => ({ ModelPackageArn: input.ModelPackageArn }));
    eventbridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `event-${i}` })),
    }));
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  };
  defaults();
  return {
    sagemaker,
    eventbridge,
    sns,
    describe,
    register: (arn, uri) => {
      packages.set(arn, uri);
    },
    reset: defaults,
    updatesOf: (arn) =>
      sagemaker
        .commandCalls(UpdateModelPackageCommand)
        .map((c) => c.args[0].input)
        .filter((i) => i.ModelPackageArn === arn)
        .map((i) => ({
          ...(i.ModelApprovalStatus ? { status: i.ModelApprovalStatus } : {}),
          ...(i.ApprovalDescription ? { description: i.ApprovalDescription } : {}),
        })),
    putEventsOf: (runId) =>
      eventbridge
        .commandCalls(PutEventsCommand)
        .map((c) => c.args[0].input)
        .filter((i) => (i.Entries ?? []).some((e) => (JSON.parse(e.Detail ?? '{}') as { runId?: string }).runId === runId)),
    publishesOf: (runId) => sns.commandCalls(PublishCommand).filter((c) => (c.args[0].input.Message ?? '').includes(runId)).length,
  };
};

/**
 * Shared fixtures for the promotion target tests: a research account (R) that owns the model, a
 * hosting account (H) on the allow-list, a promotion step context, and STS mocked at the SDK
 * boundary so that every target goes through the real StsRoleAssumer and client factory.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig } from '@aws-sdk/client-sts';
import type { PromotionTarget } from '../../../../../src/core/policy/types.js';
import type { PromotionAllowList, TargetContext } from '../../../../../src/core/promotion/types.js';
import type { ModelPackage } from '../../../../../src/core/model-package.js';
import { StsRoleAssumer } from '../../../../../src/adapters/aws/targets/role-assumer.js';
import { createClientsFor } from '../../../../../src/adapters/aws/targets/target-clients.js';
import type { ClientsFor } from '../../../../../src/adapters/aws/targets/target-clients.js';

export const RESEARCH = '111111111111';
export const HOST = '222222222222';
export const HOST_ROLE = `arn:aws:iam::${HOST}:role/modelgate-promoter`;
export const RESEARCH_ROLE = `arn:aws:iam::${RESEARCH}:role/modelgate-sharer`;
export const PACKAGE_ARN = `arn:aws:sagemaker:eu-west-1:${RESEARCH}:model-package/credit-risk/12`;
export const RUN_ID = 'run-01jn8jc080abcdefghjk';
export const STEP_TOKEN = 'prom-01jn8jc0-staging-0';

export const ALLOW_LIST: PromotionAllowList = { accounts: [HOST, RESEARCH], roles: ['arn:aws:iam::*:role/modelgate-*'] };

/** A model package as DescribeModelPackage returns it (API reference shape), as modelgate keeps it. */
export const sourcePackage = (extra: Partial<ModelPackage> = {}): ModelPackage => ({
  ModelPackageArn: PACKAGE_ARN,
  ModelPackageGroupName: 'credit-risk',
  ModelPackageVersion: 12,
  ModelApprovalStatus: 'Approved',
  ModelPackageStatus: 'Completed',
  CustomerMetadataProperties: { 'modelgate:sample-payload': 's3://ml-data/credit-risk/12/sample.csv' },
  InferenceSpecification: {
    Containers: [{ Image: `${RESEARCH}.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7`, ModelDataUrl: 's3://ml-models/credit-risk/12/model.tar.gz' }],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
    SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
  },
  ...extra,
});

export const stepContext = (extra: Partial<TargetContext> = {}): TargetContext => ({
  runId: RUN_ID,
  promotionId: 'prom-01jn8jc0',
  subject: { kind: 'sagemaker-model-package', arn: PACKAGE_ARN, group: 'credit-risk', version: '12', account: RESEARCH, region: 'eu-west-1' },
  modelPackage: sourcePackage(),
  stage: 'staging',
  stepToken: STEP_TOKEN,
  dryRun: false,
  ...extra,
});

/** A target in H with the given kind-specific options. */
export const hostTarget = (kind: string, options: Record<string, unknown> = {}): PromotionTarget => ({
  kind,
  account: HOST,
  region: 'eu-west-1',
  roleArn: HOST_ROLE,
  externalId: 'modelgate-staging',
  ...options,
});

export const stsResponse = (expiration = new Date(Date.now() + 3600_000)) => ({
  $metadata: { httpStatusCode: 200 },
  Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration },
  AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:modelgate', Arn: `arn:aws:sts::${HOST}:assumed-role/modelgate-promoter/modelgate` },
});

/** STS mocked, and a clientsFor over a real StsRoleAssumer with the allow-list above. */
export const mockedClientsFor = (): { sts: AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>; clientsFor: ClientsFor } => {
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).resolves(stsResponse());
  const assumer = new StsRoleAssumer({ client: new STSClient({ region: 'eu-west-1' }), allowList: ALLOW_LIST });
  return { sts, clientsFor: createClientsFor(assumer, { env: {} }) };
};

/** A service exception as the SDK throws it (name, fault, HTTP status). */
export const sdkError = <E extends Error>(
  Exception: new (o: { name: string; $fault: 'client' | 'server'; $metadata: object; message: string }) => E,
  name: string,
  message: string,
  status = 400,
): E => new Exception({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' }, message });

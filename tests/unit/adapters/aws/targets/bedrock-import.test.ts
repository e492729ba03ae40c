import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  BedrockClient,
  BedrockServiceException,
  CreateModelImportJobCommand,
  GetModelImportJobCommand,
  ListModelImportJobsCommand,
} from '@aws-sdk/client-bedrock';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockImportTarget, importStepNames } from '../../../../../src/adapters/aws/targets/bedrock-import.js';
import { HOST, HOST_ROLE, hostTarget, mockedClientsFor, sdkError, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const bedrock = mockClient(BedrockClient);
const importer = new BedrockImportTarget({ clientsFor });

const IMPORT_ROLE = `arn:aws:iam::${HOST}:role/bedrock-import`;
const S3_URI = 's3://research-weights/llama-support/v3/';
const JOB_ARN = `arn:aws:bedrock:eu-west-1:${HOST}:model-import-job/a1b2c3d4e5f6`;
const MODEL_ARN = `arn:aws:bedrock:eu-west-1:${HOST}:imported-model/z9y8x7w6v5u4`;
const target = hostTarget('bedrock-import', { importRoleArn: IMPORT_ROLE, s3Uri: S3_URI });
const ctx = stepContext();
const { jobName, importedModelName } = importStepNames(target, ctx);

/** The hosting account's import jobs. */
let jobs: Array<{ jobName: string; status: string; failureMessage?: string }>;

beforeEach(() => {
  bedrock.reset();
  sts.resetHistory();
  jobs = [];
  bedrock.on(ListModelImportJobsCommand).callsFake(() => ({
    modelImportJobSummaries: jobs.map((j) => ({ jobArn: JOB_ARN, jobName: j.jobName, status: j.status, creationTime: new Date() })),
  }));
  bedrock.on(CreateModelImportJobCommand).callsFake(({ jobName: name }: { jobName: string }) => {
    jobs.push({ jobName: name, status: 'InProgress' });
    return { jobArn: JOB_ARN };
  });
  bedrock.on(GetModelImportJobCommand).callsFake(() => ({
    jobArn: JOB_ARN,
    jobName,
    importedModelName,
    ...(jobs[0]!.status === 'Completed' ? { importedModelArn: MODEL_ARN } : {}),
    roleArn: IMPORT_ROLE,
    modelDataSource: { s3DataSource: { s3Uri: S3_URI } },
    status: jobs[0]!.status,
    creationTime: new Date(),
    ...(jobs[0]!.failureMessage ? { failureMessage: jobs[0]!.failureMessage } : {}),
  }));
});

describe('bedrock-import', () => {
  it.each([
    [{ s3Uri: undefined }, /missing required key "s3Uri"/],
    [{ s3Uri: 'https://bucket/x' }, /\/s3Uri/],
    [{ importRoleArn: 'arn:aws:iam::111111111111:role/bedrock-import' }, /importRoleArn .* is not in the hosting account/],
  ])('validate reports %j', (override, message) => {
    expect(importer.validate({ ...target, ...override } as typeof target).join('\n')).toMatch(message);
  });

  it('starts an import job in the hosting account from the research S3 prefix', async () => {
    // Act
    const progress = await importer.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'in_progress', resources: { jobName, importedModelName, jobArn: JOB_ARN } });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: HOST_ROLE, ExternalId: 'modelgate-staging' });
    expect(bedrock.commandCalls(CreateModelImportJobCommand)[0]!.args[0].input).toMatchObject({
      jobName,
      importedModelName,
      roleArn: IMPORT_ROLE,
      modelDataSource: { s3DataSource: { s3Uri: S3_URI } },
      clientRequestToken: 'prom-01jn8jc0-staging-0',
    });
    expect(jobName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9+.-])*$/);
    expect(jobName.length).toBeLessThanOrEqual(63);
  });

  it('a retried start finds the job by name and creates nothing twice', async () => {
    // Act
    const first = await importer.start(target, ctx);
    const second = await importer.start(target, ctx);

    // Assess
    expect(second.resources).toEqual(first.resources);
    expect(bedrock.commandCalls(CreateModelImportJobCommand)).toHaveLength(1);
  });

  it('uses the job a concurrent attempt created when Create reports a conflict', async () => {
    // Prepare
    bedrock.on(CreateModelImportJobCommand).callsFake(({ jobName: name }: { jobName: string }) => {
      jobs.push({ jobName: name, status: 'InProgress' });
      throw sdkError(BedrockServiceException, 'ConflictException', `A job with name ${name} already exists`);
    });

    // Act
    const progress = await importer.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'in_progress', resources: { jobArn: JOB_ARN } });
  });

  it('polls InProgress to Completed, recording the imported model', async () => {
    // Prepare
    const started = await importer.start(target, ctx);

    // Act
    const waiting = await importer.poll(target, ctx, started);
    jobs[0]!.status = 'Completed';
    const done = await importer.poll(target, ctx, waiting);

    // Assess
    expect(waiting.state).toBe('in_progress');
    expect(done).toMatchObject({ state: 'succeeded', resources: { importedModelArn: MODEL_ARN } });
    expect(bedrock.commandCalls(GetModelImportJobCommand)[0]!.args[0].input).toEqual({ jobIdentifier: JOB_ARN });
  });

  it('fails with the failureMessage when the import fails', async () => {
    // Prepare
    const started = await importer.start(target, ctx);
    Object.assign(jobs[0]!, { status: 'Failed', failureMessage: 'Access denied reading s3://research-weights/llama-support/v3/config.json' });

    // Act
    const progress = await importer.poll(target, ctx, started);

    // Assess
    expect(progress).toMatchObject({ state: 'failed', message: expect.stringMatching(/failed: Access denied reading s3:/) });
  });

  it('reports a denied CreateModelImportJob (missing iam:PassRole) as failed', async () => {
    // Prepare
    bedrock.on(CreateModelImportJobCommand).rejects(sdkError(BedrockServiceException, 'AccessDeniedException', 'not authorized to perform: iam:PassRole', 403));

    // Act
    const progress = await importer.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({
      state: 'failed',
      message: expect.stringMatching(/starting import job .*Bedrock CreateModelImportJob .*AccessDeniedException.*iam:PassRole/),
    });
  });
});

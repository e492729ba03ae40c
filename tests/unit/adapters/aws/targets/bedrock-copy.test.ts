import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  BedrockClient,
  CreateModelCopyJobCommand,
  CreateProvisionedModelThroughputCommand,
  GetModelCopyJobCommand,
  GetProvisionedModelThroughputCommand,
  ListModelCopyJobsCommand,
  ListProvisionedModelThroughputsCommand,
} from '@aws-sdk/client-bedrock';
import {
  AssociateResourceShareCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceSharesCommand,
  RAMClient,
  RAMServiceException,
} from '@aws-sdk/client-ram';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { RefusedError } from '../../../../../src/core/errors.js';
import type { TargetProgress } from '../../../../../src/core/promotion/types.js';
import { BedrockCopyTarget, copyStepNames } from '../../../../../src/adapters/aws/targets/bedrock-copy.js';
import { HOST, HOST_ROLE, RESEARCH, RESEARCH_ROLE, hostTarget, mockedClientsFor, sdkError, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const ram = mockClient(RAMClient);
const bedrock = mockClient(BedrockClient);
const copy = new BedrockCopyTarget({ clientsFor });

const MODEL_ARN = `arn:aws:bedrock:us-east-1:${RESEARCH}:custom-model/amazon.titan-text-express-v1:0:8k/a1b2c3d4e5f6`;
const SHARE_ARN = `arn:aws:ram:us-east-1:${RESEARCH}:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE`;
const JOB_ARN = `arn:aws:bedrock:eu-west-1:${HOST}:model-copy-job/abcdefghijkl`;
const COPY_ARN = `arn:aws:bedrock:eu-west-1:${HOST}:custom-model/amazon.titan-text-express-v1:0:8k/zyxwvutsrqpo`;
const PT_ARN = `arn:aws:bedrock:eu-west-1:${HOST}:provisioned-model/pt0123456789`;
const ctx = stepContext({
  subject: { kind: 'bedrock-custom-model', arn: MODEL_ARN, group: 'titan-support', version: '3', account: RESEARCH, region: 'us-east-1' },
});
const SOURCE = { sourceAccountRoleArn: RESEARCH_ROLE, sourceExternalId: 'modelgate-share' };
const target = hostTarget('bedrock-copy', SOURCE);
const names = copyStepNames(target, ctx);

/** RAM in R and Bedrock in H, as the API references shape them. */
class Accounts {
  share?: { arn: string; association: string };
  copyJob?: { status: string; failureMessage?: string };
  throughput?: { status: string };

  install(): void {
    ram.on(GetResourceSharesCommand).callsFake(() => ({
      resourceShares: this.share
        ? [{ resourceShareArn: this.share.arn, name: names.shareName, owningAccountId: RESEARCH, status: 'ACTIVE', allowExternalPrincipals: false }]
        : [],
    }));
    ram.on(CreateResourceShareCommand).callsFake(() => {
      this.share = { arn: SHARE_ARN, association: 'ASSOCIATING' };
      return { resourceShare: { resourceShareArn: SHARE_ARN, name: names.shareName, status: 'ACTIVE' }, clientToken: 'x' };
    });
    ram.on(GetResourceShareAssociationsCommand).callsFake(() => ({
      resourceShareAssociations: this.share
        ? [{ resourceShareArn: this.share.arn, associatedEntity: HOST, associationType: 'PRINCIPAL', status: this.share.association }]
        : [],
    }));
    ram.on(AssociateResourceShareCommand).callsFake(() => {
      this.share!.association = 'ASSOCIATING';
      return { resourceShareAssociations: [] };
    });
    bedrock.on(ListModelCopyJobsCommand).callsFake(() => ({
      modelCopyJobSummaries: this.copyJob
        ? [
            {
              jobArn: JOB_ARN,
              status: this.copyJob.status,
              creationTime: new Date(),
              targetModelArn: COPY_ARN,
              targetModelName: names.targetModelName,
              sourceAccountId: RESEARCH,
              sourceModelArn: MODEL_ARN,
            },
          ]
        : [],
    }));
    bedrock.on(CreateModelCopyJobCommand).callsFake(() => {
      this.copyJob = { status: 'InProgress' };
      return { jobArn: JOB_ARN };
    });
    bedrock.on(GetModelCopyJobCommand).callsFake(() => ({
      jobArn: JOB_ARN,
      status: this.copyJob!.status,
      creationTime: new Date(),
      targetModelArn: COPY_ARN,
      targetModelName: names.targetModelName,
      sourceAccountId: RESEARCH,
      sourceModelArn: MODEL_ARN,
      ...(this.copyJob!.failureMessage ? { failureMessage: this.copyJob!.failureMessage } : {}),
    }));
    bedrock.on(ListProvisionedModelThroughputsCommand).callsFake(() => ({ provisionedModelSummaries: [] }));
    bedrock.on(CreateProvisionedModelThroughputCommand).callsFake(() => {
      this.throughput = { status: 'Creating' };
      return { provisionedModelArn: PT_ARN };
    });
    bedrock.on(GetProvisionedModelThroughputCommand).callsFake(() => ({
      provisionedModelArn: PT_ARN,
      provisionedModelName: names.provisionedModelName,
      modelArn: COPY_ARN,
      desiredModelArn: COPY_ARN,
      foundationModelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-text-express-v1:0:8k',
      modelUnits: 1,
      desiredModelUnits: 1,
      status: this.throughput!.status,
      creationTime: new Date(),
      lastModifiedTime: new Date(),
    }));
  }
}

let accounts: Accounts;
beforeEach(() => {
  ram.reset();
  bedrock.reset();
  sts.resetHistory();
  accounts = new Accounts();
  accounts.install();
});

/** Start, then poll until the step leaves in_progress or `rounds` polls have run. */
const drive = async (t: typeof target, rounds: number, between: () => void): Promise<TargetProgress[]> => {
  const seen = [await copy.start(t, ctx)];
  for (let i = 0; i < rounds && seen.at(-1)!.state === 'in_progress'; i++) {
    between();
    seen.push(await copy.poll(t, ctx, seen.at(-1)!));
  }
  return seen;
};

describe('bedrock-copy validate', () => {
  it.each([
    [{ sourceExternalId: undefined }, /missing required key "sourceExternalId"/],
    [{ provisionedThroughput: { modelUnits: 0 } }, /\/provisionedThroughput\/modelUnits/],
    [{ provisionedThroughput: { modelUnits: 1, commitmentDuration: 'OneYear' } }, /must be one of "OneMonth", "SixMonths"/],
    [{ sourceModelArn: `arn:aws:bedrock:us-east-1:333333333333:custom-model/x/y` }, /sourceAccountRoleArn .* is not in the account that owns/],
  ])('reports %j', (override, message) => {
    expect(copy.validate({ ...target, ...override } as typeof target).join('\n')).toMatch(message);
  });
});

describe('bedrock-copy', () => {
  it('shares from the research account with its own role and ExternalId, then waits for the association', async () => {
    // Act
    const progress = await copy.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'in_progress', resources: { phase: 'sharing', resourceShareArn: SHARE_ARN } });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ RoleArn: RESEARCH_ROLE, ExternalId: 'modelgate-share' }),
    ]);
    expect(ram.commandCalls(CreateResourceShareCommand)[0]!.args[0].input).toMatchObject({
      name: names.shareName,
      resourceArns: [MODEL_ARN],
      principals: [HOST],
      allowExternalPrincipals: false,
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(bedrock.calls()).toHaveLength(0);
  });

  it('copies in the hosting account once shared, and succeeds when the copy job completes', async () => {
    // Act
    const seen = await drive(target, 5, () => {
      if (accounts.share) accounts.share.association = 'ASSOCIATED';
      if (accounts.copyJob && bedrock.commandCalls(GetModelCopyJobCommand).length >= 1) accounts.copyJob.status = 'Completed';
    });

    // Assess
    expect(seen.map((p) => `${p.state}:${p.resources['phase']}`)).toEqual(['in_progress:sharing', 'in_progress:copying', 'succeeded:done']);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toContain(HOST_ROLE);
    expect(bedrock.commandCalls(CreateModelCopyJobCommand)[0]!.args[0].input).toMatchObject({
      sourceModelArn: MODEL_ARN,
      targetModelName: names.targetModelName,
      clientRequestToken: 'prom-01jn8jc0-staging-0',
    });
    expect(seen.at(-1)!.resources).toMatchObject({ copyJobArn: JOB_ARN, targetModelArn: COPY_ARN });
    expect(bedrock.commandCalls(CreateProvisionedModelThroughputCommand)).toHaveLength(0);
  });

  it('buys provisioned throughput for the copy when asked, and waits for InService', async () => {
    // Prepare
    const withPt = { ...target, provisionedThroughput: { modelUnits: 1, commitmentDuration: 'OneMonth' } };
    accounts.share = { arn: SHARE_ARN, association: 'ASSOCIATED' };
    accounts.copyJob = { status: 'Completed' };

    // Act
    const seen = await drive(withPt, 3, () => {
      if (accounts.throughput) accounts.throughput.status = 'InService';
    });

    // Assess
    expect(seen.map((p) => `${p.state}:${p.resources['phase']}`)).toEqual(['in_progress:provisioning', 'succeeded:done']);
    expect(bedrock.commandCalls(CreateProvisionedModelThroughputCommand)[0]!.args[0].input).toMatchObject({
      modelUnits: 1,
      commitmentDuration: 'OneMonth',
      modelId: COPY_ARN,
      provisionedModelName: names.provisionedModelName,
    });
    expect(seen.at(-1)!.resources['provisionedModelArn']).toBe(PT_ARN);
  });

  it('a retried start finds the share and the copy job and creates nothing twice', async () => {
    // Prepare
    accounts.share = { arn: SHARE_ARN, association: 'ASSOCIATED' };
    accounts.copyJob = { status: 'InProgress' };

    // Act
    const progress = await copy.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'in_progress', resources: { phase: 'copying', copyJobArn: JOB_ARN } });
    expect(ram.commandCalls(CreateResourceShareCommand)).toHaveLength(0);
    expect(ram.commandCalls(AssociateResourceShareCommand)).toHaveLength(0);
    expect(bedrock.commandCalls(CreateModelCopyJobCommand)).toHaveLength(0);
  });

  it('fails with the job failureMessage when the copy job fails', async () => {
    // Prepare
    accounts.share = { arn: SHARE_ARN, association: 'ASSOCIATED' };
    accounts.copyJob = { status: 'Failed', failureMessage: 'Provisioned throughput is not supported for this model in eu-west-1' };

    // Act
    const progress = await copy.start(target, ctx);

    // Assess
    expect(progress.state).toBe('failed');
    expect(progress.message).toMatch(/copy job .* failed: Provisioned throughput is not supported/);
    expect(bedrock.commandCalls(CreateProvisionedModelThroughputCommand)).toHaveLength(0);
  });

  it('fails when RAM cannot share outside the organization, and copies nothing', async () => {
    // Prepare
    ram
      .on(CreateResourceShareCommand)
      .rejects(sdkError(RAMServiceException, 'OperationNotPermittedException', 'The principal 222222222222 is not in your organization', 400));

    // Act
    const progress = await copy.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'failed', message: expect.stringMatching(/RAM CreateResourceShare .*OperationNotPermittedException/) });
    expect(bedrock.calls()).toHaveLength(0);
  });

  it('refuses a source account that is not allow-listed, with no STS call', async () => {
    // Prepare
    const elsewhere = {
      ...target,
      sourceModelArn: 'arn:aws:bedrock:us-east-1:444444444444:custom-model/x/y',
      sourceAccountRoleArn: 'arn:aws:iam::444444444444:role/modelgate-sharer',
    };

    // Act
    const attempt = copy.start(elsewhere, ctx);

    // Assess
    await expect(attempt).rejects.toThrow(RefusedError);
    expect(sts.calls()).toHaveLength(0);
    expect(ram.calls()).toHaveLength(0);
  });

  it('needs a source model when the subject is a SageMaker package', async () => {
    // Act
    const progress = await copy.start(target, stepContext());

    // Assess
    expect(progress).toMatchObject({ state: 'failed', message: expect.stringMatching(/needs sourceModelArn/) });
    expect(sts.calls()).toHaveLength(0);
  });
});

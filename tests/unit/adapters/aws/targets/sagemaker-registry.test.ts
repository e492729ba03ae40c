import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { CreateModelPackageCommandInput } from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerRegistryTarget, registryStepMarker } from '../../../../../src/adapters/aws/targets/sagemaker-registry.js';
import { HOST, PACKAGE_ARN, RUN_ID, STEP_TOKEN, hostTarget, mockedClientsFor, sdkError, sourcePackage, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const sagemaker = mockClient(SageMakerClient);
const registryTarget = new SageMakerRegistryTarget({ clientsFor });
const target = hostTarget('sagemaker-registry');
const ctx = stepContext();
const hostArn = (v: number) => `arn:aws:sagemaker:eu-west-1:${HOST}:model-package/credit-risk/${v}`;

/** The hosting account's registry: groups and versions, as the API reference shapes them. */
class Registry {
  groups = new Set<string>();
  versions: Array<{ arn: string; description: string; status: string; input: CreateModelPackageCommandInput }> = [];

  install(): void {
    sagemaker.on(DescribeModelPackageGroupCommand).callsFake(({ ModelPackageGroupName }: { ModelPackageGroupName: string }) => {
      if (!this.groups.has(ModelPackageGroupName)) {
        throw sdkError(SageMakerServiceException, 'ValidationException', `ModelPackageGroup ${ModelPackageGroupName} does not exist.`);
      }
      return {
        ModelPackageGroupName,
        ModelPackageGroupArn: `arn:aws:sagemaker:eu-west-1:${HOST}:model-package-group/${ModelPackageGroupName}`,
        ModelPackageGroupStatus: 'Completed',
      };
    });
    sagemaker.on(CreateModelPackageGroupCommand).callsFake(({ ModelPackageGroupName }: { ModelPackageGroupName: string }) => {
      this.groups.add(ModelPackageGroupName);
      return { ModelPackageGroupArn: `arn:aws:sagemaker:eu-west-1:${HOST}:model-package-group/${ModelPackageGroupName}` };
    });
    sagemaker.on(ListModelPackagesCommand).callsFake(() => ({
      ModelPackageSummaryList: [...this.versions].reverse().map((v, i) => ({
        ModelPackageGroupName: 'credit-risk',
        ModelPackageVersion: this.versions.length - i,
        ModelPackageArn: v.arn,
        ModelPackageDescription: v.description,
        CreationTime: new Date(),
        ModelPackageStatus: v.status,
        ModelApprovalStatus: 'Approved',
      })),
    }));
    sagemaker.on(CreateModelPackageCommand).callsFake((input: CreateModelPackageCommandInput) => {
      const arn = hostArn(this.versions.length + 1);
      this.versions.push({ arn, description: input.ModelPackageDescription ?? '', status: 'InProgress', input });
      return { ModelPackageArn: arn };
    });
    sagemaker.on(DescribeModelPackageCommand).callsFake(({ ModelPackageName }: { ModelPackageName: string }) => {
      const v = this.versions.find((x) => x.arn === ModelPackageName);
      if (!v) throw sdkError(SageMakerServiceException, 'ValidationException', `Model package ${ModelPackageName} does not exist.`);
      return {
        ModelPackageArn: v.arn,
        ModelPackageGroupName: 'credit-risk',
        ModelPackageStatus: v.status,
        ModelApprovalStatus: 'Approved',
        ModelPackageStatusDetails: {
          ValidationStatuses: v.status === 'Failed' ? [{ Name: 'credit-risk', Status: 'Failed', FailureReason: 'image not found' }] : [],
        },
        CreationTime: new Date(),
      };
    });
    sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: hostArn(1) });
  }
}

let registry: Registry;
beforeEach(() => {
  sagemaker.reset();
  sts.resetHistory();
  registry = new Registry();
  registry.install();
});

describe('sagemaker-registry', () => {
  it('rejects unknown options and a bad group name', () => {
    // Act
    const problems = registryTarget.validate({ ...target, modelPackageGroup: 'x', modelPackageGroupName: '-bad' });

    // Assess
    expect(problems.join('\n')).toMatch(/unknown key "modelPackageGroup"/);
    expect(problems.join('\n')).toMatch(/\/modelPackageGroupName/);
    expect(registryTarget.validate(target)).toEqual([]);
  });

  it('creates the group when absent and registers an Approved version with the same artifacts and a link back', async () => {
    // Act
    const progress = await registryTarget.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'in_progress', resources: { modelPackageGroupName: 'credit-risk', modelPackageArn: hostArn(1) } });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ ExternalId: 'modelgate-staging' });
    expect(sagemaker.commandCalls(CreateModelPackageGroupCommand)).toHaveLength(1);
    const input = sagemaker.commandCalls(CreateModelPackageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      ModelPackageGroupName: 'credit-risk',
      ModelApprovalStatus: 'Approved',
      InferenceSpecification: sourcePackage().InferenceSpecification,
      ClientToken: STEP_TOKEN,
      CustomerMetadataProperties: {
        'modelgate:source-model-package-arn': PACKAGE_ARN,
        'modelgate:run-id': RUN_ID,
        'modelgate:sample-payload': 's3://ml-data/credit-risk/12/sample.csv',
      },
    });
    expect(input.ModelPackageDescription).toContain(registryStepMarker(STEP_TOKEN));
  });

  it('a retried start finds the version it registered and creates nothing twice', async () => {
    // Act
    const first = await registryTarget.start(target, ctx);
    const second = await registryTarget.start(target, ctx);

    // Assess
    expect(second.resources).toEqual(first.resources);
    expect(sagemaker.commandCalls(CreateModelPackageGroupCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(CreateModelPackageCommand)).toHaveLength(1);
  });

  it('derives a valid ClientToken from a step token SageMaker would refuse', async () => {
    // Act
    await registryTarget.start(target, stepContext({ stepToken: 'prom/with:odd chars and a length well beyond thirty-six' }));

    // Assess
    expect(sagemaker.commandCalls(CreateModelPackageCommand)[0]!.args[0].input.ClientToken).toMatch(/^[a-zA-Z0-9-]{1,36}$/);
  });

  it('polls until Completed, and reports a Failed version with its validation status', async () => {
    // Prepare
    const started = await registryTarget.start(target, ctx);

    // Act
    const waiting = await registryTarget.poll(target, ctx, started);
    registry.versions[0]!.status = 'Completed';
    const done = await registryTarget.poll(target, ctx, waiting);
    registry.versions[0]!.status = 'Failed';
    const failed = await registryTarget.poll(target, ctx, waiting);

    // Assess
    expect(waiting.state).toBe('in_progress');
    expect(done.state).toBe('succeeded');
    expect(failed).toMatchObject({ state: 'failed', message: expect.stringMatching(/is Failed: credit-risk: Failed \(image not found\)/) });
  });

  it('fails without a call for a package with no InferenceSpecification; rollback rejects the hosting version', async () => {
    // Act
    const noSpec = await registryTarget.start(target, stepContext({ modelPackage: sourcePackage({ InferenceSpecification: undefined }) }));
    const started = await registryTarget.start(target, ctx);
    const rolledBack = await registryTarget.rollback!(target, ctx, started);

    // Assess
    expect(noSpec).toMatchObject({ state: 'failed', message: expect.stringMatching(/no InferenceSpecification/) });
    expect(rolledBack.state).toBe('succeeded');
    expect(sagemaker.commandCalls(UpdateModelPackageCommand)[0]!.args[0].input).toMatchObject({ ModelPackageArn: hostArn(1), ModelApprovalStatus: 'Rejected' });
  });

  it('reports a denied CreateModelPackage as failed, naming the call', async () => {
    // Prepare
    sagemaker
      .on(CreateModelPackageCommand)
      .rejects(sdkError(SageMakerServiceException, 'AccessDeniedException', 'not authorized to perform: sagemaker:CreateModelPackage', 403));

    // Act
    const progress = await registryTarget.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({
      state: 'failed',
      message: expect.stringMatching(/registering a version of credit-risk: SageMaker CreateModelPackage .*AccessDeniedException/),
    });
    expect(progress.resources['modelPackageArn']).toBeUndefined();
  });
});

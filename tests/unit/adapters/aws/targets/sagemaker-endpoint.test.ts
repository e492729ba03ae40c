import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { RefusedError } from '../../../../../src/core/errors.js';
import { AwsCallError } from '../../../../../src/adapters/aws/aws-call-error.js';
import { PREVIOUS_CONFIG_TAG, SageMakerEndpointTarget, endpointStepNames } from '../../../../../src/adapters/aws/targets/sagemaker-endpoint.js';
import { HOST, HOST_ROLE, PACKAGE_ARN, RUN_ID, hostTarget, mockedClientsFor, sdkError, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const sagemaker = mockClient(SageMakerClient);
const endpointTarget = new SageMakerEndpointTarget({ clientsFor });

const OPTIONS = {
  endpointName: 'credit-risk-staging',
  instanceType: 'ml.m5.large',
  instanceCount: 2,
  executionRoleArn: `arn:aws:iam::${HOST}:role/sagemaker-execution`,
};
const target = hostTarget('sagemaker-endpoint', OPTIONS);
const ctx = stepContext();
const { modelName, endpointConfigName } = endpointStepNames(ctx);
const arn = (kind: string, name: string) => `arn:aws:sagemaker:eu-west-1:${HOST}:${kind}/${name}`;
const validation = (message: string) => sdkError(SageMakerServiceException, 'ValidationException', message);

interface Endpoint {
  config: string;
  status: string;
  pending?: string;
  failure?: string;
}

/** The hosting account's SageMaker, as the API reference describes it, behind the mock. */
class World {
  models = new Set<string>();
  configs = new Map<string, Array<{ Key: string; Value: string }>>();
  endpoints = new Map<string, Endpoint>();

  install(): void {
    sagemaker.on(DescribeModelCommand).callsFake(({ ModelName }: { ModelName: string }) => {
      if (!this.models.has(ModelName)) throw validation(`Could not find model "${arn('model', ModelName)}".`);
      return { ModelName, ModelArn: arn('model', ModelName), CreationTime: new Date(), Containers: [{ ModelPackageName: PACKAGE_ARN }] };
    });
    sagemaker.on(CreateModelCommand).callsFake(({ ModelName }: { ModelName: string }) => {
      if (this.models.has(ModelName)) throw validation(`Cannot create already existing model "${arn('model', ModelName)}".`);
      this.models.add(ModelName);
      return { ModelArn: arn('model', ModelName) };
    });
    sagemaker.on(DescribeEndpointConfigCommand).callsFake(({ EndpointConfigName }: { EndpointConfigName: string }) => {
      if (!this.configs.has(EndpointConfigName)) throw validation(`Could not find endpoint configuration "${arn('endpoint-config', EndpointConfigName)}".`);
      return { EndpointConfigName, EndpointConfigArn: arn('endpoint-config', EndpointConfigName), ProductionVariants: [], CreationTime: new Date() };
    });
    sagemaker
      .on(CreateEndpointConfigCommand)
      .callsFake(({ EndpointConfigName, Tags }: { EndpointConfigName: string; Tags: Array<{ Key: string; Value: string }> }) => {
        this.configs.set(EndpointConfigName, Tags);
        return { EndpointConfigArn: arn('endpoint-config', EndpointConfigName) };
      });
    sagemaker.on(ListTagsCommand).callsFake(({ ResourceArn }: { ResourceArn: string }) => ({ Tags: this.configs.get(ResourceArn.split('/').pop()!) ?? [] }));
    sagemaker.on(DescribeEndpointCommand).callsFake(({ EndpointName }: { EndpointName: string }) => {
      const ep = this.endpoints.get(EndpointName);
      if (!ep) throw validation(`Could not find endpoint "${EndpointName}".`);
      return {
        EndpointName,
        EndpointArn: arn('endpoint', EndpointName),
        EndpointConfigName: ep.config,
        EndpointStatus: ep.status,
        CreationTime: new Date(),
        LastModifiedTime: new Date(),
        ...(ep.failure ? { FailureReason: ep.failure } : {}),
        ...(ep.pending ? { PendingDeploymentSummary: { EndpointConfigName: ep.pending } } : {}),
      };
    });
    sagemaker.on(CreateEndpointCommand).callsFake(({ EndpointName, EndpointConfigName }: { EndpointName: string; EndpointConfigName: string }) => {
      this.endpoints.set(EndpointName, { config: EndpointConfigName, status: 'Creating' });
      return { EndpointArn: arn('endpoint', EndpointName) };
    });
    sagemaker.on(UpdateEndpointCommand).callsFake(({ EndpointName, EndpointConfigName }: { EndpointName: string; EndpointConfigName: string }) => {
      const ep = this.endpoints.get(EndpointName)!;
      if (ep.status !== 'InService') throw validation(`Cannot update in-progress endpoint "${arn('endpoint', EndpointName)}".`);
      Object.assign(ep, { status: 'Updating', pending: EndpointConfigName });
      return { EndpointArn: arn('endpoint', EndpointName) };
    });
    sagemaker.on(DeleteEndpointCommand).callsFake(({ EndpointName }: { EndpointName: string }) => {
      this.endpoints.get(EndpointName)!.status = 'Deleting';
      return {};
    });
  }

  /** The deployment finishes: blue/green moves the endpoint to the pending config. */
  settle(name: string): void {
    const ep = this.endpoints.get(name)!;
    Object.assign(ep, { status: 'InService', config: ep.pending ?? ep.config, pending: undefined });
  }
}

let world: World;
beforeEach(() => {
  sagemaker.reset();
  sts.resetHistory();
  world = new World();
  world.install();
});

describe('sagemaker-endpoint validate', () => {
  it('accepts the documented options', () => {
    expect(endpointTarget.validate(target)).toEqual([]);
  });

  it.each([
    [{ endpointName: undefined }, /missing required key "endpointName"/],
    [{ instanceTyp: 'ml.m5.large' }, /unknown key "instanceTyp"/],
    [{ instanceType: 'm5.large' }, /\/instanceType/],
    [{ instanceCount: 0 }, /\/instanceCount/],
    [{ executionRoleArn: 'arn:aws:iam::111111111111:role/sagemaker-execution' }, /executionRoleArn .* is not in the hosting account 222222222222/],
  ])('reports %j', (override, message) => {
    // Act
    const problems = endpointTarget.validate({ ...target, ...override } as typeof target);

    // Assess
    expect(problems.join('\n')).toMatch(message);
  });
});

describe('sagemaker-endpoint start', () => {
  it('creates the model from the package ARN, the config and a new endpoint, as the assumed role', async () => {
    // Act
    const progress = await endpointTarget.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({
      state: 'in_progress',
      resources: { modelName, endpointConfigName, endpointName: 'credit-risk-staging', createdEndpoint: 'true' },
    });
    expect(progress.previous).toBeUndefined();
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: HOST_ROLE,
      ExternalId: 'modelgate-staging',
      RoleSessionName: `modelgate-${RUN_ID}`,
    });
    expect(sagemaker.commandCalls(CreateModelCommand)[0]!.args[0].input).toMatchObject({
      ModelName: modelName,
      ExecutionRoleArn: OPTIONS.executionRoleArn,
      Containers: [{ ModelPackageName: PACKAGE_ARN }],
    });
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0]!.args[0].input).toMatchObject({
      EndpointConfigName: endpointConfigName,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 2 }],
    });
    expect(world.configs.get(endpointConfigName)).toContainEqual({ Key: PREVIOUS_CONFIG_TAG, Value: 'none' });
    expect(sagemaker.commandCalls(CreateEndpointCommand)[0]!.args[0].input).toMatchObject({
      EndpointName: 'credit-risk-staging',
      EndpointConfigName: endpointConfigName,
    });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  it('names resources deterministically within SageMaker limits', () => {
    // Act
    const long = endpointStepNames(stepContext({ subject: { ...ctx.subject, group: 'a'.repeat(63) } }));

    // Assess
    expect(endpointStepNames(stepContext())).toEqual({ modelName, endpointConfigName });
    expect(long.modelName.length).toBeLessThanOrEqual(63);
    expect(long.modelName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(endpointStepNames(stepContext({ stepToken: 'other' })).modelName).not.toBe(modelName);
  });

  it('a retried start finds what the first made and creates nothing twice', async () => {
    // Act
    const first = await endpointTarget.start(target, ctx);
    const second = await endpointTarget.start(target, ctx);

    // Assess
    expect(second.resources).toEqual(first.resources);
    expect(sagemaker.commandCalls(CreateModelCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  it('updates an existing endpoint blue/green and records the config it replaces, also across a retry', async () => {
    // Prepare
    world.configs.set('credit-risk-v11-old', []);
    world.endpoints.set('credit-risk-staging', { config: 'credit-risk-v11-old', status: 'InService' });

    // Act
    const first = await endpointTarget.start(target, ctx);
    const retried = await endpointTarget.start(target, ctx);

    // Assess
    expect(first).toMatchObject({ state: 'in_progress', resources: { createdEndpoint: 'false' }, previous: { endpointConfigName: 'credit-risk-v11-old' } });
    expect(retried).toMatchObject({ state: 'in_progress', resources: { createdEndpoint: 'false' }, previous: { endpointConfigName: 'credit-risk-v11-old' } });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0]!.args[0].input).toEqual({
      EndpointName: 'credit-risk-staging',
      EndpointConfigName: endpointConfigName,
    });
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(world.configs.get(endpointConfigName)).toContainEqual({ Key: PREVIOUS_CONFIG_TAG, Value: 'credit-risk-v11-old' });
  });

  it('stops with a clear failure when CreateEndpointConfig is denied, and touches no endpoint', async () => {
    // Prepare
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(sdkError(SageMakerServiceException, 'AccessDeniedException', 'User is not authorized to perform: sagemaker:CreateEndpointConfig', 403));

    // Act
    const progress = await endpointTarget.start(target, ctx);

    // Assess
    expect(progress.state).toBe('failed');
    expect(progress.message).toMatch(
      new RegExp(`creating endpoint config ${endpointConfigName}: SageMaker CreateEndpointConfig .* AccessDeniedException .*not retryable`),
    );
    expect(progress.resources).toMatchObject({ modelName });
    expect(sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });

  it('throws a retryable AwsCallError on throttling, so the state machine retries the step', async () => {
    // Prepare
    sagemaker.on(CreateModelCommand).rejects(sdkError(SageMakerServiceException, 'ThrottlingException', 'Rate exceeded'));

    // Act
    const attempt = endpointTarget.start(target, ctx);

    // Assess
    await expect(attempt).rejects.toThrow(AwsCallError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, operation: 'CreateModel' });
  });

  it('refuses a target outside the allow-list with no STS or SageMaker call', async () => {
    // Act
    const attempt = endpointTarget.start(
      {
        ...target,
        account: '333333333333',
        roleArn: 'arn:aws:iam::333333333333:role/modelgate-promoter',
        executionRoleArn: 'arn:aws:iam::333333333333:role/x',
      },
      ctx,
    );

    // Assess
    await expect(attempt).rejects.toThrow(RefusedError);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('refuses to update an endpoint that is busy with another change', async () => {
    // Prepare
    world.endpoints.set('credit-risk-staging', { config: 'someone-else', status: 'Updating' });

    // Act
    const progress = await endpointTarget.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'failed' });
    expect(progress.message).toMatch(/is Updating/);
    expect(sagemaker.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  it('plans and creates nothing in a dry run; fails a Bedrock subject without a call', async () => {
    // Act
    const dry = await endpointTarget.start(target, stepContext({ dryRun: true }));
    const bedrock = await endpointTarget.start(target, stepContext({ subject: { ...ctx.subject, kind: 'bedrock-custom-model' } }));

    // Assess
    expect(dry).toMatchObject({ state: 'succeeded', resources: { dryRun: 'true' } });
    expect(dry.message).toMatch(/^dry run: sagemaker-endpoint created nothing; it would: create SageMaker model/);
    expect(bedrock.state).toBe('failed');
    expect(sagemaker.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('sagemaker-endpoint poll', () => {
  it('waits while Creating and succeeds once InService on this step config', async () => {
    // Prepare
    const started = await endpointTarget.start(target, ctx);

    // Act
    const creating = await endpointTarget.poll(target, ctx, started);
    world.settle('credit-risk-staging');
    const done = await endpointTarget.poll(target, ctx, creating);

    // Assess
    expect(creating).toMatchObject({ state: 'in_progress', message: expect.stringMatching(/is Creating/) });
    expect(done).toMatchObject({ state: 'succeeded', resources: { endpointArn: arn('endpoint', 'credit-risk-staging') } });
  });

  it('fails with the FailureReason when the endpoint fails', async () => {
    // Prepare
    const started = await endpointTarget.start(target, ctx);
    Object.assign(world.endpoints.get('credit-risk-staging')!, {
      status: 'Failed',
      failure: 'The primary container for production variant AllTraffic did not pass the ping health check.',
    });

    // Act
    const progress = await endpointTarget.poll(target, ctx, started);

    // Assess
    expect(progress.state).toBe('failed');
    expect(progress.message).toMatch(/is Failed: The primary container .* did not pass the ping health check/);
  });

  it('fails when a blue/green update fell back to the old fleet', async () => {
    // Prepare
    world.endpoints.set('credit-risk-staging', { config: 'credit-risk-v11-old', status: 'InService' });
    const started = await endpointTarget.start(target, ctx);
    Object.assign(world.endpoints.get('credit-risk-staging')!, { status: 'InService', pending: undefined, failure: 'health check failed' });

    // Act
    const progress = await endpointTarget.poll(target, ctx, started);

    // Assess
    expect(progress).toMatchObject({ state: 'failed', previous: { endpointConfigName: 'credit-risk-v11-old' } });
    expect(progress.message).toMatch(/InService on credit-risk-v11-old, not .*the change did not take: health check failed/);
  });
});

describe('sagemaker-endpoint rollback', () => {
  it('puts an updated endpoint back on its previous config and waits for it', async () => {
    // Prepare
    world.endpoints.set('credit-risk-staging', { config: 'credit-risk-v11-old', status: 'InService' });
    const started = await endpointTarget.start(target, ctx);
    world.settle('credit-risk-staging');
    const deployed = await endpointTarget.poll(target, ctx, started);

    // Act
    const rolling = await endpointTarget.rollback(target, ctx, deployed);
    const waiting = await endpointTarget.poll(target, ctx, rolling);
    world.settle('credit-risk-staging');
    const rolledBack = await endpointTarget.poll(target, ctx, waiting);

    // Assess
    expect(deployed.state).toBe('succeeded');
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[1]!.args[0].input).toEqual({
      EndpointName: 'credit-risk-staging',
      EndpointConfigName: 'credit-risk-v11-old',
    });
    expect(rolling).toMatchObject({ state: 'in_progress', resources: { rollingBackTo: 'credit-risk-v11-old' } });
    expect(waiting.state).toBe('in_progress');
    expect(rolledBack).toMatchObject({ state: 'succeeded', message: expect.stringMatching(/InService on credit-risk-v11-old \(rolled back\)/) });
    expect(world.endpoints.get('credit-risk-staging')!.config).toBe('credit-risk-v11-old');
  });

  it('does not redeploy when a failed update already left the endpoint on its previous config', async () => {
    // Prepare
    world.endpoints.set('credit-risk-staging', { config: 'credit-risk-v11-old', status: 'InService' });
    const started = await endpointTarget.start(target, ctx);
    Object.assign(world.endpoints.get('credit-risk-staging')!, { status: 'InService', pending: undefined });
    const failedUpdate = await endpointTarget.poll(target, ctx, started);

    // Act
    const progress = await endpointTarget.rollback(target, ctx, failedUpdate);

    // Assess
    expect(failedUpdate.state).toBe('failed');
    expect(progress).toMatchObject({ state: 'succeeded', message: expect.stringMatching(/already runs credit-risk-v11-old/) });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
  });

  it('deletes an endpoint that this step created', async () => {
    // Prepare
    const started = await endpointTarget.start(target, ctx);
    world.settle('credit-risk-staging');
    const deployed = await endpointTarget.poll(target, ctx, started);

    // Act
    const progress = await endpointTarget.rollback(target, ctx, deployed);

    // Assess
    expect(progress).toMatchObject({ state: 'succeeded', resources: { deleted: 'true' } });
    expect(sagemaker.commandCalls(DeleteEndpointCommand)[0]!.args[0].input).toEqual({ EndpointName: 'credit-risk-staging' });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(0);
  });
});

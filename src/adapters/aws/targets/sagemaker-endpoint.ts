/**
 * `sagemaker-endpoint`: serve the approved model package from a real-time endpoint in the hosting
 * account. CreateModel from the (cross-account) model package ARN, an endpoint config, then
 * CreateEndpoint when the endpoint is new or a blue/green UpdateEndpoint when it exists; wait for
 * InService.
 *
 * Idempotency: the model and the endpoint config are named after the version and the step token
 * and looked up before they are created; the endpoint counts as done by this step when it runs on
 * (or is moving to) this step's config. The config it replaced is written as a tag on this step's
 * config before the endpoint is touched, so a retried start still knows what to roll back to.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import type { DescribeEndpointCommandOutput, ProductionVariantInstanceType, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { PromotionTarget } from '../../../core/policy/types.js';
import { targetValidatorOf } from '../../../core/promotion/target-options.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { resourceName } from './naming.js';
import { sessionNameFor } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';
import {
  arnAccount,
  call,
  createOrExists,
  describeOrUndefined,
  dryRun,
  failed,
  failedOrThrow,
  inProgress,
  invalidOptions,
  needsModelPackage,
  provenanceTags,
  schemaProblems,
  succeeded,
} from './target-support.js';

const KIND = 'sagemaker-endpoint';
/** Tag on this step's endpoint config: the config the endpoint ran before, or NO_PREVIOUS. */
export const PREVIOUS_CONFIG_TAG = 'modelgate:previous-endpoint-config';
const NO_PREVIOUS = 'none';
/** The endpoint is busy with another change: UpdateEndpoint would be refused. */
const BUSY = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

// The option schema lives in core (src/core/promotion/target-options.ts) so that policy validation uses it too.
const validateOptions = targetValidatorOf(KIND);

interface EndpointOptions {
  endpointName: string;
  instanceType: string;
  instanceCount: number;
  executionRoleArn: string;
  variantName: string;
}

const optionsOf = (t: PromotionTarget): EndpointOptions => ({
  endpointName: t['endpointName'] as string,
  instanceType: t['instanceType'] as string,
  instanceCount: (t['instanceCount'] as number | undefined) ?? 1,
  executionRoleArn: t['executionRoleArn'] as string,
  variantName: (t['variantName'] as string | undefined) ?? 'AllTraffic',
});

/** The model and endpoint config this step creates (separate namespaces, so one name serves both). */
export const endpointStepNames = (ctx: TargetContext): { modelName: string; endpointConfigName: string } => {
  const name = resourceName([ctx.subject.group, `v${ctx.subject.version}`], ctx.stepToken);
  return { modelName: name, endpointConfigName: name };
};

/** Whether the endpoint runs, or is moving to, `configName`. */
const isOn = (ep: DescribeEndpointCommandOutput, configName: string): boolean =>
  ep.EndpointConfigName === configName || ep.PendingDeploymentSummary?.EndpointConfigName === configName;

export interface SageMakerEndpointTargetOptions {
  clientsFor: ClientsFor;
}

/**
 * The `sagemaker-endpoint` target kind.
 *
 * Rollback: an endpoint that this step updated goes back to the config it ran before (UpdateEndpoint,
 * then poll until InService on it); an endpoint that this step created is deleted, because before the
 * promotion nothing served there and an unverified version must not keep serving. The model and
 * endpoint config stay (they cost nothing) for investigation.
 */
export class SageMakerEndpointTarget implements HostingTarget {
  readonly kind = KIND;
  readonly #clientsFor: ClientsFor;

  constructor(options: SageMakerEndpointTargetOptions) {
    this.#clientsFor = options.clientsFor;
  }

  validate(target: PromotionTarget): string[] {
    const problems = schemaProblems(validateOptions, target, KIND);
    const roleArn = target['executionRoleArn'];
    if (problems.length === 0 && typeof roleArn === 'string' && arnAccount(roleArn) !== target.account) {
      problems.push(
        `${KIND} target: executionRoleArn ${roleArn} is not in the hosting account ${target.account} (SageMaker passes a role of the account that creates the model)`,
      );
    }
    return problems;
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    const o = optionsOf(target);
    const { modelName, endpointConfigName } = endpointStepNames(ctx);
    const where = `account ${target.account} ${target.region} as ${target.roleArn}`;
    return [
      `create SageMaker model ${modelName} from ${ctx.modelPackage.ModelPackageArn} (${where}, execution role ${o.executionRoleArn})`,
      `create endpoint config ${endpointConfigName}: variant ${o.variantName}, ${o.instanceCount} x ${o.instanceType}`,
      `create endpoint ${o.endpointName}, or update it blue/green to ${endpointConfigName} (keeping the previous config for rollback)`,
      `wait until ${o.endpointName} is InService`,
    ];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    if (ctx.dryRun) return dryRun(KIND, this.plan(target, ctx));
    const problems = this.validate(target);
    if (problems.length > 0) return invalidOptions(KIND, problems);
    const wrongSubject = needsModelPackage(KIND, ctx);
    if (wrongSubject) return failed(`${wrongSubject}; nothing was created`, {});

    const o = optionsOf(target);
    const { modelName, endpointConfigName } = endpointStepNames(ctx);
    const resources: Record<string, string> = { modelName, endpointConfigName, endpointName: o.endpointName };
    let doing = `assuming ${target.roleArn}`;
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));

      doing = `reading endpoint ${o.endpointName}`;
      const endpoint = await describeOrUndefined('SageMaker', 'DescribeEndpoint', o.endpointName, () =>
        sagemaker.send(new DescribeEndpointCommand({ EndpointName: o.endpointName })),
      );
      if (endpoint?.EndpointArn) resources['endpointArn'] = endpoint.EndpointArn;
      const alreadyOurs = endpoint !== undefined && isOn(endpoint, endpointConfigName);
      if (endpoint && !alreadyOurs && BUSY.has(endpoint.EndpointStatus ?? '')) {
        return failed(
          `endpoint ${o.endpointName} is ${endpoint.EndpointStatus} (another change is under way); modelgate updates only an InService endpoint — retry the promotion when it is InService`,
          resources,
        );
      }

      doing = `creating model ${modelName}`;
      await this.#ensureModel(sagemaker, ctx, modelName, o);

      doing = `creating endpoint config ${endpointConfigName}`;
      // undefined: this step's config carries no record (made by hand?) — then rollback does nothing.
      const previousConfig = alreadyOurs ? await this.#recordedPrevious(sagemaker, endpointConfigName) : (endpoint?.EndpointConfigName ?? NO_PREVIOUS);
      await this.#ensureConfig(sagemaker, ctx, endpointConfigName, modelName, o, previousConfig ?? 'unknown');

      resources['createdEndpoint'] = previousConfig === undefined ? 'unknown' : String(previousConfig === NO_PREVIOUS);
      const previous = previousConfig === undefined || previousConfig === NO_PREVIOUS ? undefined : { endpointConfigName: previousConfig };
      if (alreadyOurs) {
        return inProgress(`endpoint ${o.endpointName} already runs or is moving to ${endpointConfigName} (${endpoint.EndpointStatus})`, resources, previous);
      }
      if (!endpoint) {
        doing = `creating endpoint ${o.endpointName}`;
        const created = await createOrExists('SageMaker', 'CreateEndpoint', o.endpointName, () =>
          sagemaker.send(new CreateEndpointCommand({ EndpointName: o.endpointName, EndpointConfigName: endpointConfigName, Tags: provenanceTags(ctx) })),
        );
        if (created !== 'exists' && created.EndpointArn) resources['endpointArn'] = created.EndpointArn;
        return inProgress(`creating endpoint ${o.endpointName} with ${endpointConfigName}`, resources);
      }
      doing = `updating endpoint ${o.endpointName} from ${previousConfig} to ${endpointConfigName}`;
      await call('SageMaker', 'UpdateEndpoint', o.endpointName, () =>
        sagemaker.send(new UpdateEndpointCommand({ EndpointName: o.endpointName, EndpointConfigName: endpointConfigName })),
      );
      return inProgress(`updating endpoint ${o.endpointName} blue/green from ${previousConfig} to ${endpointConfigName}`, resources, previous);
    } catch (err) {
      return failedOrThrow(err, doing, resources);
    }
  }

  async poll(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    if (ctx.dryRun || progress.state !== 'in_progress') return progress;
    const { endpointName, endpointConfigName, rollingBackTo } = progress.resources;
    if (!endpointName || !endpointConfigName) return failed('progress names no endpoint to wait for (was start run?)', progress.resources, progress.previous);
    const want = rollingBackTo ?? endpointConfigName;
    const keep = (p: TargetProgress): TargetProgress => ({ ...p, ...(progress.previous ? { previous: progress.previous } : {}) });
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      const ep = await describeOrUndefined('SageMaker', 'DescribeEndpoint', endpointName, () =>
        sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
      );
      const resources = { ...progress.resources, ...(ep?.EndpointArn ? { endpointArn: ep.EndpointArn } : {}) };
      if (!ep) return keep(failed(`endpoint ${endpointName} no longer exists`, resources));
      const status = ep.EndpointStatus ?? 'unknown';
      const reason = ep.FailureReason ? `: ${ep.FailureReason}` : '';
      if (status === 'InService') {
        if (ep.EndpointConfigName === want) {
          return keep(succeeded(`endpoint ${endpointName} is InService on ${want}${rollingBackTo ? ' (rolled back)' : ''}`, resources));
        }
        // Blue/green keeps the old fleet when the new one fails: InService, but on the old config.
        return keep(
          failed(
            `endpoint ${endpointName} is InService on ${ep.EndpointConfigName ?? 'an unknown config'}, not ${want}: the change did not take${reason}`,
            resources,
          ),
        );
      }
      if (status === 'Failed' || status === 'UpdateRollbackFailed' || status === 'OutOfService' || status === 'Deleting') {
        return keep(failed(`endpoint ${endpointName} is ${status}${reason || ' (no FailureReason given)'}`, resources));
      }
      return keep(inProgress(`endpoint ${endpointName} is ${status}, waiting for InService on ${want}`, resources));
    } catch (err) {
      return keep(failedOrThrow(err, `waiting for endpoint ${endpointName}`, progress.resources));
    }
  }

  async rollback(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    const { endpointName, createdEndpoint } = progress.resources;
    const previousConfig = progress.previous?.['endpointConfigName'];
    if (ctx.dryRun || !endpointName) return succeeded('nothing to roll back: this step changed no endpoint', progress.resources, progress.previous);
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      if (previousConfig) {
        const ep = await describeOrUndefined('SageMaker', 'DescribeEndpoint', endpointName, () =>
          sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
        );
        if (!ep) return failed(`cannot roll back: endpoint ${endpointName} no longer exists`, progress.resources, progress.previous);
        // A failed blue/green update leaves the endpoint on the old fleet: nothing to redeploy then.
        if (ep.EndpointStatus === 'InService' && ep.EndpointConfigName === previousConfig) {
          return succeeded(
            `endpoint ${endpointName} already runs ${previousConfig}: nothing to roll back`,
            { ...progress.resources, rollingBackTo: previousConfig },
            progress.previous,
          );
        }
        await call('SageMaker', 'UpdateEndpoint', endpointName, () =>
          sagemaker.send(new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: previousConfig })),
        );
        return inProgress(
          `rolling endpoint ${endpointName} back to ${previousConfig}`,
          { ...progress.resources, rollingBackTo: previousConfig },
          progress.previous,
        );
      }
      if (createdEndpoint === 'true') {
        const deleted = await describeOrUndefined('SageMaker', 'DeleteEndpoint', endpointName, () =>
          sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName })),
        );
        return succeeded(deleted ? `deleted endpoint ${endpointName}, which this promotion had created` : `endpoint ${endpointName} was already gone`, {
          ...progress.resources,
          deleted: 'true',
        });
      }
      return succeeded(
        `nothing rolled back: endpoint ${endpointName} has no recorded previous config and was not created by this promotion (createdEndpoint=${createdEndpoint ?? 'unset'}); check it by hand`,
        progress.resources,
        progress.previous,
      );
    } catch (err) {
      return failedOrThrow(err, `rolling back endpoint ${endpointName}`, progress.resources, progress.previous);
    }
  }

  async #ensureModel(sagemaker: SageMakerClient, ctx: TargetContext, modelName: string, o: EndpointOptions): Promise<void> {
    const existing = await describeOrUndefined('SageMaker', 'DescribeModel', modelName, () =>
      sagemaker.send(new DescribeModelCommand({ ModelName: modelName })),
    );
    if (existing) return;
    await createOrExists('SageMaker', 'CreateModel', modelName, () =>
      sagemaker.send(
        new CreateModelCommand({
          ModelName: modelName,
          ExecutionRoleArn: o.executionRoleArn,
          Containers: [{ ModelPackageName: ctx.modelPackage.ModelPackageArn }],
          Tags: provenanceTags(ctx),
        }),
      ),
    );
  }

  async #ensureConfig(
    sagemaker: SageMakerClient,
    ctx: TargetContext,
    configName: string,
    modelName: string,
    o: EndpointOptions,
    previousConfig: string,
  ): Promise<void> {
    const existing = await describeOrUndefined('SageMaker', 'DescribeEndpointConfig', configName, () =>
      sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
    );
    if (existing) return;
    await createOrExists('SageMaker', 'CreateEndpointConfig', configName, () =>
      sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: configName,
          ProductionVariants: [
            {
              VariantName: o.variantName,
              ModelName: modelName,
              InstanceType: o.instanceType as ProductionVariantInstanceType,
              InitialInstanceCount: o.instanceCount,
              InitialVariantWeight: 1,
            },
          ],
          Tags: [...provenanceTags(ctx), { Key: PREVIOUS_CONFIG_TAG, Value: previousConfig }],
        }),
      ),
    );
  }

  /** The previous config recorded on this step's config (a retried start after the endpoint moved). */
  async #recordedPrevious(sagemaker: SageMakerClient, configName: string): Promise<string | undefined> {
    const config = await describeOrUndefined('SageMaker', 'DescribeEndpointConfig', configName, () =>
      sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
    );
    if (!config?.EndpointConfigArn) return undefined;
    const arn = config.EndpointConfigArn;
    const tags = await call('SageMaker', 'ListTags', arn, () => sagemaker.send(new ListTagsCommand({ ResourceArn: arn })));
    const value = tags.Tags?.find((t) => t.Key === PREVIOUS_CONFIG_TAG)?.Value;
    return value === undefined || value === 'unknown' ? undefined : value;
  }
}

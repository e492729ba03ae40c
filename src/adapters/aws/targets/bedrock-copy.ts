/**
 * `bedrock-copy`: get a Bedrock custom model from the research account into a hosting account and
 * Region. Three phases, each waited on by polling (copy jobs emit no completion event):
 *   1. sharing — in the SOURCE account (its own role), share the model with the hosting account
 *      through AWS RAM and wait for the principal association;
 *   2. copying — in the HOSTING account, in the destination Region, CreateModelCopyJob and wait;
 *   3. provisioning (optional) — CreateProvisionedModelThroughput for the copy and wait for InService
 *      (a copied custom model cannot be invoked without it).
 * `resources.phase` says where the step stands; start and poll both advance from there.
 *
 * Idempotency: the share, the target model and the provisioned model are named after the version
 * and the step token, and each is looked up (GetResourceShares, ListModelCopyJobs,
 * ListProvisionedModelThroughputs) before it is created with a client token.
 */
import {
  CreateModelCopyJobCommand,
  CreateProvisionedModelThroughputCommand,
  GetModelCopyJobCommand,
  GetProvisionedModelThroughputCommand,
  ListModelCopyJobsCommand,
  ListProvisionedModelThroughputsCommand,
} from '@aws-sdk/client-bedrock';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { PromotionTarget } from '../../../core/policy/types.js';
import { targetValidatorOf } from '../../../core/promotion/target-options.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { ensureModelShare, principalAssociation } from './bedrock-share.js';
import { BEDROCK_CLIENT_TOKEN_MAX, BEDROCK_NAME_MAX, clientToken, resourceName } from './naming.js';
import { sessionNameFor } from './role-assumer.js';
import type { RoleTarget } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';
import { arnAccount, call, dryRun, failed, failedOrThrow, inProgress, invalidOptions, present, schemaProblems, succeeded, tagValue } from './target-support.js';

const KIND = 'bedrock-copy';
const CUSTOM_MODEL_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):(\d{12}):custom-model\/.+$/;

// The option schema lives in core (src/core/promotion/target-options.ts) so that policy validation uses it too.
const validateOptions = targetValidatorOf(KIND);

interface Throughput {
  modelUnits: number;
  commitmentDuration?: 'OneMonth' | 'SixMonths';
}

/** The source model: the `sourceModelArn` option, or the subject itself when it is a Bedrock custom model. */
const sourceModelArnOf = (target: PromotionTarget, ctx: TargetContext): string | undefined =>
  (target['sourceModelArn'] as string | undefined) ?? (ctx.subject.kind === 'bedrock-custom-model' ? ctx.subject.arn : undefined);

/** Names this step uses (deterministic in the version and the step token). */
export const copyStepNames = (target: PromotionTarget, ctx: TargetContext): { shareName: string; targetModelName: string; provisionedModelName: string } => {
  const version = [ctx.subject.group, `v${ctx.subject.version}`];
  return {
    shareName: resourceName(['modelgate', ...version], ctx.stepToken, 128),
    targetModelName: (target['targetModelName'] as string | undefined) ?? resourceName(version, ctx.stepToken, BEDROCK_NAME_MAX),
    provisionedModelName: (target['provisionedModelName'] as string | undefined) ?? resourceName([...version, 'pt'], ctx.stepToken, BEDROCK_NAME_MAX),
  };
};

export interface BedrockCopyTargetOptions {
  clientsFor: ClientsFor;
}

/**
 * The `bedrock-copy` target kind. No rollback: the copy is inert until provisioned, and provisioned
 * throughput with a commitment cannot be given back — modelgate never deletes it on its own.
 */
export class BedrockCopyTarget implements HostingTarget {
  readonly kind = KIND;
  readonly #clientsFor: ClientsFor;

  constructor(options: BedrockCopyTargetOptions) {
    this.#clientsFor = options.clientsFor;
  }

  validate(target: PromotionTarget): string[] {
    const problems = schemaProblems(validateOptions, target, KIND);
    const source = target['sourceModelArn'];
    const role = target['sourceAccountRoleArn'];
    if (problems.length === 0 && typeof source === 'string' && typeof role === 'string' && arnAccount(role) !== arnAccount(source)) {
      problems.push(`${KIND} target: sourceAccountRoleArn ${role} is not in the account that owns ${source} (the share is made by the model's owner)`);
    }
    return problems;
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    const names = copyStepNames(target, ctx);
    const source = sourceModelArnOf(target, ctx) ?? '(sourceModelArn: not set and the subject is not a Bedrock custom model)';
    const pt = target['provisionedThroughput'] as Throughput | undefined;
    return [
      `share ${source} with account ${target.account} through AWS RAM (share ${names.shareName}, as ${String(target['sourceAccountRoleArn'])})`,
      `copy it to ${target.region} in account ${target.account} as ${names.targetModelName} (as ${target.roleArn}) and wait for the copy job`,
      ...(pt
        ? [
            `buy provisioned throughput ${names.provisionedModelName}: ${pt.modelUnits} model unit(s)${pt.commitmentDuration ? `, ${pt.commitmentDuration} commitment` : ', no commitment'}; wait for InService`,
          ]
        : []),
    ];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    if (ctx.dryRun) return dryRun(KIND, this.plan(target, ctx));
    const problems = this.validate(target);
    if (problems.length > 0) return invalidOptions(KIND, problems);
    const source = sourceModelArnOf(target, ctx);
    if (!source)
      return failed(
        `${KIND} needs sourceModelArn: the subject ${ctx.subject.arn} is a ${ctx.subject.kind}, not a Bedrock custom model; nothing was created`,
        {},
      );
    if (!CUSTOM_MODEL_ARN.test(source)) return failed(`${KIND}: ${source} is not a Bedrock custom model ARN; nothing was created`, {});
    if (arnAccount(source) !== arnAccount(String(target['sourceAccountRoleArn']))) {
      return failed(
        `${KIND}: sourceAccountRoleArn ${String(target['sourceAccountRoleArn'])} is not in the account that owns ${source}; nothing was created`,
        {},
      );
    }
    const names = copyStepNames(target, ctx);
    return this.#advance(target, ctx, { phase: 'sharing', sourceModelArn: source, shareName: names.shareName, targetModelName: names.targetModelName });
  }

  async poll(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    if (ctx.dryRun || progress.state !== 'in_progress') return progress;
    if (!progress.resources['phase'] || !progress.resources['sourceModelArn']) {
      return failed('progress records no phase or source model (was start run?)', progress.resources);
    }
    return this.#advance(target, ctx, { ...progress.resources });
  }

  /** Runs the phases from `resources.phase` on, until one has to wait, fails, or all are done. */
  async #advance(target: PromotionTarget, ctx: TargetContext, resources: Record<string, string>): Promise<TargetProgress> {
    const sourceArn = resources['sourceModelArn']!;
    const [, sourceRegion = '', sourceAccount = ''] = CUSTOM_MODEL_ARN.exec(sourceArn) ?? [];
    const session = sessionNameFor(ctx.runId);
    let doing = `sharing ${sourceArn} with account ${target.account}`;
    try {
      if (resources['phase'] === 'sharing') {
        const sourceRole: RoleTarget = {
          account: sourceAccount,
          region: sourceRegion,
          roleArn: String(target['sourceAccountRoleArn']),
          externalId: String(target['sourceExternalId'] ?? ''),
        };
        const { ram } = await this.#clientsFor(sourceRole, session);
        let status: string;
        let statusMessage: string | undefined;
        if (!resources['resourceShareArn']) {
          const share = await ensureModelShare(ram, {
            shareName: resources['shareName']!,
            modelArn: sourceArn,
            principal: target.account,
            clientToken: clientToken(`${ctx.stepToken}:share`, BEDROCK_CLIENT_TOKEN_MAX),
            tags: [{ key: 'modelgate:run-id', value: tagValue(ctx.runId) }],
          });
          resources['resourceShareArn'] = share.resourceShareArn;
          ({ status, statusMessage } = share);
        } else {
          // Right after CreateResourceShare the association may not be listed yet: that is "wait".
          const association = await principalAssociation(ram, resources['resourceShareArn'], target.account);
          status = association?.status ?? 'ASSOCIATING';
          statusMessage = association?.statusMessage;
        }
        if (status !== 'ASSOCIATED' && status !== 'ASSOCIATING') {
          return failed(
            `${doing}: RAM association is ${status}${statusMessage ? ` (${statusMessage})` : ''} — are both accounts in one AWS Organization with RAM sharing enabled?`,
            resources,
          );
        }
        if (status === 'ASSOCIATING') return inProgress(`${doing}: RAM association ASSOCIATING`, resources);
        resources['phase'] = 'copying';
      }

      const { bedrock } = await this.#clientsFor(target, session);
      if (resources['phase'] === 'copying') {
        doing = `copying ${sourceArn} to ${target.region} in account ${target.account} as ${resources['targetModelName']}`;
        const jobArn = resources['copyJobArn'] ?? (await this.#findOrStartCopy(bedrock, target, ctx, resources));
        resources['copyJobArn'] = jobArn;
        const job = await call('Bedrock', 'GetModelCopyJob', jobArn, () => bedrock.send(new GetModelCopyJobCommand({ jobArn })));
        if (job.status === 'Failed') return failed(`${doing}: copy job ${jobArn} failed: ${job.failureMessage ?? 'no failureMessage given'}`, resources);
        if (job.status !== 'Completed') return inProgress(`${doing}: copy job ${job.status ?? 'status unknown'}`, resources);
        if (job.targetModelArn) resources['targetModelArn'] = job.targetModelArn;
        if (!target['provisionedThroughput']) {
          resources['phase'] = 'done';
          return succeeded(`copied ${sourceArn} to ${resources['targetModelArn'] ?? resources['targetModelName']}`, resources);
        }
        resources['phase'] = 'provisioning';
      }

      if (resources['phase'] === 'provisioning') {
        const names = copyStepNames(target, ctx);
        doing = `buying provisioned throughput ${names.provisionedModelName} for ${resources['targetModelArn'] ?? resources['targetModelName']}`;
        resources['provisionedModelName'] = names.provisionedModelName;
        const ptArn = resources['provisionedModelArn'] ?? (await this.#findOrBuyThroughput(bedrock, target, ctx, resources, names.provisionedModelName));
        resources['provisionedModelArn'] = ptArn;
        const pt = await call('Bedrock', 'GetProvisionedModelThroughput', ptArn, () =>
          bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: ptArn })),
        );
        if (pt.status === 'Failed') return failed(`${doing}: ${pt.failureMessage ?? 'Failed, no failureMessage given'}`, resources);
        if (pt.status !== 'InService') return inProgress(`${doing}: ${pt.status ?? 'status unknown'}`, resources);
        resources['phase'] = 'done';
        return succeeded(`copied ${sourceArn} and provisioned ${ptArn} (InService)`, resources);
      }
      return resources['phase'] === 'done' ? succeeded('already done', resources) : failed(`unknown phase ${JSON.stringify(resources['phase'])}`, resources);
    } catch (err) {
      return failedOrThrow(err, doing, resources);
    }
  }

  async #findOrStartCopy(bedrock: BedrockClient, target: PromotionTarget, ctx: TargetContext, resources: Record<string, string>): Promise<string> {
    const sourceModelArn = resources['sourceModelArn']!;
    const targetModelName = resources['targetModelName']!;
    const listed = await call('Bedrock', 'ListModelCopyJobs', targetModelName, () =>
      bedrock.send(
        new ListModelCopyJobsCommand({
          sourceModelArnEquals: sourceModelArn,
          targetModelNameContains: targetModelName,
          sortBy: 'CreationTime',
          sortOrder: 'Descending',
          maxResults: 50,
        }),
      ),
    );
    const existing = listed.modelCopyJobSummaries?.find((j) => j.targetModelName === targetModelName);
    if (existing?.jobArn) return existing.jobArn;
    const kmsKey = target['modelKmsKeyId'] as string | undefined;
    const created = await call('Bedrock', 'CreateModelCopyJob', targetModelName, () =>
      bedrock.send(
        new CreateModelCopyJobCommand({
          sourceModelArn,
          targetModelName,
          clientRequestToken: clientToken(ctx.stepToken, BEDROCK_CLIENT_TOKEN_MAX),
          ...(kmsKey ? { modelKmsKeyId: kmsKey } : {}),
          targetModelTags: [
            { key: 'modelgate:run-id', value: tagValue(ctx.runId) },
            { key: 'modelgate:source-model-arn', value: tagValue(sourceModelArn) },
          ],
        }),
      ),
    );
    return present(created.jobArn, 'Bedrock', 'CreateModelCopyJob', targetModelName, 'jobArn');
  }

  async #findOrBuyThroughput(
    bedrock: BedrockClient,
    target: PromotionTarget,
    ctx: TargetContext,
    resources: Record<string, string>,
    name: string,
  ): Promise<string> {
    const listed = await call('Bedrock', 'ListProvisionedModelThroughputs', name, () =>
      bedrock.send(new ListProvisionedModelThroughputsCommand({ nameContains: name, maxResults: 50 })),
    );
    const existing = listed.provisionedModelSummaries?.find((p) => p.provisionedModelName === name);
    if (existing?.provisionedModelArn) return existing.provisionedModelArn;
    const pt = target['provisionedThroughput'] as Throughput;
    const modelId = resources['targetModelArn'] ?? resources['targetModelName']!;
    const created = await call('Bedrock', 'CreateProvisionedModelThroughput', name, () =>
      bedrock.send(
        new CreateProvisionedModelThroughputCommand({
          clientRequestToken: clientToken(`${ctx.stepToken}:throughput`, BEDROCK_CLIENT_TOKEN_MAX),
          modelUnits: pt.modelUnits,
          provisionedModelName: name,
          modelId,
          ...(pt.commitmentDuration ? { commitmentDuration: pt.commitmentDuration } : {}),
          tags: [{ key: 'modelgate:run-id', value: tagValue(ctx.runId) }],
        }),
      ),
    );
    return present(created.provisionedModelArn, 'Bedrock', 'CreateProvisionedModelThroughput', name, 'provisionedModelArn');
  }
}

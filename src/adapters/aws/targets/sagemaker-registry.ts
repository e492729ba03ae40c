/**
 * `sagemaker-registry`: register the approved version in the hosting account's own model registry,
 * Approved, pointing at the same containers and artifacts, with metadata that links back to the
 * source version and the run. For hosting teams whose deployer watches their own registry.
 *
 * Idempotency, twice over: CreateModelPackage gets a ClientToken derived from the step token, and
 * before creating anything the newest versions of the group are searched for the step's marker in
 * their description (a client token is only remembered by the service for a while).
 */
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import type { InferenceSpecification, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { PromotionTarget } from '../../../core/policy/types.js';
import { targetValidatorOf } from '../../../core/promotion/target-options.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { SAGEMAKER_CLIENT_TOKEN_MAX, clientToken, tokenDigest } from './naming.js';
import { sessionNameFor } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';
import {
  call,
  createOrExists,
  describeOrUndefined,
  dryRun,
  failed,
  failedOrThrow,
  inProgress,
  invalidOptions,
  needsModelPackage,
  schemaProblems,
  succeeded,
  tagValue,
} from './target-support.js';

const KIND = 'sagemaker-registry';
/** Versions searched for an earlier attempt's marker: the newest 3 pages of 100. */
const SEARCH_PAGES = 3;
/** Metadata keys modelgate writes on the hosting account's version. */
export const SOURCE_ARN_KEY = 'modelgate:source-model-package-arn';
export const RUN_ID_KEY = 'modelgate:run-id';
/** Carried over from the source version, so that endpoint-smoke finds it in the hosting account too. */
const CARRIED_KEYS = ['modelgate:sample-payload', 'modelgate:sample-payload-content-type'];

// The option schema lives in core (src/core/promotion/target-options.ts) so that policy validation uses it too.
const validateOptions = targetValidatorOf(KIND);

/** The marker in ModelPackageDescription by which a retried step finds the version it registered. */
export const registryStepMarker = (stepToken: string): string => `[modelgate-step:${tokenDigest(stepToken, 16)}]`;

const groupOf = (target: PromotionTarget, ctx: TargetContext): string => (target['modelPackageGroupName'] as string | undefined) ?? ctx.subject.group;

export interface SageMakerRegistryTargetOptions {
  clientsFor: ClientsFor;
}

/**
 * The `sagemaker-registry` target kind. Rollback sets the hosting account's version to Rejected (it
 * cannot be deleted from under a deployer that may have read it), so no deployer picks it up.
 */
export class SageMakerRegistryTarget implements HostingTarget {
  readonly kind = KIND;
  readonly #clientsFor: ClientsFor;

  constructor(options: SageMakerRegistryTargetOptions) {
    this.#clientsFor = options.clientsFor;
  }

  validate(target: PromotionTarget): string[] {
    return schemaProblems(validateOptions, target, KIND);
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    const group = groupOf(target, ctx);
    return [
      `create model package group ${group} in account ${target.account} ${target.region} if absent (as ${target.roleArn})`,
      `register a version of ${group}, Approved, with the InferenceSpecification of ${ctx.modelPackage.ModelPackageArn} and metadata linking back to it and to run ${ctx.runId}`,
      'wait until the version is Completed',
    ];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    if (ctx.dryRun) return dryRun(KIND, this.plan(target, ctx));
    const problems = this.validate(target);
    if (problems.length > 0) return invalidOptions(KIND, problems);
    const wrongSubject = needsModelPackage(KIND, ctx);
    if (wrongSubject) return failed(`${wrongSubject}; nothing was created`, {});
    const spec = ctx.modelPackage.InferenceSpecification;
    if (!spec || typeof spec !== 'object' || !Array.isArray((spec as { Containers?: unknown }).Containers)) {
      return failed(`${ctx.modelPackage.ModelPackageArn} has no InferenceSpecification with Containers: nothing to register; nothing was created`, {});
    }

    const group = groupOf(target, ctx);
    const resources: Record<string, string> = { modelPackageGroupName: group };
    let doing = `assuming ${target.roleArn}`;
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));

      doing = `creating model package group ${group}`;
      const existingGroup = await describeOrUndefined('SageMaker', 'DescribeModelPackageGroup', group, () =>
        sagemaker.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group })),
      );
      if (!existingGroup) {
        const description =
          (target['modelPackageGroupDescription'] as string | undefined) ?? `Versions promoted by modelgate from ${ctx.subject.group} (${ctx.subject.account})`;
        await createOrExists('SageMaker', 'CreateModelPackageGroup', group, () =>
          sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group, ModelPackageGroupDescription: description.slice(0, 1024) })),
        );
      }

      doing = `looking for a version of ${group} registered by this step`;
      const marker = registryStepMarker(ctx.stepToken);
      let arn = await this.#findMarked(sagemaker, group, marker);
      if (!arn) {
        doing = `registering a version of ${group}`;
        const created = await call('SageMaker', 'CreateModelPackage', group, () =>
          sagemaker.send(
            new CreateModelPackageCommand({
              ModelPackageGroupName: group,
              ModelPackageDescription: `Promoted by modelgate run ${ctx.runId} from ${ctx.modelPackage.ModelPackageArn} ${marker}`.slice(0, 1024),
              InferenceSpecification: spec as InferenceSpecification,
              ModelApprovalStatus: 'Approved',
              CustomerMetadataProperties: this.#metadata(ctx),
              ClientToken: clientToken(ctx.stepToken, SAGEMAKER_CLIENT_TOKEN_MAX),
            }),
          ),
        );
        arn = created.ModelPackageArn;
      }
      if (!arn) return failed(`CreateModelPackage in ${group} returned no ModelPackageArn`, resources);
      resources['modelPackageArn'] = arn;
      return inProgress(`registered ${arn} (Approved), waiting for it to be Completed`, resources);
    } catch (err) {
      return failedOrThrow(err, doing, resources);
    }
  }

  async poll(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    if (ctx.dryRun || progress.state !== 'in_progress') return progress;
    const arn = progress.resources['modelPackageArn'];
    if (!arn) return failed('progress names no model package to wait for (was start run?)', progress.resources);
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      const pkg = await describeOrUndefined('SageMaker', 'DescribeModelPackage', arn, () =>
        sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
      );
      if (!pkg) return failed(`${arn} no longer exists`, progress.resources);
      const status = pkg.ModelPackageStatus ?? 'unknown';
      if (status === 'Completed') return succeeded(`${arn} is registered, Approved`, progress.resources);
      if (status === 'Failed' || status === 'Deleting') {
        const details = (pkg.ModelPackageStatusDetails?.ValidationStatuses ?? [])
          .map((v) => `${v.Name ?? '?'}: ${v.Status ?? '?'}${v.FailureReason ? ` (${v.FailureReason})` : ''}`)
          .join('; ');
        return failed(`${arn} is ${status}${details ? `: ${details}` : ''}`, progress.resources);
      }
      return inProgress(`${arn} is ${status}`, progress.resources);
    } catch (err) {
      return failedOrThrow(err, `waiting for ${arn}`, progress.resources);
    }
  }

  async rollback(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    const arn = progress.resources['modelPackageArn'];
    if (ctx.dryRun || !arn) return succeeded('nothing to roll back: this step registered no version', progress.resources);
    try {
      const { sagemaker } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      await call('SageMaker', 'UpdateModelPackage', arn, () =>
        sagemaker.send(
          new UpdateModelPackageCommand({
            ModelPackageArn: arn,
            ModelApprovalStatus: 'Rejected',
            ApprovalDescription: `Rolled back by modelgate: promotion ${ctx.promotionId} failed at stage ${ctx.stage} (run ${ctx.runId})`.slice(0, 1024),
          }),
        ),
      );
      return succeeded(`set ${arn} to Rejected`, { ...progress.resources, rolledBack: 'true' });
    } catch (err) {
      return failedOrThrow(err, `rejecting ${arn}`, progress.resources);
    }
  }

  #metadata(ctx: TargetContext): Record<string, string> {
    const meta: Record<string, string> = {
      [SOURCE_ARN_KEY]: tagValue(ctx.modelPackage.ModelPackageArn),
      [RUN_ID_KEY]: tagValue(ctx.runId),
      'modelgate:promotion-id': tagValue(ctx.promotionId),
      'modelgate:stage': tagValue(ctx.stage),
    };
    for (const key of CARRIED_KEYS) {
      const value = ctx.modelPackage.CustomerMetadataProperties?.[key];
      if (value) meta[key] = value;
    }
    return meta;
  }

  async #findMarked(sagemaker: SageMakerClient, group: string, marker: string): Promise<string | undefined> {
    let next: string | undefined;
    for (let page = 0; page < SEARCH_PAGES; page++) {
      const out = await call('SageMaker', 'ListModelPackages', group, () =>
        sagemaker.send(
          new ListModelPackagesCommand({
            ModelPackageGroupName: group,
            ModelPackageType: 'Versioned',
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: 100,
            ...(next ? { NextToken: next } : {}),
          }),
        ),
      );
      const hit = out.ModelPackageSummaryList?.find((s) => s.ModelPackageDescription?.includes(marker));
      if (hit?.ModelPackageArn) return hit.ModelPackageArn;
      next = out.NextToken;
      if (!next) return undefined;
    }
    return undefined;
  }
}

/**
 * `bedrock-import`: Bedrock Custom Model Import in the hosting account, from Hugging Face weights
 * (safetensors) under the research account's S3 prefix. Bedrock reads the bucket as the import
 * execution role (a role in the hosting account, trusted by bedrock.amazonaws.com, that the
 * research account's bucket and key policies admit — CROSS-ACCOUNT.md). Import jobs emit no
 * completion event: poll GetModelImportJob.
 *
 * Idempotency: the job and the imported model are named after the version and the step token; the
 * job is looked up by name before it is created with a client request token.
 */
import { CreateModelImportJobCommand, GetModelImportJobCommand, ListModelImportJobsCommand } from '@aws-sdk/client-bedrock';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { PromotionTarget } from '../../../core/policy/types.js';
import { targetValidatorOf } from '../../../core/promotion/target-options.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { AwsCallError } from '../aws-call-error.js';
import { BEDROCK_CLIENT_TOKEN_MAX, BEDROCK_NAME_MAX, clientToken, resourceName } from './naming.js';
import { sessionNameFor } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';
import {
  arnAccount,
  call,
  dryRun,
  failed,
  failedOrThrow,
  inProgress,
  invalidOptions,
  isAlreadyExists,
  present,
  schemaProblems,
  succeeded,
  tagValue,
} from './target-support.js';

const KIND = 'bedrock-import';

// The option schema lives in core (src/core/promotion/target-options.ts) so that policy validation uses it too.
const validateOptions = targetValidatorOf(KIND);

/** The job and model names this step uses. */
export const importStepNames = (target: PromotionTarget, ctx: TargetContext): { jobName: string; importedModelName: string } => {
  const version = [ctx.subject.group, `v${ctx.subject.version}`];
  return {
    jobName: resourceName([...version, 'import'], ctx.stepToken, BEDROCK_NAME_MAX),
    importedModelName: (target['importedModelName'] as string | undefined) ?? resourceName(version, ctx.stepToken, BEDROCK_NAME_MAX),
  };
};

export interface BedrockImportTargetOptions {
  clientsFor: ClientsFor;
}

/**
 * The `bedrock-import` target kind. No rollback: an imported model serves nothing until someone
 * invokes it, and it is the evidence of what was imported.
 */
export class BedrockImportTarget implements HostingTarget {
  readonly kind = KIND;
  readonly #clientsFor: ClientsFor;

  constructor(options: BedrockImportTargetOptions) {
    this.#clientsFor = options.clientsFor;
  }

  validate(target: PromotionTarget): string[] {
    const problems = schemaProblems(validateOptions, target, KIND);
    const role = target['importRoleArn'];
    if (problems.length === 0 && typeof role === 'string' && arnAccount(role) !== target.account) {
      problems.push(
        `${KIND} target: importRoleArn ${role} is not in the hosting account ${target.account} (Bedrock assumes an import role of the account that imports)`,
      );
    }
    return problems;
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    const { jobName, importedModelName } = importStepNames(target, ctx);
    return [
      `import ${String(target['s3Uri'])} into Bedrock in account ${target.account} ${target.region} as ${importedModelName} (job ${jobName}, import role ${String(target['importRoleArn'])}, as ${target.roleArn})`,
      'wait for the import job to complete',
    ];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    if (ctx.dryRun) return dryRun(KIND, this.plan(target, ctx));
    const problems = this.validate(target);
    if (problems.length > 0) return invalidOptions(KIND, problems);
    const { jobName, importedModelName } = importStepNames(target, ctx);
    const resources: Record<string, string> = { jobName, importedModelName };
    let doing = `assuming ${target.roleArn}`;
    try {
      const { bedrock } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      doing = `starting import job ${jobName}`;
      let jobArn = await this.#find(bedrock, jobName);
      if (!jobArn) {
        const kmsKey = target['importedModelKmsKeyId'] as string | undefined;
        try {
          const created = await bedrock.send(
            new CreateModelImportJobCommand({
              jobName,
              importedModelName,
              roleArn: String(target['importRoleArn']),
              modelDataSource: { s3DataSource: { s3Uri: String(target['s3Uri']) } },
              clientRequestToken: clientToken(ctx.stepToken, BEDROCK_CLIENT_TOKEN_MAX),
              ...(kmsKey ? { importedModelKmsKeyId: kmsKey } : {}),
              jobTags: [{ key: 'modelgate:run-id', value: tagValue(ctx.runId) }],
              importedModelTags: [
                { key: 'modelgate:run-id', value: tagValue(ctx.runId) },
                { key: 'modelgate:source', value: tagValue(String(target['s3Uri'])) },
              ],
            }),
          );
          jobArn = created.jobArn;
        } catch (err) {
          // A concurrent attempt of this step got there first: use its job.
          if (!isAlreadyExists(err)) throw new AwsCallError('Bedrock', 'CreateModelImportJob', jobName, err);
          jobArn = await this.#find(bedrock, jobName);
          if (!jobArn) throw new AwsCallError('Bedrock', 'CreateModelImportJob', jobName, err);
        }
      }
      resources['jobArn'] = present(jobArn, 'Bedrock', 'CreateModelImportJob', jobName, 'jobArn');
      return inProgress(`import job ${jobName} started`, resources);
    } catch (err) {
      return failedOrThrow(err, doing, resources);
    }
  }

  async poll(target: PromotionTarget, ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    if (ctx.dryRun || progress.state !== 'in_progress') return progress;
    const jobArn = progress.resources['jobArn'];
    if (!jobArn) return failed('progress names no import job to wait for (was start run?)', progress.resources);
    try {
      const { bedrock } = await this.#clientsFor(target, sessionNameFor(ctx.runId));
      const job = await call('Bedrock', 'GetModelImportJob', jobArn, () => bedrock.send(new GetModelImportJobCommand({ jobIdentifier: jobArn })));
      const resources = { ...progress.resources, ...(job.importedModelArn ? { importedModelArn: job.importedModelArn } : {}) };
      if (job.status === 'Completed') return succeeded(`imported ${job.importedModelArn ?? progress.resources['importedModelName']}`, resources);
      if (job.status === 'Failed') return failed(`import job ${jobArn} failed: ${job.failureMessage ?? 'no failureMessage given'}`, resources);
      return inProgress(`import job ${jobArn} is ${job.status ?? 'in an unknown state'}`, resources);
    } catch (err) {
      return failedOrThrow(err, `waiting for import job ${jobArn}`, progress.resources);
    }
  }

  async #find(bedrock: BedrockClient, jobName: string): Promise<string | undefined> {
    const listed = await call('Bedrock', 'ListModelImportJobs', jobName, () =>
      bedrock.send(new ListModelImportJobsCommand({ nameContains: jobName, sortBy: 'CreationTime', sortOrder: 'Descending', maxResults: 50 })),
    );
    return listed.modelImportJobSummaries?.find((j) => j.jobName === jobName)?.jobArn;
  }
}

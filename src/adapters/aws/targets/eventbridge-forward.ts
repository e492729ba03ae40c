/**
 * `eventbridge-forward`: put a `Model Promoted` event on the hosting account's bus, for teams with
 * their own deployer. The event carries references (ARNs, URIs, the run id), never payloads.
 *
 * Idempotency: PutEvents has no client token, so a retried step may put the event again (at least
 * once, like every EventBridge delivery). The detail carries `idempotencyKey` (the step token) and
 * the entry lists the source ARN as a resource: consumers dedupe on the key.
 */
import type { PromotionTarget } from '../../../core/policy/types.js';
import { targetValidatorOf } from '../../../core/promotion/target-options.js';
import type { HostingTarget, TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { EventBridgePublisher, EventTooLargeError, PublishError } from '../eventbridge-publisher.js';
import { sessionNameFor } from './role-assumer.js';
import type { ClientsFor } from './target-clients.js';
import { arnAccount, dryRun, failed, failedOrThrow, invalidOptions, schemaProblems, succeeded } from './target-support.js';

const KIND = 'eventbridge-forward';
export const MODEL_PROMOTED = 'Model Promoted';

// The option schema lives in core (src/core/promotion/target-options.ts) so that policy validation uses it too.
const validateOptions = targetValidatorOf(KIND);

/** The `Model Promoted` detail: what a hosting team's deployer needs to act and to dedupe. */
export interface ModelPromotedDetail {
  idempotencyKey: string;
  runId: string;
  promotionId: string;
  stage: string;
  subject: { kind: string; arn: string; group: string; version: string; account: string; region: string };
  modelPackageArn: string;
  /** Containers' images and model data URIs (SageMaker); empty for a Bedrock custom model. */
  artifacts: Array<{ image?: string; modelDataUrl?: string }>;
  inferenceSpecification?: unknown;
}

const artifactsOf = (spec: unknown): ModelPromotedDetail['artifacts'] => {
  const containers = (spec as { Containers?: unknown } | undefined)?.Containers;
  if (!Array.isArray(containers)) return [];
  return containers.map((c: { Image?: unknown; ModelDataUrl?: unknown }) => ({
    ...(typeof c.Image === 'string' ? { image: c.Image } : {}),
    ...(typeof c.ModelDataUrl === 'string' ? { modelDataUrl: c.ModelDataUrl } : {}),
  }));
};

/** The event detail for `ctx`. */
export const modelPromotedDetail = (ctx: TargetContext): ModelPromotedDetail => {
  const { kind, arn, group, version, account, region } = ctx.subject;
  return {
    idempotencyKey: ctx.stepToken,
    runId: ctx.runId,
    promotionId: ctx.promotionId,
    stage: ctx.stage,
    subject: { kind, arn, group, version, account, region },
    modelPackageArn: ctx.modelPackage.ModelPackageArn,
    artifacts: artifactsOf(ctx.modelPackage.InferenceSpecification),
    ...(ctx.modelPackage.InferenceSpecification !== undefined ? { inferenceSpecification: ctx.modelPackage.InferenceSpecification } : {}),
  };
};

export interface EventBridgeForwardTargetOptions {
  clientsFor: ClientsFor;
  /** Injectable for tests: the wait between retries of failed entries. */
  sleep?: (ms: number) => Promise<void>;
  /** Rounds of PutEvents for entries that keep failing with a retryable code (default 4). */
  maxAttempts?: number;
}

/** The `eventbridge-forward` target kind. Nothing to roll back: an event cannot be unsent. */
export class EventBridgeForwardTarget implements HostingTarget {
  readonly kind = KIND;
  readonly #options: EventBridgeForwardTargetOptions;

  constructor(options: EventBridgeForwardTargetOptions) {
    this.#options = options;
  }

  validate(target: PromotionTarget): string[] {
    const problems = schemaProblems(validateOptions, target, KIND);
    const arn = target['eventBusArn'];
    const name = target['eventBusName'];
    if ((arn === undefined) === (name === undefined)) {
      problems.push(`${KIND} target: set exactly one of eventBusArn and eventBusName (the hosting account's bus)`);
    }
    if (typeof arn === 'string' && problems.length === 0 && arnAccount(arn) !== target.account) {
      problems.push(`${KIND} target: eventBusArn ${arn} is not in the hosting account ${target.account}`);
    }
    return problems;
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    return [
      `put a "${MODEL_PROMOTED}" event for ${ctx.modelPackage.ModelPackageArn} (run ${ctx.runId}, stage ${ctx.stage}) on bus ${busOf(target)} in account ${target.account} ${target.region} (as ${target.roleArn})`,
    ];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    if (ctx.dryRun) return dryRun(KIND, this.plan(target, ctx));
    const problems = this.validate(target);
    if (problems.length > 0) return invalidOptions(KIND, problems);
    const bus = busOf(target);
    const resources: Record<string, string> = { eventBus: bus, idempotencyKey: ctx.stepToken };
    try {
      const { eventBridge } = await this.#options.clientsFor(target, sessionNameFor(ctx.runId));
      const publisher = new EventBridgePublisher({
        client: eventBridge,
        busName: bus,
        source: (target['source'] as string | undefined) ?? 'modelgate',
        ...(this.#options.sleep ? { sleep: this.#options.sleep } : {}),
        ...(this.#options.maxAttempts ? { maxAttempts: this.#options.maxAttempts } : {}),
      });
      await publisher.publish([{ detailType: MODEL_PROMOTED, detail: { ...modelPromotedDetail(ctx) }, resources: [ctx.subject.arn] }]);
      return succeeded(`put "${MODEL_PROMOTED}" on ${bus} in account ${target.account}`, resources);
    } catch (err) {
      if (err instanceof EventTooLargeError || (err instanceof PublishError && !err.retryable)) {
        return failed(`putting "${MODEL_PROMOTED}" on ${bus}: ${err.message}`, resources);
      }
      return failedOrThrow(err, `putting "${MODEL_PROMOTED}" on ${bus}`, resources);
    }
  }

  /** PutEvents completes in start: there is nothing to wait for. */
  async poll(_target: PromotionTarget, _ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    return progress;
  }
}

const busOf = (target: PromotionTarget): string => (target['eventBusArn'] as string | undefined) ?? (target['eventBusName'] as string);

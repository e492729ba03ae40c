/**
 * Promotion targets for the embedded stack and `--dry-run`: they validate and plan exactly as the
 * AWS adapters do (they ARE the AWS adapters' `validate` and `plan`, with no way to reach AWS), and
 * `start` records the plan and says plainly that nothing was created.
 */
import type { PromotionTarget } from '../../core/policy/types.js';
import type { HostingTarget, StageVerifier, TargetContext, TargetProgress } from '../../core/promotion/types.js';
import { BedrockCopyTarget } from '../aws/targets/bedrock-copy.js';
import { BedrockImportTarget } from '../aws/targets/bedrock-import.js';
import { EndpointSmokeVerifier } from '../aws/targets/endpoint-smoke.js';
import { EventBridgeForwardTarget } from '../aws/targets/eventbridge-forward.js';
import { SageMakerEndpointTarget } from '../aws/targets/sagemaker-endpoint.js';
import { SageMakerRegistryTarget } from '../aws/targets/sagemaker-registry.js';
import type { ClientsFor } from '../aws/targets/target-clients.js';

/** Every target kind of policy.schema.json. */
export const TARGET_KINDS = ['sagemaker-endpoint', 'sagemaker-registry', 'eventbridge-forward', 'bedrock-copy', 'bedrock-import'] as const;

export const DRY_RUN_MESSAGE = 'dry run: nothing was created';

/** A dry run never builds an AWS client; reaching this is a bug, said loudly. */
const noClients: ClientsFor = async (target) => {
  throw new Error(`dry run: no AWS client may be built (asked for ${target.roleArn}); dry-run targets only plan`);
};

const awsTargetOf = (kind: (typeof TARGET_KINDS)[number]): HostingTarget => {
  switch (kind) {
    case 'sagemaker-endpoint':
      return new SageMakerEndpointTarget({ clientsFor: noClients });
    case 'sagemaker-registry':
      return new SageMakerRegistryTarget({ clientsFor: noClients });
    case 'eventbridge-forward':
      return new EventBridgeForwardTarget({ clientsFor: noClients });
    case 'bedrock-copy':
      return new BedrockCopyTarget({ clientsFor: noClients });
    case 'bedrock-import':
      return new BedrockImportTarget({ clientsFor: noClients });
  }
};

/** What a dry-run target did: the plans it recorded, for the local stack and tests. */
export interface DryRunRecord {
  kind: string;
  stage: string;
  stepToken: string;
  account: string;
  lines: string[];
}

/**
 * A dry-run HostingTarget for one kind.
 *
 * @example
 * ```ts
 * const target = new DryRunTarget('sagemaker-endpoint');
 * await target.start(policyTarget, ctx); // { state: 'succeeded', message: 'dry run: nothing was created; ...' }
 * ```
 */
export class DryRunTarget implements HostingTarget {
  readonly kind: string;
  readonly recorded: DryRunRecord[] = [];
  readonly #aws: HostingTarget;

  constructor(kind: (typeof TARGET_KINDS)[number]) {
    this.kind = kind;
    this.#aws = awsTargetOf(kind);
  }

  validate(target: PromotionTarget): string[] {
    return this.#aws.validate(target);
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    return this.#aws.plan(target, ctx);
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    const problems = this.validate(target);
    if (problems.length > 0) return { state: 'failed', message: `${DRY_RUN_MESSAGE}; the target's options are invalid: ${problems.join('; ')}`, resources: {} };
    const lines = this.plan(target, ctx);
    this.recorded.push({ kind: this.kind, stage: ctx.stage, stepToken: ctx.stepToken, account: target.account, lines });
    return {
      state: 'succeeded',
      message: `${DRY_RUN_MESSAGE}; ${this.kind} in ${target.account} would: ${lines.join('; ')}`,
      resources: { dryRun: 'true', stepToken: ctx.stepToken },
    };
  }

  async poll(_target: PromotionTarget, _ctx: TargetContext, progress: TargetProgress): Promise<TargetProgress> {
    return progress;
  }
}

/** One dry-run target per kind. */
export const dryRunTargets = (): DryRunTarget[] => TARGET_KINDS.map((kind) => new DryRunTarget(kind));

/**
 * `endpoint-smoke` on the embedded stack: there is no endpoint to invoke, so it invokes nothing.
 * Its config is validated exactly as the AWS verifier validates it. It passes only in a dry run,
 * and its message says so; asked to verify a real promotion it fails.
 */
export class DryRunEndpointSmoke implements StageVerifier {
  readonly id = 'endpoint-smoke';
  readonly #aws = new EndpointSmokeVerifier({ clientsFor: noClients });

  validate(config: Record<string, unknown>): string[] {
    return this.#aws.validate(config);
  }

  async run(
    config: Record<string, unknown>,
    ctx: TargetContext,
    targets: Array<{ target: PromotionTarget; progress: TargetProgress }>,
  ): Promise<{ passed: boolean; message: string; metrics: Record<string, number> }> {
    const endpoints = targets.filter((t) => t.target.kind === 'sagemaker-endpoint').map((t) => String(t.target['endpointName'] ?? '(unnamed)'));
    const limits = ['maxErrorRate', 'maxP95LatencyMs'].filter((k) => config[k] !== undefined).map((k) => `${k} ${String(config[k])}`);
    const what = `endpoint ${endpoints.join(', ') || '(none in this stage)'}${limits.length > 0 ? ` against ${limits.join(', ')}` : ''}`;
    if (!ctx.dryRun) {
      return {
        passed: false,
        message: `the dry-run endpoint-smoke cannot verify a real promotion: it invoked nothing (${what}); configure the AWS endpoint-smoke verifier`,
        metrics: {},
      };
    }
    return {
      passed: true,
      message: `dry run: endpoint-smoke did not invoke anything (no endpoint exists in a dry run); it passes only because this is a dry run (would smoke-test ${what})`,
      metrics: {},
    };
  }
}

/**
 * The promotion half of the composition (src/compose.ts calls these): which hosting targets,
 * verifiers, allow-list and runner serve `AppServices.promotion`. The embedded stack gets dry-run
 * targets and the in-process driver; the deployed path gets the AWS targets behind the STS role
 * assumer and the Step Functions runner.
 */
import { createStsClient } from './adapters/aws/clients.js';
import { SfnPromotionRunner, createSfnClient } from './adapters/aws/sfn-promotion-runner.js';
import { StsRoleAssumer, createAwsTargets, createAwsVerifiers, createClientsFor } from './adapters/aws/targets/index.js';
import { DryRunEndpointSmoke, dryRunTargets } from './adapters/local/dry-run-target.js';
import { DEMO_ALLOW_LIST, EMPTY_ALLOW_LIST, allowListFromEnv, loadPromotionConfig, timingFromEnv } from './adapters/local/promotion-config.js';
import { localPromotionRunner } from './app/promotion/local-driver.js';
import type { AppServices, PromotionServices } from './app/services.js';
import type { ArtifactStore } from './core/ports.js';

type Env = Record<string, string | undefined>;

/**
 * The embedded stack: dry-run targets for every kind, the dry-run `endpoint-smoke`, the local
 * driver as runner. The allow-list comes from `MODELGATE_PROMOTION_ACCOUNTS`, else
 * `<stateDir>/promotion.json`, else the demo default (222222222222 and 333333333333, any role) —
 * never from the policies' own target accounts.
 */
export const localPromotionServices = async (services: AppServices, opts: { stateDir: string | null; env?: Env }): Promise<PromotionServices> => {
  const config = await loadPromotionConfig({
    env: opts.env ?? process.env,
    stateDir: opts.stateDir,
    fallback: DEMO_ALLOW_LIST,
    fallbackSource: `the embedded stack's demo default (${DEMO_ALLOW_LIST.accounts.join(', ')})`,
  });
  return {
    targets: dryRunTargets(),
    verifiers: [new DryRunEndpointSmoke()],
    allowList: config.allowList,
    dryRunOnly: true,
    timing: config.timing,
    runner: localPromotionRunner(services),
  };
};

/**
 * The deployed path: the AWS target adapters and `endpoint-smoke` behind one STS role assumer that
 * enforces the allow-list (`MODELGATE_PROMOTION_ACCOUNTS`, `MODELGATE_PROMOTION_ROLES`; unset =
 * nothing may be reached) and the ExternalId, and the Step Functions runner when
 * `MODELGATE_PROMOTION_STATE_MACHINE_ARN` is set.
 */
export const awsPromotionServices = (env: Env, opts: { artifacts: ArtifactStore[] }): PromotionServices => {
  const allowList = allowListFromEnv(env) ?? EMPTY_ALLOW_LIST;
  const assumer = new StsRoleAssumer({ client: createStsClient({ env }), allowList });
  // One client cache for targets and verifiers: a stage's smoke test reuses its targets' session.
  const clientsFor = createClientsFor(assumer, { env });
  const stateMachineArn = env['MODELGATE_PROMOTION_STATE_MACHINE_ARN'];
  return {
    targets: createAwsTargets({ assumer, clientsFor }),
    verifiers: createAwsVerifiers({ assumer, clientsFor, artifacts: opts.artifacts }),
    allowList,
    dryRunOnly: false,
    timing: timingFromEnv(env),
    ...(stateMachineArn ? { runner: new SfnPromotionRunner({ client: createSfnClient({ env }), stateMachineArn }) } : {}),
  };
};

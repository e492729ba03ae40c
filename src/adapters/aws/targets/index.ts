/**
 * The AWS promotion targets and verifiers, built around one role assumer. Wired in `src/compose.ts`
 * as `PromotionServices.targets` and `.verifiers` (docs/promotion-targets.md).
 */
import type { ArtifactStore } from '../../../core/ports.js';
import type { HostingTarget, StageVerifier } from '../../../core/promotion/types.js';
import { BedrockCopyTarget } from './bedrock-copy.js';
import { BedrockImportTarget } from './bedrock-import.js';
import { EndpointSmokeVerifier } from './endpoint-smoke.js';
import { EventBridgeForwardTarget } from './eventbridge-forward.js';
import type { RoleAssumer } from './role-assumer.js';
import { SageMakerEndpointTarget } from './sagemaker-endpoint.js';
import { SageMakerRegistryTarget } from './sagemaker-registry.js';
import { createClientsFor } from './target-clients.js';
import type { ClientsFor, ClientsForOptions } from './target-clients.js';

export interface AwsTargetsOptions extends ClientsForOptions {
  /** Usually `new StsRoleAssumer({ client: createStsClient(), allowList })`. */
  assumer: RoleAssumer;
  /** Overrides the clients built over `assumer` (tests; a shared client cache). */
  clientsFor?: ClientsFor;
  /** eventbridge-forward: the wait between retries of failed entries (tests). */
  sleep?: (ms: number) => Promise<void>;
}

export interface AwsVerifiersOptions extends AwsTargetsOptions {
  /** Where sample payload URIs (s3://, file://) are read: the app's artifact stores. */
  artifacts?: ArtifactStore[];
  /** endpoint-smoke's monotonic clock in ms (tests). */
  now?: () => number;
}

const clientsOf = (o: AwsTargetsOptions): ClientsFor =>
  o.clientsFor ?? createClientsFor(o.assumer, { ...(o.env ? { env: o.env } : {}), ...(o.maxCached ? { maxCached: o.maxCached } : {}) });

/**
 * One adapter per target kind: sagemaker-endpoint, sagemaker-registry, eventbridge-forward,
 * bedrock-copy, bedrock-import.
 *
 * @example
 * ```ts
 * const assumer = new StsRoleAssumer({ client: createStsClient(), allowList });
 * const targets = createAwsTargets({ assumer });
 * ```
 */
export const createAwsTargets = (options: AwsTargetsOptions): HostingTarget[] => {
  const clientsFor = clientsOf(options);
  return [
    new SageMakerEndpointTarget({ clientsFor }),
    new SageMakerRegistryTarget({ clientsFor }),
    new EventBridgeForwardTarget({ clientsFor, ...(options.sleep ? { sleep: options.sleep } : {}) }),
    new BedrockCopyTarget({ clientsFor }),
    new BedrockImportTarget({ clientsFor }),
  ];
};

/** The stage verifiers that reach into hosting accounts: endpoint-smoke. */
export const createAwsVerifiers = (options: AwsVerifiersOptions): StageVerifier[] => [
  new EndpointSmokeVerifier({
    clientsFor: clientsOf(options),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
    ...(options.now ? { now: options.now } : {}),
  }),
];

export { StsRoleAssumer, allowListProblems, sessionNameFor } from './role-assumer.js';
export type { RoleAssumer, RoleTarget, TemporaryCredentials } from './role-assumer.js';
export { createClientsFor } from './target-clients.js';
export type { ClientsFor, TargetClients } from './target-clients.js';

/**
 * Regional SDK clients acting as a target's assumed role. The role is assumed (or refused) when
 * the clients are asked for, before any of them exists; afterwards the clients re-read credentials
 * from the assumer, which hands out cached ones until they near expiry.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RAMClient } from '@aws-sdk/client-ram';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { retrySettingsFromEnv } from '../clients.js';
import type { RoleAssumer, RoleTarget } from './role-assumer.js';

/** The clients a target kind may need, all in the target's Region and role. */
export interface TargetClients {
  sagemaker: SageMakerClient;
  eventBridge: EventBridgeClient;
  bedrock: BedrockClient;
  ram: RAMClient;
  /**
   * For the smoke test only, so it makes exactly one attempt per request: an SDK retry would hide
   * the very errors and latency the test measures.
   */
  sagemakerRuntime: SageMakerRuntimeClient;
}

/** Clients for `target` acting as its role, with the session named `sessionName`. */
export type ClientsFor = (target: RoleTarget, sessionName: string) => Promise<TargetClients>;

export interface ClientsForOptions {
  /** Where retry settings are read from (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE); default process.env. */
  env?: Record<string, string | undefined>;
  /** How many role/Region client sets a warm process keeps (default 32, oldest dropped first). */
  maxCached?: number;
}

/**
 * A `clientsFor` over `assumer`. Throws what `assumer.assume` throws (RefusedError, AwsCallError)
 * before creating any client.
 *
 * @example
 * ```ts
 * const clientsFor = createClientsFor(new StsRoleAssumer({ client: createStsClient(), allowList }));
 * const { sagemaker } = await clientsFor(target, sessionNameFor(runId));
 * ```
 */
export const createClientsFor = (assumer: RoleAssumer, options: ClientsForOptions = {}): ClientsFor => {
  const cache = new Map<string, TargetClients>();
  const maxCached = options.maxCached ?? 32;
  return async (target, sessionName) => {
    await assumer.assume(target, sessionName);
    const key = `${target.roleArn}\n${target.externalId}\n${sessionName}\n${target.region}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const credentials = async () => assumer.assume(target, sessionName);
    const retry = retrySettingsFromEnv(options.env ?? process.env);
    const base = { region: target.region, credentials, ...retry };
    const clients: TargetClients = {
      sagemaker: new SageMakerClient(base),
      eventBridge: new EventBridgeClient(base),
      bedrock: new BedrockClient(base),
      ram: new RAMClient(base),
      sagemakerRuntime: new SageMakerRuntimeClient({ ...base, maxAttempts: 1 }),
    };
    if (cache.size >= maxCached) {
      const [oldestKey, oldest] = cache.entries().next().value ?? [];
      if (oldestKey !== undefined && oldest) {
        cache.delete(oldestKey);
        for (const client of Object.values(oldest)) client.destroy();
      }
    }
    cache.set(key, clients);
    return clients;
  };
};

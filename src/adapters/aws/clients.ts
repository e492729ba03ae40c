/**
 * SDK client factories. Create clients once, at module scope of a handler (Powertools style), so
 * that warm invocations reuse connections; the factories do no I/O, only read settings.
 *
 * Endpoints are the SDK's business: it honours `AWS_ENDPOINT_URL` and the per-service
 * `AWS_ENDPOINT_URL_SAGEMAKER`, `_EVENTBRIDGE`, `_SNS`, `_STS`, `_DYNAMODB` (and the `services`
 * section of the shared config file), so pointing modelgate at a local server needs no code here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SNSClientConfig } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { STSClientConfig } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../core/errors.js';

export type RetryMode = 'standard' | 'adaptive';

export interface RetrySettings {
  maxAttempts: number;
  retryMode: RetryMode;
}

/**
 * The SDK's default of 3 attempts gives up quickly on a throttled registry during a burst of
 * registrations; 5 rides out a short burst while staying well inside a Lambda timeout.
 */
export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 5, retryMode: 'standard' };

type Env = Record<string, string | undefined>;

/**
 * Retry settings from the SDK's own variables, `AWS_MAX_ATTEMPTS` (an integer ≥ 1) and
 * `AWS_RETRY_MODE` (`standard` or `adaptive`; adaptive adds client-side rate limiting, useful when
 * many concurrent invocations hit one throttled API), falling back to DEFAULT_RETRY. A malformed
 * value is an InvalidInputError rather than a silent default.
 */
export const retrySettingsFromEnv = (env: Env = process.env): RetrySettings => {
  const rawAttempts = env.AWS_MAX_ATTEMPTS?.trim();
  let maxAttempts = DEFAULT_RETRY.maxAttempts;
  if (rawAttempts) {
    maxAttempts = Number(rawAttempts);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new InvalidInputError(`AWS_MAX_ATTEMPTS is "${rawAttempts}"`, 'environment variable AWS_MAX_ATTEMPTS', 'an integer >= 1');
    }
  }
  const rawMode = env.AWS_RETRY_MODE?.trim();
  let retryMode = DEFAULT_RETRY.retryMode;
  if (rawMode) {
    if (rawMode !== 'standard' && rawMode !== 'adaptive') {
      throw new InvalidInputError(`AWS_RETRY_MODE is "${rawMode}"`, 'environment variable AWS_RETRY_MODE', '"standard" or "adaptive"');
    }
    retryMode = rawMode;
  }
  return { maxAttempts, retryMode };
};

/** Options every factory takes: the env to read retry settings from, and SDK config that wins over them. */
export interface ClientFactoryOptions<C> {
  env?: Env;
  config?: C;
}

const baseConfig = (env: Env | undefined): RetrySettings => retrySettingsFromEnv(env ?? process.env);

/**
 * A SageMaker client with modelgate's retry settings.
 *
 * @example
 * ```ts
 * // at module scope of a handler
 * const registry = new SageMakerRegistry({ client: createSageMakerClient() });
 * ```
 */
export const createSageMakerClient = (options: ClientFactoryOptions<SageMakerClientConfig> = {}): SageMakerClient =>
  new SageMakerClient({ ...baseConfig(options.env), ...options.config });

/** An EventBridge client with modelgate's retry settings. */
export const createEventBridgeClient = (options: ClientFactoryOptions<EventBridgeClientConfig> = {}): EventBridgeClient =>
  new EventBridgeClient({ ...baseConfig(options.env), ...options.config });

/** An SNS client with modelgate's retry settings. */
export const createSnsClient = (options: ClientFactoryOptions<SNSClientConfig> = {}): SNSClient =>
  new SNSClient({ ...baseConfig(options.env), ...options.config });

/** An STS client with modelgate's retry settings (AssumeRole for promotion into hosting accounts). */
export const createStsClient = (options: ClientFactoryOptions<STSClientConfig> = {}): STSClient =>
  new STSClient({ ...baseConfig(options.env), ...options.config });

/**
 * A DynamoDB DocumentClient with modelgate's retry settings. Undefined members are dropped on write
 * (optional fields of a run record are often undefined); numbers come back as JS numbers.
 */
export const createDocumentClient = (options: ClientFactoryOptions<DynamoDBClientConfig> = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...baseConfig(options.env), ...options.config }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../../../src/core/errors.js';
import {
  DEFAULT_RETRY,
  createDocumentClient,
  createEventBridgeClient,
  createSageMakerClient,
  createSnsClient,
  createStsClient,
  retrySettingsFromEnv,
} from '../../../../src/adapters/aws/clients.js';

/** Static credentials: nothing reaches for the instance metadata service. */
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } };

class Captured extends Error {
  constructor(readonly request: { hostname: string; protocol: string; port?: number; body?: unknown }) {
    super('captured');
  }
}

interface StackClient {
  middlewareStack: { add: (mw: unknown, options: { step: string; name: string }) => void };
}

/**
 * Stops every request once it is built (after the endpoint is resolved, before signing and before
 * any socket), so the test sees where the SDK would send it without any network.
 */
const captureRequests = (client: StackClient): void => {
  client.middlewareStack.add(
    () => async (args: { request: Captured['request'] }) => {
      throw new Captured(args.request);
    },
    { step: 'build', name: 'captureRequest' },
  );
};

const ENDPOINT_VARS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(ENDPOINT_VARS.map((k) => [k, process.env[k]]));
  for (const k of ENDPOINT_VARS) delete process.env[k];
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const requestOf = async (send: () => Promise<unknown>): Promise<Captured['request']> => {
  const error = await send().catch((e: unknown) => e);
  if (!(error instanceof Captured)) throw error;
  return error.request;
};

describe('client factories: endpoints come from the SDK', () => {
  it('sends SageMaker calls to AWS_ENDPOINT_URL_SAGEMAKER when it is set', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = 'http://127.0.0.1:4599';
    const client = createSageMakerClient({ config });
    captureRequests(client as unknown as StackClient);

    // Act
    const request = await requestOf(() => client.send(new DescribeModelPackageCommand({ ModelPackageName: 'credit-risk/1' })));

    // Assess
    expect(request).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 4599 });
  });

  it('sends SageMaker calls to the regional endpoint otherwise', async () => {
    // Prepare
    const client = createSageMakerClient({ config });
    captureRequests(client as unknown as StackClient);

    // Act
    const request = await requestOf(() => client.send(new DescribeModelPackageCommand({ ModelPackageName: 'credit-risk/1' })));

    // Assess
    expect(request).toMatchObject({ protocol: 'https:', hostname: 'api.sagemaker.eu-west-1.amazonaws.com' });
  });

  it('gives the DocumentClient its endpoint from the environment and drops undefined members', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:4567';
    const client = createDocumentClient({ config });
    captureRequests(client as unknown as StackClient);

    // Act
    const request = await requestOf(() => client.send(new PutCommand({ TableName: 'runs', Item: { pk: 'run-1', note: undefined, n: 3 } })));

    // Assess
    expect(request).toMatchObject({ hostname: '127.0.0.1', port: 4567 });
    expect(JSON.parse(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array))).toEqual({
      TableName: 'runs',
      Item: { pk: { S: 'run-1' }, n: { N: '3' } },
    });
  });
});

describe('client factories: retry settings', () => {
  it('default to 5 standard attempts', () => {
    expect(retrySettingsFromEnv({})).toEqual({ maxAttempts: 5, retryMode: 'standard' });
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 5, retryMode: 'standard' });
  });

  it('read AWS_MAX_ATTEMPTS and AWS_RETRY_MODE into every client', async () => {
    // Prepare
    const env = { AWS_MAX_ATTEMPTS: '8', AWS_RETRY_MODE: 'adaptive' };

    // Act
    const clients = [
      createSageMakerClient({ env, config }),
      createEventBridgeClient({ env, config }),
      createSnsClient({ env, config }),
      createStsClient({ env, config }),
    ];

    // Assess
    for (const client of clients) {
      expect(await client.config.maxAttempts()).toBe(8);
      expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    }
  });

  it('let explicit config win over the environment', async () => {
    // Act
    const client = createSnsClient({ env: { AWS_MAX_ATTEMPTS: '8' }, config: { ...config, maxAttempts: 2 } });

    // Assess
    expect(await client.config.maxAttempts()).toBe(2);
  });

  it('refuse malformed values instead of guessing', () => {
    expect(() => retrySettingsFromEnv({ AWS_MAX_ATTEMPTS: 'three' })).toThrow(InvalidInputError);
    expect(() => retrySettingsFromEnv({ AWS_MAX_ATTEMPTS: '0' })).toThrow(/AWS_MAX_ATTEMPTS.*expected an integer >= 1/);
    expect(() => retrySettingsFromEnv({ AWS_RETRY_MODE: 'legacy' })).toThrow(/expected "standard" or "adaptive"/);
  });
});

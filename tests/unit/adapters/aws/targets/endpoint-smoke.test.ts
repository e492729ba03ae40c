import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { TargetProgress } from '../../../../../src/core/promotion/types.js';
import { FileArtifactStore } from '../../../../../src/adapters/local/file-artifact-store.js';
import { EndpointSmokeVerifier, percentile } from '../../../../../src/adapters/aws/targets/endpoint-smoke.js';
import { HOST_ROLE, hostTarget, mockedClientsFor, sourcePackage, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const runtime = mockClient(SageMakerRuntimeClient);
const endpoint = hostTarget('sagemaker-endpoint', { endpointName: 'credit-risk-staging', instanceType: 'ml.m5.large', executionRoleArn: 'x' });
const deployed: TargetProgress = { state: 'succeeded', message: 'InService', resources: { endpointName: 'credit-risk-staging' } };
const SAMPLE = '35,1,0.42,7\n';

let dir: string;
let sampleUri: string;
let clock: number;
/** Scripted latencies (ms) of the next invocations, consumed in order; a negative entry is an error after |ms|. */
let script: number[];

const verifier = () => new EndpointSmokeVerifier({ clientsFor, artifacts: [new FileArtifactStore({ roots: [dir] })], now: () => clock });
const ctxWithSample = () => stepContext({ modelPackage: sourcePackage({ CustomerMetadataProperties: { 'modelgate:sample-payload': sampleUri } }) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelgate-smoke-'));
  const file = join(dir, 'sample.csv');
  await writeFile(file, SAMPLE);
  sampleUri = pathToFileURL(file).href;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  runtime.reset();
  sts.resetHistory();
  clock = 1000;
  script = [];
  runtime.on(InvokeEndpointCommand).callsFake(() => {
    const step = script.shift() ?? 50;
    clock += Math.abs(step);
    if (step < 0) {
      throw new ModelError({
        $metadata: { httpStatusCode: 424 },
        message: 'Received server error (500) from primary with message "boom"',
        OriginalStatusCode: 500,
      });
    }
    return { ContentType: 'text/csv', Body: new TextEncoder().encode('0.12') };
  });
});

describe('endpoint-smoke validate', () => {
  it.each([
    [{ maxErrorRate: 2 }, /\/maxErrorRate/],
    [{ maxP95: 300 }, /unknown key "maxP95"/],
    [{ payload: 'a', payloadUri: 's3://b/k' }, /payload or payloadUri, not both/],
    [{ requests: 0 }, /\/requests/],
  ])('reports %j', (config, message) => {
    expect(verifier().validate(config).join('\n')).toMatch(message);
  });
});

describe('endpoint-smoke run', () => {
  it('passes within bounds, sending the sample payload named on the model package', async () => {
    // Prepare
    script = Array.from({ length: 20 }, (_, k) => 40 + k * 5); // 40 .. 135 ms

    // Act
    const result = await verifier().run({ maxErrorRate: 0, maxP95LatencyMs: 300 }, ctxWithSample(), [{ target: endpoint, progress: deployed }]);

    // Assess
    expect(result.passed).toBe(true);
    expect(result.metrics).toEqual({ requests: 20, errors: 0, errorRate: 0, p50LatencyMs: 85, p95LatencyMs: 130, maxLatencyMs: 135 });
    const input = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ EndpointName: 'credit-risk-staging', ContentType: 'text/csv' });
    expect(Buffer.from(input.Body as Uint8Array).toString('utf8')).toBe(SAMPLE);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: HOST_ROLE, ExternalId: 'modelgate-staging' });
    expect(result.message).toMatch(/^endpoint-smoke passed: 20 request\(s\) to credit-risk-staging/);
  });

  it('fails on error rate and names the first error; errors do not count towards latency', async () => {
    // Prepare: two fast failures among slow successes
    script = [-1, -1, ...Array.from({ length: 18 }, () => 200)];

    // Act
    const result = await verifier().run({ maxErrorRate: 0.05, maxP95LatencyMs: 300 }, ctxWithSample(), [{ target: endpoint, progress: deployed }]);

    // Assess
    expect(result.passed).toBe(false);
    expect(result.metrics).toMatchObject({ requests: 20, errors: 2, errorRate: 0.1, p50LatencyMs: 200, p95LatencyMs: 200 });
    expect(result.message).toMatch(/error rate 10% above max 5% \(first error: credit-risk-staging: ModelError: Received server error/);
  });

  it('fails on p95: one slow request in twenty is within p95, two are not', async () => {
    // Prepare
    const fast = Array.from({ length: 18 }, () => 100);

    // Act
    script = [...fast, 100, 900];
    const oneSlow = await verifier().run({ maxP95LatencyMs: 300, requests: 20 }, ctxWithSample(), [{ target: endpoint, progress: deployed }]);
    script = [...fast, 900, 900];
    clock = 0;
    runtime.resetHistory();
    const twoSlow = await verifier().run({ maxP95LatencyMs: 300, requests: 20 }, ctxWithSample(), [{ target: endpoint, progress: deployed }]);

    // Assess
    expect(oneSlow).toMatchObject({ passed: true, metrics: { p95LatencyMs: 100, maxLatencyMs: 900 } });
    expect(twoSlow.passed).toBe(false);
    expect(twoSlow.message).toMatch(/p95 latency 900 ms above max 300 ms/);
  });

  it('uses an inline payload and content type from the policy, and the number of requests asked for', async () => {
    // Act
    const result = await verifier().run({ payload: '{"features":[1,2]}', contentType: 'application/json', requests: 3 }, stepContext(), [
      { target: endpoint, progress: deployed },
    ]);

    // Assess
    expect(result.passed).toBe(true);
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(3);
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input.ContentType).toBe('application/json');
  });

  it('fails closed without an endpoint, with an endpoint not InService, or without a payload', async () => {
    // Act
    const noEndpoint = await verifier().run({}, ctxWithSample(), [{ target: hostTarget('eventbridge-forward'), progress: deployed }]);
    const notReady = await verifier().run({}, ctxWithSample(), [{ target: endpoint, progress: { ...deployed, state: 'failed' } }]);
    const noPayload = await verifier().run({}, stepContext({ modelPackage: sourcePackage({ CustomerMetadataProperties: {} }) }), [
      { target: endpoint, progress: deployed },
    ]);

    // Assess
    expect(noEndpoint).toMatchObject({ passed: false, message: expect.stringMatching(/no sagemaker-endpoint target/) });
    expect(notReady).toMatchObject({ passed: false, message: expect.stringMatching(/not ready: credit-risk-staging \(failed\)/) });
    expect(noPayload).toMatchObject({ passed: false, message: expect.stringMatching(/no sample payload: set with.payload/) });
    expect(runtime.calls()).toHaveLength(0);
  });

  it('invokes nothing in a dry run', async () => {
    // Act
    const result = await verifier().run({}, stepContext({ dryRun: true }), [{ target: endpoint, progress: { ...deployed, resources: { dryRun: 'true' } } }]);

    // Assess
    expect(result).toMatchObject({ passed: true, message: expect.stringMatching(/dry run, invoked nothing/) });
    expect(runtime.calls()).toHaveLength(0);
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeUndefined();
  });
});

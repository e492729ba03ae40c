/**
 * How the evaluate handler fails. Transient AWS failures (throttling, 5xx) reject the invocation
 * so that Lambda retries it (then dead-letters it) and nothing recorded blocks the retry's result;
 * evidence that cannot be read or parsed makes that check an error (needs_review, a notification),
 * never a crash; bad input is terminal. dynalite sits behind a fault-injecting proxy, so the SDK's
 * own retries run against real HTTP errors; SageMaker/EventBridge/SNS are mocked at the SDK boundary.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DescribeModelPackageCommand, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import type { EvaluateResponse } from '../../../handlers/middleware/decision-metrics.js';
import type { RefusedResponse } from '../../../handlers/middleware/failure-policy.js';
import type { AwsCallError } from '../../../src/adapters/aws/aws-call-error.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import {
  BUCKET,
  captureOutput,
  handlerEnv,
  lambdaContext,
  packageArn,
  qualityReport,
  startEvidenceStore,
  startLedger,
  stateChangeEvent,
  writePolicyDir,
} from './harness.js';
import { installAwsMocks, serviceError, type AwsMocks } from './sdk-mocks.js';

type Handler = (event: unknown, context: Context) => Promise<EvaluateResponse | RefusedResponse>;
type Decided = Extract<EvaluateResponse, { status: 'decided' }>;

const decided = (response: EvaluateResponse | RefusedResponse): Decided => {
  if (response.action !== 'evaluate' || response.status !== 'decided') throw new Error(`expected a decision, got ${JSON.stringify(response)}`);
  return response;
};

describe('evaluate handler faults', () => {
  let ledger: Awaited<ReturnType<typeof startLedger>>;
  let s3: Awaited<ReturnType<typeof startEvidenceStore>>;
  let proxy: FaultProxy;
  let aws: AwsMocks;
  let handler: Handler;
  let output: ReturnType<typeof captureOutput>;
  const savedEnv = { ...process.env };

  const registerVersion = async (group: string, version: number, report: string | Uint8Array | null): Promise<string> => {
    const key = `${group}/${version}/statistics.json`;
    if (report !== null) await s3.put(key, report);
    aws.register(packageArn(group, version), `s3://${BUCKET}/${key}`);
    return packageArn(group, version);
  };

  beforeAll(async () => {
    ledger = await startLedger();
    s3 = await startEvidenceStore();
    proxy = await startFaultProxy(ledger.endpoint);
    // Two attempts per call keep the SDK's backoff short; the retry path is the same as with five.
    Object.assign(
      process.env,
      handlerEnv({ ledgerEndpoint: proxy.endpoint, s3Endpoint: s3.endpoint, policies: writePolicyDir(), extra: { AWS_MAX_ATTEMPTS: '2' } }),
    );
    aws = installAwsMocks();
    output = captureOutput();
    ({ handler } = (await import('../../../handlers/evaluate.js')) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    output?.restore();
    aws?.sagemaker.restore();
    aws?.eventbridge.restore();
    aws?.sns.restore();
    await proxy?.close();
    await ledger?.close();
    await s3?.close();
    process.env = savedEnv;
  });

  beforeEach(() => {
    aws.reset();
    output.reset();
  });

  describe('transient AWS failures reject the invocation, and the retry decides', () => {
    it('SageMaker throttling on DescribeModelPackage: rejects retryable, records nothing; the retry decides', async () => {
      // Prepare
      const arn = await registerVersion('gate-faults', 1, qualityReport(0.91, 0.7));
      aws.sagemaker
        .on(DescribeModelPackageCommand)
        .rejectsOnce(serviceError('ThrottlingException', 400, 'Rate exceeded'))
        .callsFake(aws.describe);
      const event = stateChangeEvent({ group: 'gate-faults', version: 1 });
      // Act
      const failed = await handler(event, lambdaContext()).then(
        () => null,
        (e: unknown) => e as AwsCallError,
      );
      const recordedAfterFailure = await ledger.ledger.listRuns({ subjectArn: arn });
      const retry = decided(await handler(event, lambdaContext()));
      // Assess
      expect(failed).toMatchObject({ name: 'AwsCallError', operation: 'DescribeModelPackage', code: 'ThrottlingException', retryable: true });
      expect(recordedAfterFailure).toEqual([]);
      expect(retry).toMatchObject({ decision: 'reject', duplicate: false });
      expect(aws.updatesOf(arn).map((u) => u.status)).toEqual(['Rejected']);
      expect(output.lines().find((l) => l['message'] === 'invocation failed: Lambda retries it, then dead-letters the event')).toMatchObject({
        level: 'ERROR',
        retryable: true,
        error: 'AwsCallError',
      });
    });

    it('SageMaker 5xx on UpdateModelPackage: rejects after the run is recorded; the retry finishes the actions once', async () => {
      // Prepare
      const arn = await registerVersion('gate-faults', 2, qualityReport(0.91, 0.7));
      aws.sagemaker
        .on(UpdateModelPackageCommand)
        .rejectsOnce(serviceError('InternalFailure', 500, 'We encountered an internal error.'))
        .callsFake(async (input: { ModelPackageArn?: string }) => ({ ModelPackageArn: input.ModelPackageArn }));
      const event = stateChangeEvent({ group: 'gate-faults', version: 2 });
      // Act
      const failed = await handler(event, lambdaContext()).then(
        () => null,
        (e: unknown) => e as AwsCallError,
      );
      const [run] = await ledger.ledger.listRuns({ subjectArn: arn });
      const stepsAfterFailure = await ledger.ledger.stepsDone(run!.runId);
      const retry = decided(await handler(event, lambdaContext()));
      // Assess
      expect(failed).toMatchObject({ name: 'AwsCallError', operation: 'UpdateModelPackage', httpStatus: 500, retryable: true });
      expect(stepsAfterFailure).toEqual([]);
      expect(retry).toMatchObject({ runId: run!.runId, duplicate: true });
      expect(
        aws.sagemaker
          .commandCalls(UpdateModelPackageCommand)
          .filter((c: { args: [{ input: { ModelPackageArn?: string } }] }) => c.args[0].input.ModelPackageArn === arn),
      ).toHaveLength(2);
      expect(aws.putEventsOf(run!.runId)).toHaveLength(1);
      expect(aws.publishesOf(run!.runId)).toBe(1);
      expect(await ledger.ledger.stepsDone(run!.runId)).toEqual(expect.arrayContaining(['registry.updated', 'events.published', 'people.notified']));
    });

    it('DynamoDB throttling on the claim: the SDK retries, then the invocation rejects with nothing recorded; the retry decides', async () => {
      // Prepare: the claim write throttled on both SDK attempts
      const arn = await registerVersion('gate-faults', 3, qualityReport(0.91, 0.7));
      proxy.failNext({ operation: 'PutItem', bodyIncludes: `CLAIM#${arn}`, times: 2, status: 400, code: 'ProvisionedThroughputExceededException' });
      const faultsBefore = proxy.faultsServed('PutItem');
      const event = stateChangeEvent({ group: 'gate-faults', version: 3 });
      // Act
      const failed = await handler(event, lambdaContext()).then(
        () => null,
        (e: unknown) => e as AwsCallError,
      );
      const recordedAfterFailure = await ledger.ledger.listRuns({ subjectArn: arn });
      const retry = decided(await handler(event, lambdaContext()));
      // Assess
      expect(proxy.faultsServed('PutItem') - faultsBefore).toBe(2);
      expect(failed).toMatchObject({ name: 'AwsCallError', code: 'ProvisionedThroughputExceededException', retryable: true });
      expect(recordedAfterFailure).toEqual([]);
      expect(retry).toMatchObject({ decision: 'reject', duplicate: false });
      expect(aws.updatesOf(arn)).toHaveLength(1);
    });

    it('DynamoDB 5xx writing the run (after the claim): rejects with no action taken, releases the claim, and the retry decides', async () => {
      // Prepare
      const arn = await registerVersion('gate-faults', 4, qualityReport(0.91, 0.7));
      proxy.failNext({ operation: 'PutItem', bodyIncludes: '"sk":{"S":"RUN"}', times: 2, status: 500, code: 'InternalServerError' });
      const event = stateChangeEvent({ group: 'gate-faults', version: 4, id: 'evt-stuck' });
      // Act
      const failed = await handler(event, lambdaContext()).then(
        () => null,
        (e: unknown) => e as AwsCallError,
      );
      const runsAfterFailure = await ledger.ledger.listRuns({ subjectArn: arn });
      const updatesAfterFailure = aws.updatesOf(arn).length;
      const retry = decided(await handler(event, lambdaContext()));
      const sibling = await handler(stateChangeEvent({ group: 'gate-faults', version: 4, id: 'evt-sibling' }), lambdaContext());
      // Assess: nothing was acted on without a record; the retry is not held up by the failed claim
      expect(failed).toMatchObject({ name: 'AwsCallError', code: 'InternalServerError', retryable: true });
      expect(runsAfterFailure).toEqual([]);
      expect(updatesAfterFailure).toBe(0);
      expect(retry.decision).toBe('reject');
      expect(await ledger.ledger.listRuns({ subjectArn: arn })).toHaveLength(1);
      expect(aws.updatesOf(arn).map((u) => u.status)).toEqual(['Rejected']);
      expect(sibling).toMatchObject({ action: 'evaluate', duplicate: true, runId: retry.runId });
    });
  });

  describe('evidence that cannot be used makes its check an error: needs_review and a notification', () => {
    const checkErrorOf = async (runId: string): Promise<string> => {
      const run = await ledger.ledger.getRun(runId);
      const check = run?.checks.find((c) => c.id === 'model-quality');
      expect(check?.status).toBe('error');
      return check?.error?.message ?? '';
    };

    it('a missing S3 key', async () => {
      // Prepare: the registered URI names no object
      const arn = await registerVersion('gate-evidence', 1, null);
      // Act
      const response = decided(await handler(stateChangeEvent({ group: 'gate-evidence', version: 1 }), lambdaContext()));
      // Assess
      expect(response.decision).toBe('needs_review');
      expect(await checkErrorOf(response.runId)).toContain('no such key "gate-evidence/1/statistics.json"');
      expect(aws.updatesOf(arn)).toEqual([]);
      expect(aws.publishesOf(response.runId)).toBe(1);
    });

    it('access denied by S3', async () => {
      // Prepare: S3 answers 403 AccessDenied (the bucket policy or KMS key does not allow modelgate)
      const arn = await registerVersion('gate-evidence', 2, qualityReport(0.91, 0.88));
      const s3mock = mockClient(S3Client);
      s3mock
        .on(GetObjectCommand)
        .rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
      try {
        // Act
        const response = decided(await handler(stateChangeEvent({ group: 'gate-evidence', version: 2 }), lambdaContext()));
        // Assess
        expect(response.decision).toBe('needs_review');
        expect(await checkErrorOf(response.runId)).toContain('access denied to s3://');
        expect(aws.updatesOf(arn)).toEqual([]);
        expect(aws.publishesOf(response.runId)).toBe(1);
      } finally {
        s3mock.restore();
      }
    });

    it('an oversized report', async () => {
      // Prepare: 33 MiB, above the 32 MiB limit for JSON evidence
      const huge = Buffer.alloc(33 * 1024 * 1024, 0x20);
      huge.write('{"binary_classification_metrics":{}}');
      await registerVersion('gate-evidence', 3, huge);
      // Act
      const response = decided(await handler(stateChangeEvent({ group: 'gate-evidence', version: 3 }), lambdaContext()));
      // Assess
      expect(response.decision).toBe('needs_review');
      expect(await checkErrorOf(response.runId)).toMatch(/larger than the limit of 33554432 bytes/);
    });

    it('a malformed report names where it breaks', async () => {
      // Prepare
      await registerVersion('gate-evidence', 4, '{"binary_classification_metrics": {"auc": {"value": 0.91,}\n');
      // Act
      const response = decided(await handler(stateChangeEvent({ group: 'gate-evidence', version: 4 }), lambdaContext()));
      // Assess
      expect(response.decision).toBe('needs_review');
      expect(await checkErrorOf(response.runId)).toMatch(/statistics\.json.*line 1/i);
      expect(aws.publishesOf(response.runId)).toBe(1);
    });
  });

  it('an event intake refuses (resources[0] names another version) is terminal: resolves with the reason, nothing recorded', async () => {
    // Prepare
    const event = stateChangeEvent({ group: 'gate-faults', version: 9, id: 'evt-mismatch' });
    event['resources'] = [packageArn('gate-faults', 1)];
    // Act
    const response = await handler(event, lambdaContext());
    // Assess
    expect(response).toMatchObject({ action: 'refused', error: 'InvalidInputError', reason: expect.stringContaining('event at /resources/0') });
    expect(output.lines().find((l) => l['message'] === 'event refused: bad input is terminal, not retried')).toMatchObject({ correlation_id: 'evt-mismatch' });
    expect(await ledger.ledger.listRuns({ subjectArn: packageArn('gate-faults', 9) })).toEqual([]);
  });
});

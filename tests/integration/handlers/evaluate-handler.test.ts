/**
 * The evaluate Lambda handler (handlers/evaluate.ts, its full middy chain) with EventBridge-shaped
 * events: the ledger on a real dynalite, evidence on a real s3rver, SageMaker / EventBridge / SNS
 * at the SDK boundary (aws-sdk-client-mock, which needs the handler in this process; the bundled
 * handler is exercised in bundle.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import type { EvaluateResponse } from '../../../handlers/middleware/decision-metrics.js';
import type { RefusedResponse } from '../../../handlers/middleware/failure-policy.js';
import {
  BUCKET,
  BUS,
  captureOutput,
  handlerEnv,
  lambdaContext,
  metricRecords,
  packageArn,
  qualityReport,
  startEvidenceStore,
  startLedger,
  stateChangeEvent,
  writePolicyDir,
} from './harness.js';
import { UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { installAwsMocks, type AwsMocks } from './sdk-mocks.js';

type Handler = (event: unknown, context: Context) => Promise<EvaluateResponse | RefusedResponse>;

describe('evaluate handler', () => {
  let ledger: Awaited<ReturnType<typeof startLedger>>;
  let s3: Awaited<ReturnType<typeof startEvidenceStore>>;
  let aws: AwsMocks;
  let handler: Handler;
  let output: ReturnType<typeof captureOutput>;
  const savedEnv = { ...process.env };

  /** A model version with its report on s3rver, known to the (mocked) registry. */
  const registerVersion = async (group: string, version: number, report: string): Promise<string> => {
    const key = `${group}/${version}/statistics.json`;
    await s3.put(key, report);
    aws.register(packageArn(group, version), `s3://${BUCKET}/${key}`);
    return packageArn(group, version);
  };

  beforeAll(async () => {
    ledger = await startLedger();
    s3 = await startEvidenceStore();
    Object.assign(process.env, handlerEnv({ ledgerEndpoint: ledger.endpoint, s3Endpoint: s3.endpoint, policies: writePolicyDir() }));
    aws = installAwsMocks();
    output = captureOutput();
    ({ handler } = (await import('../../../handlers/evaluate.js')) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    output?.restore();
    aws?.sagemaker.restore();
    aws?.eventbridge.restore();
    aws?.sns.restore();
    await ledger?.close();
    await s3?.close();
    process.env = savedEnv;
  });

  beforeEach(() => {
    output.reset();
  });

  it('rejects a version below the policy: registry Rejected, two events on the bus, one notification, metrics and correlated logs', async () => {
    // Prepare
    const arn = await registerVersion('gate-credit', 3, qualityReport(0.91, 0.7));
    const event = stateChangeEvent({ group: 'gate-credit', version: 3, id: 'evt-reject-1' });
    // Act
    const response = await handler(event, lambdaContext());
    // Assess
    if (response.action !== 'evaluate' || response.status !== 'decided') throw new Error(`expected a decision, got ${JSON.stringify(response)}`);
    expect(response).toMatchObject({ decision: 'reject', duplicate: false, checks: [{ id: 'model-quality', status: 'fail' }] });
    expect(aws.updatesOf(arn)).toEqual([{ status: 'Rejected', description: expect.stringContaining(`modelgate run ${response.runId}: reject`) }]);
    const [put] = aws.putEventsOf(response.runId);
    expect(put?.Entries?.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      [BUS, 'modelgate', 'Model Evaluation Completed'],
      [BUS, 'modelgate', 'Model Rejected'],
    ]);
    expect(aws.publishesOf(response.runId)).toBe(1);
    expect(await ledger.ledger.stepsDone(response.runId)).toEqual(expect.arrayContaining(['registry.updated', 'events.published', 'people.notified']));
    const lines = output.lines();
    const decisions = metricRecords(lines, 'Decisions');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ decision: 'reject', service: 'modelgate-evaluate', Decisions: 1 });
    expect(metricRecords(lines, 'CheckResults')).toEqual([expect.objectContaining({ status: 'fail', CheckResults: 1 })]);
    const decisionLog = lines.find((l) => l['message'] === 'decision');
    expect(decisionLog).toMatchObject({ correlation_id: 'evt-reject-1', modelPackageArn: arn, function_name: 'modelgate-test-evaluate', decision: 'reject' });
  });

  it('approves a version that passes: registry Approved, one event, nobody paged', async () => {
    // Prepare
    const arn = await registerVersion('gate-credit', 4, qualityReport(0.93, 0.88));
    // Act
    const response = await handler(stateChangeEvent({ group: 'gate-credit', version: 4 }), lambdaContext());
    // Assess
    if (response.action !== 'evaluate' || response.status !== 'decided') throw new Error(`expected a decision, got ${JSON.stringify(response)}`);
    expect(response.decision).toBe('approve');
    expect(aws.updatesOf(arn).map((u) => u.status)).toEqual(['Approved']);
    expect(aws.putEventsOf(response.runId)[0]?.Entries?.map((e) => e.DetailType)).toEqual(['Model Evaluation Completed']);
    expect(aws.publishesOf(response.runId)).toBe(0);
  });

  /** Delivers `deliveries` at once, then retries the ones that failed as Lambda does; returns every response. */
  const deliverWithRetries = async (
    deliveries: Array<Record<string, unknown>>,
  ): Promise<{ responses: Array<EvaluateResponse | RefusedResponse>; failures: Error[] }> => {
    const settled = await Promise.allSettled(deliveries.map((e) => handler(e, lambdaContext())));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    const retried = await Promise.all(settled.flatMap((s, i) => (s.status === 'rejected' ? [handler(deliveries[i], lambdaContext())] : [])));
    return { responses: [...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])), ...retried], failures };
  };

  type Decided = Extract<EvaluateResponse, { status: 'decided' }>;
  const decidedOf = (responses: Array<EvaluateResponse | RefusedResponse>): Decided[] =>
    responses.filter((r): r is Decided => r.action === 'evaluate' && r.status === 'decided');

  it('exactly once: 25 concurrent deliveries of one event plus sibling events yield one run and one decision; late re-deliveries act on nothing', async () => {
    // Prepare: the same event 25 times at once, and 5 sibling events (other ids) for the same change at the same time
    const arn = await registerVersion('gate-once', 7, qualityReport(0.91, 0.7));
    const event = stateChangeEvent({ group: 'gate-once', version: 7, id: 'evt-once' });
    const siblings = Array.from({ length: 5 }, (_, i) => stateChangeEvent({ group: 'gate-once', version: 7, id: `evt-sibling-${i}` }));

    // Act
    const { responses, failures } = await deliverWithRetries([...Array.from({ length: 25 }, () => event), ...siblings]);
    const callsBefore = aws.sagemaker.calls().length + aws.eventbridge.calls().length + aws.sns.calls().length;
    const late = await Promise.all(
      Array.from({ length: 10 }, (_, i) => handler(stateChangeEvent({ group: 'gate-once', version: 7, id: `evt-late-${i}` }), lambdaContext())),
    );

    // Assess: a failed delivery only ever met the claim of its own event's first attempt, and was retried
    for (const failure of failures) expect(failure.name).toBe('EvaluationInProgressError');
    const all = [...responses, ...late];
    expect(all).toHaveLength(40);
    const decided = decidedOf(all);
    expect(decided.filter((r) => !r.duplicate)).toHaveLength(1);
    const runId = decided[0]!.runId;
    // Every delivery names the one run: decided, or (a sibling that came while it ran) in progress.
    expect(new Set(all.map((r) => (r.action === 'evaluate' ? r.runId : r.action)))).toEqual(new Set([runId]));
    const inProgress = all.filter((r) => r.action === 'evaluate' && r.status === 'in_progress');
    expect(inProgress.every((r) => String(r.eventId).startsWith('evt-sibling-'))).toBe(true);
    expect((await ledger.ledger.listRuns({ subjectArn: arn })).map((r) => r.runId)).toEqual([runId]);
    expect(metricRecords(output.lines(), 'Decisions')).toHaveLength(1);
    expect(metricRecords(output.lines(), 'DuplicateDeliveries')).toHaveLength(decided.length - 1);
    expect(metricRecords(output.lines(), 'ClaimsInProgress')).toHaveLength(inProgress.length);
    expect(aws.updatesOf(arn).length).toBeGreaterThanOrEqual(1);
    expect(await ledger.ledger.stepsDone(runId)).toEqual(expect.arrayContaining(['registry.updated', 'events.published', 'people.notified']));
    // Late re-deliveries (all steps done) call nothing beyond DescribeModelPackage/ListTags to find the policy.
    const lateCalls = aws.sagemaker.calls().length + aws.eventbridge.calls().length + aws.sns.calls().length - callsBefore;
    expect(lateCalls).toBe(10 * 2);
  });

  // Once the winner has written its run the claim is complete, and a concurrent duplicate goes on to
  // the actions while the winner is still acting: each action's step lease lets exactly one do it.
  it('exactly once, actions: concurrent deliveries while the winner is acting yield one UpdateModelPackage, one PutEvents, one Publish', async () => {
    // Prepare: a registry that takes 150 ms to answer UpdateModelPackage, as a real one may
    const arn = await registerVersion('gate-once', 8, qualityReport(0.91, 0.7));
    aws.sagemaker.on(UpdateModelPackageCommand).callsFake(async (input: { ModelPackageArn?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { ModelPackageArn: input.ModelPackageArn };
    });
    const deliveries = Array.from({ length: 25 }, (_, i) => stateChangeEvent({ group: 'gate-once', version: 8, id: `evt-race-${i % 5}` }));
    try {
      // Act
      const { responses } = await deliverWithRetries(deliveries);
      // Assess
      const runId = decidedOf(responses)[0]!.runId;
      expect(aws.updatesOf(arn).map((u) => u.status)).toEqual(['Rejected']);
      expect(aws.putEventsOf(runId)).toHaveLength(1);
      expect(aws.publishesOf(runId)).toBe(1);
    } finally {
      aws.reset();
    }
  });

  it('leaves an Approved event to promotion: ignored, nothing called', async () => {
    // Prepare
    const arn = await registerVersion('gate-credit', 5, qualityReport(0.93, 0.88));
    const before = aws.sagemaker.calls().length;
    // Act
    const response = await handler(stateChangeEvent({ group: 'gate-credit', version: 5, approval: 'Approved' }), lambdaContext());
    // Assess
    expect(response).toMatchObject({ action: 'ignore', reason: expect.stringContaining('PendingManualApproval only') });
    expect(aws.sagemaker.calls().length).toBe(before);
    expect(await ledger.ledger.listRuns({ subjectArn: arn })).toEqual([]);
  });

  it('refuses an invalid event as terminal: resolves with the reason, logs it, counts it', async () => {
    // Prepare: a version that is not an integer
    const event = stateChangeEvent({ group: 'gate-credit', version: 6, id: 'evt-bad' });
    (event['detail'] as Record<string, unknown>)['ModelPackageVersion'] = 'six';
    // Act
    const response = await handler(event, lambdaContext());
    // Assess
    expect(response).toEqual({
      action: 'refused',
      eventId: 'evt-bad',
      error: 'InvalidInputError',
      reason: 'event at /detail/ModelPackageVersion: must be integer (expected a SageMaker Model Package State Change event)',
    });
    const lines = output.lines();
    expect(lines.find((l) => l['message'] === 'event refused: bad input is terminal, not retried')).toMatchObject({
      level: 'ERROR',
      correlation_id: 'evt-bad',
      reason: expect.stringContaining('/detail/ModelPackageVersion'),
    });
    expect(metricRecords(lines, 'TerminalErrors')).toEqual([expect.objectContaining({ TerminalErrors: 1, service: 'modelgate-evaluate' })]);
  });
});

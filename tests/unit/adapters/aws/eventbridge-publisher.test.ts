import { beforeEach, describe, expect, it } from '@jest/globals';
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../../src/adapters/aws/aws-call-error.js';
import { EventBridgePublisher, EventTooLargeError, PublishError } from '../../../../src/adapters/aws/eventbridge-publisher.js';
import type { PublishedEvent } from '../../../../src/adapters/aws/eventbridge-publisher.js';

const BUS = 'modelgate-events';
const ARN = 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/12';
const LIMIT = 256 * 1024;

const eventbridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventbridge.reset();
});

const events = (n: number, detailType = 'Model Evaluation Completed', padding = ''): PublishedEvent[] =>
  Array.from({ length: n }, (_, i) => ({ detailType, detail: { runId: `run-${i}`, padding }, resources: [ARN] }));

/** Accepts every entry, as PutEvents does on success. */
const acceptAll = (input: { Entries?: PutEventsRequestEntry[] }) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `id-${i}` })),
});

/** Fails the entries whose runId is in `failing` with `code`; accepts the others. */
const failSome = (failing: Set<string>, code: string) => (input: { Entries?: PutEventsRequestEntry[] }) => {
  const results = (input.Entries ?? []).map((e, i) =>
    failing.has((JSON.parse(e.Detail ?? '{}') as { runId: string }).runId) ? { ErrorCode: code, ErrorMessage: `${code} for entry` } : { EventId: `id-${i}` },
  );
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
};

const sentRunIds = (): string[][] =>
  eventbridge.commandCalls(PutEventsCommand).map((c) => (c.args[0].input.Entries ?? []).map((e) => (JSON.parse(e.Detail ?? '{}') as { runId: string }).runId));

/** The documented entry size: Source + DetailType + Detail + Resources, UTF-8. */
const documentedSize = (e: PutEventsRequestEntry): number =>
  [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])].reduce((n, s) => n + Buffer.byteLength(s ?? '', 'utf8'), 0);

const publisher = (extra: Partial<ConstructorParameters<typeof EventBridgePublisher>[0]> = {}, sleeps: number[] = []) =>
  new EventBridgePublisher({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: BUS,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });

describe('EventBridgePublisher', () => {
  it('sends 25 events as 10 + 10 + 5, in order, each entry fully formed', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);

    // Act
    await publisher().publish(events(25));

    // Assess
    expect(sentRunIds().map((ids) => ids.length)).toEqual([10, 10, 5]);
    expect(sentRunIds().flat()).toEqual(Array.from({ length: 25 }, (_, i) => `run-${i}`));
    expect(eventbridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).toEqual({
      EventBusName: BUS,
      Source: 'modelgate',
      DetailType: 'Model Evaluation Completed',
      Detail: JSON.stringify({ runId: 'run-0', padding: '' }),
      Resources: [ARN],
    });
  });

  it('splits by size so that every call stays under 256 KB', async () => {
    // Prepare: 100 KB each, so at most two fit in one call.
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);

    // Act
    await publisher().publish(events(5, 'Model Evaluation Completed', 'x'.repeat(100 * 1024)));

    // Assess
    const calls = eventbridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([2, 2, 1]);
    for (const entries of calls) expect(entries.reduce((n, e) => n + documentedSize(e), 0)).toBeLessThan(LIMIT);
  });

  it('retries only the entries that failed, after a jittered backoff', async () => {
    // Prepare
    eventbridge
      .on(PutEventsCommand)
      .callsFakeOnce(failSome(new Set(['run-1', 'run-3']), 'ThrottlingException'))
      .callsFake(acceptAll);
    const sleeps: number[] = [];

    // Act
    await publisher({ baseDelayMs: 100 }, sleeps).publish(events(4));

    // Assess
    expect(sentRunIds()).toEqual([
      ['run-0', 'run-1', 'run-2', 'run-3'],
      ['run-1', 'run-3'],
    ]);
    expect(sleeps).toEqual([50]);
  });

  it('throws a retryable PublishError naming the events that kept failing', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).callsFake(failSome(new Set(['run-2']), 'InternalFailure'));
    const sleeps: number[] = [];
    const input = [...events(2), { detailType: 'Model Rejected', detail: { runId: 'run-2' }, resources: [ARN] }];

    // Act
    const error = await publisher({ maxAttempts: 3, baseDelayMs: 100, random: () => 0.99 }, sleeps)
      .publish(input)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ retryable: true, total: 3, failed: [{ detailType: 'Model Rejected', errorCode: 'InternalFailure' }] });
    expect((error as Error).message).toContain('"Model Rejected" (InternalFailure');
    expect((error as Error).message).toContain('after 3 attempt(s)');
    expect(sentRunIds()).toEqual([['run-0', 'run-1', 'run-2'], ['run-2'], ['run-2']]);
    // The backoff ceiling doubles: 100 ms, then 200 ms.
    expect(sleeps).toEqual([99, 198]);
  });

  it('does not retry an entry refused for good, and says it is not retryable', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).callsFake(failSome(new Set(['run-0']), 'AccessDeniedException'));

    // Act
    const error = await publisher()
      .publish(events(2))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ retryable: false, failed: [{ errorCode: 'AccessDeniedException' }] });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('refuses an event too large for any call before sending anything', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    const input = [...events(3), { detailType: 'Model Evaluation Completed With Findings', detail: { blob: 'y'.repeat(300 * 1024) } }];

    // Act
    const error = await publisher()
      .publish(input)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({ detailType: 'Model Evaluation Completed With Findings' });
    expect((error as EventTooLargeError).bytes).toBeGreaterThan(300 * 1024);
    expect((error as Error).message).toMatch(/"Model Evaluation Completed With Findings" is \d+ bytes/);
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('rethrows a failed call as AwsCallError with its cause', async () => {
    // Prepare
    const cause = new EventBridgeServiceException({
      name: 'ResourceNotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: `Event bus ${BUS} does not exist.`,
    });
    eventbridge.on(PutEventsCommand).rejects(cause);

    // Act
    const error = await publisher()
      .publish(events(1))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ service: 'EventBridge', operation: 'PutEvents', resource: BUS, retryable: false, cause });
  });

  it('makes no call for no events and uses the configured source', async () => {
    // Prepare
    eventbridge.on(PutEventsCommand).callsFake(acceptAll);
    const custom = publisher({ source: 'com.example.modelgate' });

    // Act
    await custom.publish([]);
    await custom.publish(events(1));

    // Assess
    const calls = eventbridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.Entries?.[0]?.Source).toBe('com.example.modelgate');
  });
});

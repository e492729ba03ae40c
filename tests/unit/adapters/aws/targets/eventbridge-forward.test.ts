import { beforeEach, describe, expect, it } from '@jest/globals';
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeForwardTarget, MODEL_PROMOTED } from '../../../../../src/adapters/aws/targets/eventbridge-forward.js';
import { HOST, PACKAGE_ARN, RUN_ID, STEP_TOKEN, hostTarget, mockedClientsFor, sdkError, stepContext } from './fixtures.js';

const { sts, clientsFor } = mockedClientsFor();
const events = mockClient(EventBridgeClient);
const forward = new EventBridgeForwardTarget({ clientsFor, sleep: async () => undefined });
const BUS_ARN = `arn:aws:events:eu-west-1:${HOST}:event-bus/hosting-deployments`;
const target = hostTarget('eventbridge-forward', { eventBusArn: BUS_ARN });
const ctx = stepContext();

beforeEach(() => {
  events.reset();
  sts.resetHistory();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' }] });
});

describe('eventbridge-forward', () => {
  it.each([
    [{ eventBusArn: undefined }, /exactly one of eventBusArn and eventBusName/],
    [{ eventBusName: 'also-set' }, /exactly one of eventBusArn and eventBusName/],
    [{ eventBusArn: 'arn:aws:events:eu-west-1:333333333333:event-bus/x' }, /is not in the hosting account 222222222222/],
    [{ source: 'aws.sagemaker' }, /\/source/],
  ])('validate reports %j', (override, message) => {
    expect(forward.validate({ ...target, ...override } as typeof target).join('\n')).toMatch(message);
  });

  it('puts one Model Promoted event on the hosting bus with the run, package, artifacts, stage and idempotency key', async () => {
    // Act
    const progress = await forward.start(target, ctx);

    // Assess
    expect(progress).toMatchObject({ state: 'succeeded', resources: { eventBus: BUS_ARN, idempotencyKey: STEP_TOKEN } });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ ExternalId: 'modelgate-staging' });
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: BUS_ARN, Source: 'modelgate', DetailType: MODEL_PROMOTED, Resources: [PACKAGE_ARN] });
    expect(JSON.parse(entry.Detail!)).toMatchObject({
      idempotencyKey: STEP_TOKEN,
      runId: RUN_ID,
      stage: 'staging',
      modelPackageArn: PACKAGE_ARN,
      artifacts: [{ image: expect.stringContaining('xgboost'), modelDataUrl: 's3://ml-models/credit-risk/12/model.tar.gz' }],
    });
  });

  it('retries an entry that failed with a retryable code', async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });

    // Act
    const progress = await forward.start(target, ctx);

    // Assess
    expect(progress.state).toBe('succeeded');
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('fails clearly when the bus refuses the entry, and when the call is denied', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized' }] });

    // Act
    const refusedEntry = await forward.start(target, ctx);
    events
      .on(PutEventsCommand)
      .rejects(sdkError(EventBridgeServiceException, 'AccessDeniedException', 'User is not authorized to perform: events:PutEvents', 403));
    const deniedCall = await forward.start(target, ctx);

    // Assess
    expect(refusedEntry).toMatchObject({ state: 'failed', message: expect.stringMatching(/AccessDeniedException: not authorized/) });
    expect(deniedCall).toMatchObject({ state: 'failed', message: expect.stringMatching(/EventBridge PutEvents .*AccessDeniedException/) });
  });

  it('sends nothing in a dry run', async () => {
    // Act
    const progress = await forward.start(target, stepContext({ dryRun: true }));

    // Assess
    expect(progress.message).toMatch(/^dry run: eventbridge-forward created nothing; it would: put a "Model Promoted" event/);
    expect(events.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });
});

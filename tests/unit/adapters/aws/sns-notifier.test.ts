import { beforeEach, describe, expect, it } from '@jest/globals';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { CheckResult } from '../../../../src/core/check.js';
import { InvalidInputError } from '../../../../src/core/errors.js';
import type { RunRecord } from '../../../../src/core/run.js';
import { AwsCallError } from '../../../../src/adapters/aws/aws-call-error.js';
import { BODY_MAX_BYTES, MAX_LISTED, formatNotification } from '../../../../src/adapters/aws/notification-text.js';
import { SnsNotifier } from '../../../../src/adapters/aws/sns-notifier.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:modelgate-notifications';
const RUN_ID = 'run-01jn7p8w00abcdefghjk';

const check = (id: string, status: CheckResult['status'], summary: string): CheckResult => ({
  id,
  version: '1.0.0',
  severity: 'blocking',
  status,
  summary,
  metrics: [],
  findings: [],
  durationMs: 12,
});

const run = (extra: Partial<RunRecord> = {}, group = 'credit-risk', version = '12'): RunRecord => ({
  runId: RUN_ID,
  subject: {
    kind: 'sagemaker-model-package',
    arn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${group}/${version}`,
    group,
    version,
    account: '111111111111',
    region: 'eu-west-1',
  },
  policy: { name: 'credit-models', version: 3, digest: `sha256:${'b'.repeat(64)}` },
  decision: 'reject',
  reasons: ['bias-di: DI for sex=F is 0.62, below min 0.8'],
  checks: [check('model-quality', 'pass', 'auc 0.91 >= 0.85'), check('bias-di', 'fail', 'DI for sex=F is 0.62, below min 0.8')],
  champion: { arn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${group}/11`, version: '11' },
  registeredBy: ['arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker'],
  evidence: [],
  waivers: { applied: [], expired: [] },
  trigger: { source: 'eventbridge', eventId: 'f6a0a3b2-0000-4000-8000-000000000001' },
  startedAt: '2026-11-22T10:00:00.000Z',
  finishedAt: '2026-11-22T10:00:04.000Z',
  serviceVersion: '0.1.0',
  ...extra,
});

const sns = mockClient(SNSClient);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SnsNotifier', () => {
  it('publishes a subject, a readable body and filterable attributes', async () => {
    // Prepare
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC, consoleUrlBase: 'https://modelgate.example.com/' });

    // Act
    await notifier.notify({ subject: 'credit-risk/12 was rejected', text: 'One blocking check failed.', run: run() });

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC);
    expect(input?.Subject).toBe('modelgate: credit-risk/12 rejected');
    expect(input?.MessageAttributes).toEqual({
      decision: { DataType: 'String', StringValue: 'reject' },
      group: { DataType: 'String', StringValue: 'credit-risk' },
      policy: { DataType: 'String', StringValue: 'credit-models' },
    });
    const body = input?.Message ?? '';
    expect(body).toContain('credit-risk/12 was rejected');
    expect(body).toContain('One blocking check failed.');
    expect(body).toContain('Model:     credit-risk/12');
    expect(body).toContain('arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/12');
    expect(body).toContain('Decision:  reject');
    expect(body).toContain('Policy:    credit-models v3');
    expect(body).toContain(`Run:       ${RUN_ID}`);
    expect(body).toContain('Registered by: arn:aws:sts::111111111111:assumed-role/PipelineRole/SageMaker');
    expect(body).toContain('  - bias-di: DI for sex=F is 0.62, below min 0.8');
    expect(body).toContain('bias-di [blocking] fail');
    expect(body).not.toContain('model-quality');
    expect(body).toContain(`modelgate runs show ${RUN_ID}`);
    expect(body).toContain(`https://modelgate.example.com/runs/${RUN_ID}`);
  });

  it('adds no link when no page is configured, and tells when no policy matched', async () => {
    // Prepare
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC });

    // Act
    await notifier.notify({ subject: '', text: '', run: run({ policy: null, decision: 'needs_review', reasons: ['no policy matches credit-risk'] }) });

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('modelgate: credit-risk/12 needs review');
    expect(input?.Message).not.toContain('https://');
    expect(input?.Message).toContain('none matched');
    expect(input?.MessageAttributes?.decision?.StringValue).toBe('needs_review');
    expect(input?.MessageAttributes).not.toHaveProperty('policy');
  });

  it('reports the override that stands, in the subject, the body and the attributes', async () => {
    // Prepare
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC });
    const override = {
      decision: 'approve' as const,
      reason: 'DI waived by the fairness board',
      by: 'arn:aws:iam::111111111111:role/OnCall',
      at: '2026-11-22T11:00:00Z',
    };

    // Act
    await notifier.notify({ subject: 'override', text: '', run: run({ override }) });

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('modelgate: credit-risk/12 approved (override)');
    expect(input?.Message).toContain("Decision:  approve (overrides the gate's reject)");
    expect(input?.Message).toContain('DI waived by the fairness board');
    expect(input?.MessageAttributes?.overridden?.StringValue).toBe('true');
  });

  it('uses a group id and a deduplication id on a FIFO topic', async () => {
    // Prepare
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: `${TOPIC}.fifo` });

    // Act
    await notifier.notify({ subject: 's', text: 't', run: run() });

    // Assess
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({ MessageGroupId: 'credit-risk', MessageDeduplicationId: `${RUN_ID}:reject` });
  });

  it('rethrows an SNS failure as AwsCallError with its cause', async () => {
    // Prepare
    const cause = new SNSServiceException({
      name: 'AuthorizationErrorException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'not authorized to perform SNS:Publish',
    });
    sns.on(PublishCommand).rejects(cause);
    const notifier = new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC });

    // Act
    const error = await notifier.notify({ subject: 's', text: 't', run: run() }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ service: 'SNS', operation: 'Publish', retryable: false, cause });
  });

  it('refuses a topic that is not an SNS topic ARN', () => {
    expect(() => new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: 'modelgate-notifications' })).toThrow(InvalidInputError);
  });
});

describe('formatNotification bounds', () => {
  it('keeps the subject under 100 characters and on one line', () => {
    // Prepare: the longest group name SageMaker allows and a long version.
    const group = `g${'-x'.repeat(31)}`;
    const override = { decision: 'reject' as const, reason: 'r', by: 'b', at: '2026-11-22T11:00:00Z' };
    const record = run({ decision: 'needs_review', override }, group, '123456789');

    // Act
    const { subject } = formatNotification({ subject: 'line one\nline two', text: '', run: record });

    // Assess
    expect(group).toHaveLength(63);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^modelgate: g-x.*\.\.\.$/);
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('lists at most MAX_LISTED reasons and says how many more there are', () => {
    // Prepare
    const reasons = Array.from({ length: 50 }, (_, i) => `reason ${i}: ${'z'.repeat(2000)}`);

    // Act
    const { body } = formatNotification({ subject: 's', text: 't', run: run({ reasons }) });

    // Assess
    expect(body).toContain('reason 19:');
    expect(body).not.toContain('reason 20:');
    expect(body).toContain(`and ${50 - MAX_LISTED} more (modelgate runs show ${RUN_ID})`);
    expect(body).not.toContain('z'.repeat(600));
  });

  it('stays under the SNS size limit whatever the text', () => {
    // Prepare
    const text = 'é'.repeat(1024 * 1024);
    const checks = Array.from({ length: 300 }, (_, i) => check(`check-${i}`, 'error', 'ü'.repeat(5000)));

    // Act
    const { body } = formatNotification({ subject: 's', text, run: run({ checks, reasons: checks.map((c) => c.summary) }) });

    // Assess
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(BODY_MAX_BYTES);
    expect(body).toContain(`modelgate runs show ${RUN_ID}`);
  });
});

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InvalidInputError } from '../../../src/core/errors.js';
import { parseRegistryEvent } from '../../../src/core/intake.js';

type Json = Record<string, unknown>;
const fixture = (name: string): Json & { detail: Json } =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}.json`, import.meta.url), 'utf8')) as Json & { detail: Json };

/** The InvalidInputError `fn` throws (fails the test when it throws nothing or something else). */
const invalid = (fn: () => unknown): InvalidInputError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError, nothing was thrown');
};

const sageMakerEvent = (group: string, version: number, approval: string, status = 'Completed'): Json => {
  const arn = `arn:aws:sagemaker:eu-west-1:111122223333:model-package/${group}/${version}`;
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'SageMaker Model Package State Change',
    source: 'aws.sagemaker',
    account: '111122223333',
    time: '2025-03-04T09:15:27Z',
    region: 'eu-west-1',
    resources: [arn],
    detail: { ModelPackageGroupName: group, ModelPackageVersion: version, ModelPackageArn: arn, ModelPackageStatus: status, ModelApprovalStatus: approval },
  };
};

describe('parseRegistryEvent — SageMaker', () => {
  it('evaluates a Completed package pending manual approval, on the ARN in the event', () => {
    // Prepare
    const event = fixture('sagemaker-pending-with-metrics');
    // Act
    const result = parseRegistryEvent(event);
    // Assess
    expect(result).toEqual({
      action: 'evaluate',
      eventId: '6f2c1b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b',
      subject: {
        kind: 'sagemaker-model-package',
        arn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/12',
        group: 'credit-risk-xgb',
        version: '12',
        account: '111122223333',
        region: 'eu-west-1',
      },
    });
  });

  it('promotes an Approved package', () => {
    // Act
    const result = parseRegistryEvent(fixture('sagemaker-approved'));
    // Assess
    expect(result).toMatchObject({ action: 'promote', subject: { group: 'credit-risk-xgb', version: '11' } });
  });

  it.each([
    ['Rejected', 'Completed', /is Rejected/],
    ['PendingManualApproval', 'InProgress', /still InProgress; SageMaker emits another event when it is Completed/],
    ['PendingManualApproval', 'Pending', /still Pending/],
    ['Approved', 'Failed', /failed to register/],
    ['PendingManualApproval', 'Deleting', /being deleted/],
  ])('ignores approval %s with package status %s, saying why', (approval, status, reason) => {
    // Act
    const result = parseRegistryEvent(sageMakerEvent('credit-risk-xgb', 12, approval, status));
    // Assess
    expect(result).toEqual({ action: 'ignore', eventId: 'ev-1', reason: expect.stringMatching(reason) });
  });

  it('accepts fields it does not know (SageMaker adds fields over time)', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    (event['detail'] as Json)['SomeFutureField'] = { nested: true };
    event['replay-name'] = 'replay-1';
    // Act
    const result = parseRegistryEvent(event);
    // Assess
    expect(result.action).toBe('evaluate');
  });

  it('refuses a version that is not an integer, naming the path', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    (event['detail'] as Json)['ModelPackageVersion'] = '12';
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toBe('event at /detail/ModelPackageVersion: must be integer');
    expect(error.where).toBe('event at /detail/ModelPackageVersion');
  });

  it('refuses an event without the model package ARN', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    delete (event['detail'] as Json)['ModelPackageArn'];
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toBe('event at /detail: missing required key "ModelPackageArn"');
  });

  it('refuses an event whose resources name another ARN than its detail', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    event['resources'] = ['arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/1'];
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toMatch(/^event at \/resources\/0: names ".*credit-risk-xgb\/1" but \/detail\/ModelPackageArn is ".*credit-risk-xgb\/12"/);
    expect(error.expected).toBe('the same ARN as /detail/ModelPackageArn');
  });

  it('refuses a detail whose ARN and group/version disagree', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    (event['detail'] as Json)['ModelPackageVersion'] = 13;
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toMatch(/names credit-risk-xgb\/12 but the detail says credit-risk-xgb\/13/);
  });

  it('refuses an ARN from another account than the event', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    event['account'] = '999988887777';
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toMatch(/names account 111122223333 in eu-west-1, the event came from account 999988887777/);
  });

  it('refuses a model package group name outside the SageMaker pattern', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    (event['detail'] as Json)['ModelPackageGroupName'] = 'credit_risk';
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toBe('event at /detail/ModelPackageGroupName: must match pattern "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"');
  });

  it('lists every problem when there are several', () => {
    // Prepare
    const event = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    (event['detail'] as Json)['ModelApprovalStatus'] = 'Pending';
    event['account'] = 'abc';
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toMatch(
      /^event at \/account: must match pattern .*; also event at \/detail\/ModelApprovalStatus: must be one of "PendingManualApproval", "Approved", "Rejected"$/,
    );
  });

  it('refuses the source-as-array shape of the documentation sample (a duplicated "source" key)', () => {
    // Prepare: the AWS sample repeats "source" with a rule pattern's array; JSON.parse keeps the last.
    const event = JSON.parse(
      JSON.stringify(sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval')).replace(
        '"source":"aws.sagemaker"',
        '"source":"aws.sagemaker","source":["aws.sagemaker"]',
      ),
    ) as Json;
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toMatch(/unsupported event: source \["aws.sagemaker"\]/);
  });
});

describe('parseRegistryEvent — Bedrock', () => {
  it('evaluates the output model of a Completed customization job', () => {
    // Act
    const result = parseRegistryEvent(fixture('bedrock-completed'));
    // Assess
    expect(result).toEqual({
      action: 'evaluate',
      eventId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
      subject: {
        kind: 'bedrock-custom-model',
        arn: 'arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/q4v1b3x7k2m9',
        group: 'support-assistant-titan-v5',
        version: 'q4v1b3x7k2m9',
        account: '111122223333',
        region: 'us-east-1',
      },
    });
  });

  it.each(['InProgress', 'Failed', 'Stopping', 'Stopped'])('ignores a job that is %s', (status) => {
    // Prepare
    const event = fixture('bedrock-completed');
    event.detail['jobStatus'] = status;
    // Act
    const result = parseRegistryEvent(event);
    // Assess
    expect(result).toEqual({ action: 'ignore', eventId: event['id'], reason: expect.stringContaining(`is ${status}`) });
  });

  it('accepts the non-ISO timestamps of the documentation samples (it relies on none)', () => {
    // Prepare
    const event = fixture('bedrock-completed');
    Object.assign(event.detail, { creationTime: '2025/03/04 06:02:11', endTime: 1741078075021 });
    // Act
    const result = parseRegistryEvent(event);
    // Assess
    expect(result.action).toBe('evaluate');
  });

  it('refuses a Completed job that names no output model', () => {
    // Prepare
    const event = fixture('bedrock-completed');
    delete event.detail['outputModelArn'];
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toBe('event at /detail: missing required key "outputModelArn" (expected a Completed job to name its output model)');
  });

  it('refuses an event whose resources name another job', () => {
    // Prepare
    const event = fixture('bedrock-completed');
    event['resources'] = ['arn:aws:bedrock:us-east-1:111122223333:model-customization-job/other'];
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.where).toBe('event at /resources/0');
  });

  it('refuses an output model in another region than the event', () => {
    // Prepare
    const event = fixture('bedrock-completed');
    event.detail['outputModelArn'] = 'arn:aws:bedrock:eu-west-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/q4v1b3x7k2m9';
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.where).toBe('event at /detail/outputModelArn');
  });
});

describe('parseRegistryEvent — anything else', () => {
  it.each([
    [null, /event: is null/],
    ['{"source":"aws.sagemaker"}', /event: is string/],
    [[], /event: is an array/],
    [42, /event: is number/],
  ])('refuses a non-object (%p)', (value, message) => {
    // Act
    const error = invalid(() => parseRegistryEvent(value));
    // Assess
    expect(error.message).toMatch(message);
    expect(error.expected).toBe('an EventBridge event object');
  });

  it('refuses an unknown detail-type, listing the supported ones', () => {
    // Prepare
    const event = { ...sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval'), 'detail-type': 'SageMaker Training Job State Change' };
    // Act
    const error = invalid(() => parseRegistryEvent(event));
    // Assess
    expect(error.message).toBe(
      'event: unsupported event: source "aws.sagemaker", detail-type "SageMaker Training Job State Change" ' +
        '(expected one of aws.sagemaker "SageMaker Model Package State Change", aws.bedrock "Model Customization Job State Change")',
    );
  });

  it('never throws anything but InvalidInputError, whatever it is given', () => {
    // Prepare: arbitrary JSON, and valid events with one field replaced by arbitrary JSON.
    const base = sageMakerEvent('credit-risk-xgb', 12, 'PendingManualApproval');
    const mutated = fc
      .tuple(
        fc.constantFrom('id', 'account', 'region', 'resources', 'detail', 'time'),
        fc.constantFrom('', 'ModelPackageArn', 'ModelPackageVersion', 'ModelPackageStatus', 'ModelPackageGroupName'),
        fc.jsonValue(),
      )
      .map(([top, inner, value]) => {
        const e = structuredClone(base);
        if (top === 'detail' && inner !== '') (e['detail'] as Json)[inner] = value;
        else e[top] = value;
        return e as unknown;
      });
    // Act + Assess
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (event) => {
        try {
          parseRegistryEvent(event);
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
        }
      }),
    );
  });

  it('turns any valid group and version into a subject carrying exactly that ARN', () => {
    // Prepare
    const groupName = fc.stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/).filter((g) => g.length <= 63);
    // Act + Assess
    fc.assert(
      fc.property(groupName, fc.integer({ min: 1, max: 2 ** 31 }), (group, version) => {
        const result = parseRegistryEvent(sageMakerEvent(group, version, 'PendingManualApproval'));
        expect(result).toMatchObject({
          action: 'evaluate',
          subject: { arn: `arn:aws:sagemaker:eu-west-1:111122223333:model-package/${group}/${version}`, group, version: String(version) },
        });
      }),
    );
  });
});

import { beforeEach, describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../src/adapters/aws/aws-call-error.js';
import { SfnPromotionRunner } from '../../../src/adapters/aws/sfn-promotion-runner.js';
import { InvalidInputError } from '../../../src/core/errors.js';

const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:modelgate-promotion';
const ID = 'promo-run-01jn8jc080abcdefghjk';

describe('SfnPromotionRunner', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    sfn.reset();
  });

  it('starts one execution named after the promotion, with the promotion id as input', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `arn:aws:states:eu-west-1:111111111111:execution:modelgate-promotion:${ID}`, startDate: new Date() });
    const runner = new SfnPromotionRunner({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn: MACHINE });

    // Act
    await runner.start(ID);

    // Assess
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([{ stateMachineArn: MACHINE, name: ID, input: JSON.stringify({ promotionId: ID }) }]);
  });

  it('treats an execution of that name that already exists as started (a re-delivered event)', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${ID}'`, $metadata: { httpStatusCode: 400 } }));
    const runner = new SfnPromotionRunner({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn: MACHINE });

    // Act / Assess
    await expect(runner.start(ID)).resolves.toBeUndefined();
  });

  it('reports any other failure as an AwsCallError naming the machine and the promotion', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform: states:StartExecution',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const runner = new SfnPromotionRunner({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn: MACHINE });

    // Act
    const error = await runner.start(ID).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).message).toContain(ID);
    expect((error as AwsCallError).retryable).toBe(false);
  });

  it('refuses a state machine that is not an ARN and an id Step Functions would not take as a name', async () => {
    // Act / Assess
    expect(() => new SfnPromotionRunner({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn: 'modelgate-promotion' })).toThrow(InvalidInputError);
    const runner = new SfnPromotionRunner({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn: MACHINE });
    await expect(runner.start('promo/with spaces')).rejects.toThrow(/execution name/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

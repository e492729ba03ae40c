/**
 * The deployed PromotionRunner: a Step Functions execution of the promotion state machine
 * (serverless/promotion.yml) per promotion, named after the promotion id. A standard workflow
 * allows one execution per name (for 90 days), so a re-delivered Approved event cannot start a
 * second loop: StartExecution with the same name and input answers with the running execution, and
 * `ExecutionAlreadyExists` (closed, or a different input) means it was started already.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SFNClientConfig } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../../core/errors.js';
import type { PromotionRunner } from '../../core/promotion/record.js';
import { AwsCallError, awsErrorCode } from './aws-call-error.js';
import { retrySettingsFromEnv, type ClientFactoryOptions } from './clients.js';

/** Step Functions execution names: 1–80 characters, none of the ones it refuses. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** A Step Functions client with modelgate's retry settings. */
export const createSfnClient = (options: ClientFactoryOptions<SFNClientConfig> = {}): SFNClient =>
  new SFNClient({ ...retrySettingsFromEnv(options.env ?? process.env), ...options.config });

export interface SfnPromotionRunnerOptions {
  client: SFNClient;
  /** The promotion state machine (`MODELGATE_PROMOTION_STATE_MACHINE_ARN`). */
  stateMachineArn: string;
}

/**
 * Starts the promotion state machine for one promotion; the input is `{ "promotionId": ... }`.
 *
 * @example
 * ```ts
 * const runner = new SfnPromotionRunner({ client: createSfnClient(), stateMachineArn });
 * await runner.start(promotion.promotionId);
 * ```
 */
export class SfnPromotionRunner implements PromotionRunner {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(options: SfnPromotionRunnerOptions) {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/.test(options.stateMachineArn)) {
      throw new InvalidInputError(
        `"${options.stateMachineArn}"`,
        'MODELGATE_PROMOTION_STATE_MACHINE_ARN',
        'arn:aws:states:<region>:<account>:stateMachine:<name>',
      );
    }
    this.#client = options.client;
    this.#stateMachineArn = options.stateMachineArn;
  }

  async start(promotionId: string): Promise<void> {
    if (!EXECUTION_NAME.test(promotionId)) {
      throw new InvalidInputError(`"${promotionId}"`, 'promotion id (execution name)', '1-80 characters of [A-Za-z0-9_-]');
    }
    try {
      await this.#client.send(new StartExecutionCommand({ stateMachineArn: this.#stateMachineArn, name: promotionId, input: JSON.stringify({ promotionId }) }));
    } catch (err) {
      if (awsErrorCode(err) === 'ExecutionAlreadyExists') return;
      throw new AwsCallError('Step Functions', 'StartExecution', `${this.#stateMachineArn} (${promotionId})`, err);
    }
  }
}

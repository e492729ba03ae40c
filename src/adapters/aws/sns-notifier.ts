/**
 * The Notifier port on an SNS topic (e-mail subscriptions read the Subject and the plain-text body;
 * other subscriptions filter on the `decision` and `group` message attributes).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import type { MessageAttributeValue, SNSClient } from '@aws-sdk/client-sns';
import { InvalidInputError } from '../../core/errors.js';
import type { Notifier } from '../../core/ports.js';
import { AwsCallError } from './aws-call-error.js';
import { formatNotification } from './notification-text.js';
import type { NotificationMessage } from './notification-text.js';

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
  /** A page that shows runs (the deployed console or the local web page): adds `<base>/runs/<runId>`. */
  consoleUrlBase?: string;
}

/**
 * Notifications about runs, one SNS message per call.
 *
 * @example
 * ```ts
 * const notifier = new SnsNotifier({ client: createSnsClient(), topicArn: process.env.TOPIC_ARN! });
 * await notifier.notify({ subject: 'credit-risk/12 rejected', text: 'bias-di failed', run });
 * ```
 */
export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;
  readonly #consoleUrlBase: string | undefined;

  constructor(options: SnsNotifierOptions) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(options.topicArn ?? '')) {
      throw new InvalidInputError(
        `topicArn "${options.topicArn}" is not an SNS topic ARN`,
        'SnsNotifier options.topicArn',
        'arn:aws:sns:<region>:<account>:<topic>',
      );
    }
    if (options.consoleUrlBase !== undefined && !/^https?:\/\//.test(options.consoleUrlBase)) {
      throw new InvalidInputError(`consoleUrlBase "${options.consoleUrlBase}" is not an http(s) URL`, 'SnsNotifier options.consoleUrlBase', 'https://...');
    }
    this.#client = options.client;
    this.#topicArn = options.topicArn;
    this.#consoleUrlBase = options.consoleUrlBase;
  }

  /** Publishes the notification. AwsCallError when SNS refuses it (after the SDK's retries). */
  async notify(message: NotificationMessage): Promise<void> {
    const { subject, body, attributes } = formatNotification(message, this.#consoleUrlBase ? { consoleUrlBase: this.#consoleUrlBase } : {});
    const messageAttributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(attributes)) {
      if (value) messageAttributes[name] = { DataType: 'String', StringValue: value };
    }
    // A FIFO topic needs a group and a deduplication id: one message per run and decision.
    const fifo = this.#topicArn.endsWith('.fifo')
      ? { MessageGroupId: message.run.subject.group, MessageDeduplicationId: `${message.run.runId}:${attributes.decision}` }
      : {};
    try {
      await this.#client.send(new PublishCommand({ TopicArn: this.#topicArn, Subject: subject, Message: body, MessageAttributes: messageAttributes, ...fifo }));
    } catch (err) {
      throw new AwsCallError('SNS', 'Publish', this.#topicArn, err);
    }
  }
}

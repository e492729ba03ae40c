/**
 * The side effects of a run (registry update, events, notification) on the ledger table, one item
 * per step under the run's partition (`sk = STEP#<step>`). A step is claimed with a short lease
 * before it is done and marked done after: of concurrent invocations exactly one performs it; one
 * that failed releases it for the retry; one that died loses it when the lease runs out.
 * Items written before leases existed (no `state`) count as done. See docs/ledger.md.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StepClaim } from '../../core/ports.js';
import { keys } from './ledger-codec.js';
import { guardLedgerCall } from './ledger-errors.js';

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The step half of the ledger adapter (`DynamoDbLedger` delegates here). */
export class LedgerSteps {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(runId: string, step: string, now: Date, leaseMs: number): Promise<StepClaim> {
    try {
      await guardLedgerCall(this.table, 'PutItem', () =>
        this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...keys.step(runId, step), kind: 'step', step, state: 'in_progress', claimedAt: now.toISOString(), leaseUntil: now.getTime() + leaseMs },
            // Free, or held by an invocation whose lease ran out (it died without releasing).
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now.getTime() },
          }),
        ),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = await this.get(runId, step);
      return item === undefined || item['state'] === 'in_progress' ? 'held' : 'done';
    }
  }

  /** Marks the step done; `false` when it was done already. */
  async complete(runId: string, step: string, at: string): Promise<boolean> {
    try {
      await guardLedgerCall(this.table, 'UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.step(runId, step),
            UpdateExpression: 'SET kind = :kind, step = :step, #state = :done, #at = :at REMOVE leaseUntil',
            ConditionExpression: 'attribute_not_exists(pk) OR #state = :inProgress',
            ExpressionAttributeNames: { '#state': 'state', '#at': 'at' },
            ExpressionAttributeValues: { ':kind': 'step', ':step': step, ':done': 'done', ':at': at, ':inProgress': 'in_progress' },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Gives up a claimed step that was not done, so that a retry can claim it at once: its lease is
   * ended (the ledger's role may not delete; a claim takes an in-progress step whose lease has run out).
   */
  async release(runId: string, step: string): Promise<void> {
    try {
      await guardLedgerCall(this.table, 'UpdateItem', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.step(runId, step),
            UpdateExpression: 'SET leaseUntil = :ended',
            ConditionExpression: '#state = :inProgress',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':ended': 0 },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Whether a step item means "done": written done, or written before leases (no state). */
  static isDone(item: Record<string, unknown>): boolean {
    return item['state'] === undefined || item['state'] === 'done';
  }

  private async get(runId: string, step: string): Promise<Record<string, unknown> | undefined> {
    const res = await guardLedgerCall(this.table, 'GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.table, Key: keys.step(runId, step), ConsistentRead: true })),
    );
    return res.Item;
  }
}

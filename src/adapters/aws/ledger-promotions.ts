/**
 * Promotions on the ledger table. A promotion lives in its run's partition: the record under
 * `sk = PROMOTION` (one per run: the conditional put is the exactly-once claim) and each step under
 * `sk = PROMOTION-STEP#<key>`, rewritten only over the version it read. One Query with
 * `begins_with(sk, 'PROMOTION')` returns a promotion and all its steps. See docs/ledger.md.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../core/errors.js';
import {
  promotionIdOf,
  runIdOfPromotion,
  type PromotionClaim,
  type PromotionRecord,
  type PromotionStep,
  type PromotionView,
} from '../../core/promotion/record.js';
import { keys } from './ledger-codec.js';
import { guardLedgerCall } from './ledger-errors.js';

const RECORD_SK = 'PROMOTION';
const STEP_SK_PREFIX = 'PROMOTION-STEP#';
const STEP_STATES = ['starting', 'in_progress', 'succeeded', 'failed'];

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

const runIdOf = (promotionId: string, where: string): string => {
  const runId = runIdOfPromotion(promotionId);
  if (runId === null) throw new InvalidInputError(`"${promotionId}" is not a promotion id`, where, 'promo-<runId>');
  return runId;
};

/** The promotion half of the ledger adapter (the class `DynamoDbLedger` delegates here). */
export class LedgerPromotions {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(record: PromotionRecord): Promise<PromotionClaim> {
    if (typeof record.runId !== 'string' || record.runId === '') {
      throw new InvalidInputError(`got ${JSON.stringify(record.runId)}`, 'PromotionRecord.runId', 'a run id');
    }
    if (record.promotionId !== promotionIdOf(record.runId)) {
      throw new InvalidInputError(`"${record.promotionId}"`, 'PromotionRecord.promotionId', `${promotionIdOf(record.runId)} (one promotion per run)`);
    }
    try {
      await this.send('PutItem', () =>
        this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: keys.runPartition(record.runId),
              sk: RECORD_SK,
              kind: 'promotion',
              promotionId: record.promotionId,
              subjectArn: record.subject.arn,
              createdAt: record.createdAt,
              record: JSON.stringify(record),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.getRecord(record.runId);
    // Promotions are never deleted: a failed condition means the record is there.
    if (!existing) throw new Error(`ledger ${this.table}: the promotion of run ${record.runId} vanished (expected promotions never to be deleted)`);
    return { status: 'exists', record: existing };
  }

  async get(promotionId: string): Promise<PromotionView | null> {
    return this.viewOfRun(runIdOf(promotionId, 'getPromotion promotionId'));
  }

  async list(runId: string): Promise<PromotionView[]> {
    if (typeof runId !== 'string' || runId === '') throw new InvalidInputError(`got ${JSON.stringify(runId)}`, 'listPromotions runId', 'a run id');
    const view = await this.viewOfRun(runId);
    return view ? [view] : [];
  }

  async putStep(promotionId: string, step: PromotionStep): Promise<boolean> {
    const runId = runIdOf(promotionId, 'putPromotionStep promotionId');
    if (typeof step.key !== 'string' || step.key === '') throw new InvalidInputError(`got ${JSON.stringify(step.key)}`, 'PromotionStep.key', 'a step key');
    if (!Number.isInteger(step.version) || step.version < 1) {
      throw new InvalidInputError(`got ${String(step.version)}`, `PromotionStep ${step.key} version`, 'an integer >= 1');
    }
    if (!STEP_STATES.includes(step.state)) {
      throw new InvalidInputError(`"${String(step.state)}"`, `PromotionStep ${step.key} state`, STEP_STATES.join(' | '));
    }
    const first = step.version === 1;
    try {
      await this.send('PutItem', () =>
        this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: keys.runPartition(runId),
              sk: `${STEP_SK_PREFIX}${step.key}`,
              kind: 'promotion-step',
              version: step.version,
              step: JSON.stringify(step),
            },
            ConditionExpression: first ? 'attribute_not_exists(pk)' : '#v = :previous',
            ...(first ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':previous': step.version - 1 } }),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async getRecord(runId: string): Promise<PromotionRecord | null> {
    const { Item } = await this.send('GetItem', () =>
      this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.runPartition(runId), sk: RECORD_SK }, ConsistentRead: true })),
    );
    return Item ? (JSON.parse(String(Item['record'])) as PromotionRecord) : null;
  }

  private async viewOfRun(runId: string): Promise<PromotionView | null> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.send('Query', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.runPartition(runId), ':prefix': RECORD_SK },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const recordItem = items.find((i) => i['sk'] === RECORD_SK);
    if (!recordItem) return null;
    const steps = items.filter((i) => String(i['sk']).startsWith(STEP_SK_PREFIX)).map((i) => JSON.parse(String(i['step'])) as PromotionStep);
    return { record: JSON.parse(String(recordItem['record'])) as PromotionRecord, steps };
  }

  private send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return guardLedgerCall(this.table, operation, call);
  }
}

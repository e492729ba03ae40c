/**
 * The ledger table: one DynamoDB table, generic `pk`/`sk` keys and four sparse GSIs over the run
 * items. `serverless.yml` mirrors {@link ledgerTableDefinition}; a test compares the two.
 * See docs/ledger.md for the access patterns each key serves.
 */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';

/** The GSI names and their key attributes. Every GSI sorts by `startedSk` (`<startedAt>#<runId>`). */
export const LEDGER_INDEXES = {
  /** All runs of one decision: `decisionPk = DECISION#<decision>`. */
  byDecision: 'decisionPk',
  /** All runs: `allPk = RUNS`. */
  byStartedAt: 'allPk',
  /** All runs of one model package group: `groupPk = GROUP#<group>`. */
  byGroup: 'groupPk',
  /** All runs of one subject: `subjectPk = SUBJECT#<arn>`. */
  bySubject: 'subjectPk',
} as const;

export type LedgerIndexName = keyof typeof LEDGER_INDEXES;

/** The GSI sort key shared by every index. */
export const LEDGER_INDEX_SORT_KEY = 'startedSk';

/**
 * What the GSIs carry beside their keys: enough to filter a listing on the other criteria and to
 * fetch the full records by primary key. The record itself stays only on the base item, so a large
 * run is not stored five times.
 */
export const LEDGER_INDEX_ATTRIBUTES = ['runId', 'decision', 'subjectGroup', 'subjectArn'] as const;

/**
 * The CreateTable input for the ledger (on-demand capacity; no TTL: the ledger is append-only).
 *
 * @example
 * ```ts
 * await client.send(new CreateTableCommand(ledgerTableDefinition('modelgate-ledger')));
 * ```
 */
export const ledgerTableDefinition = (tableName: string): CreateTableCommandInput => {
  const indexes: GlobalSecondaryIndex[] = Object.entries(LEDGER_INDEXES).map(([name, hashKey]) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hashKey, KeyType: 'HASH' },
      { AttributeName: LEDGER_INDEX_SORT_KEY, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LEDGER_INDEX_ATTRIBUTES] },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: LEDGER_INDEX_SORT_KEY, AttributeType: 'S' },
      ...Object.values(LEDGER_INDEXES).map((attr) => ({ AttributeName: attr, AttributeType: 'S' as const })),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes,
  };
};

export interface EnsureLedgerTableOptions {
  /** Give up waiting for ACTIVE after this long (default 30 s). */
  timeoutMs?: number;
  /** Poll interval while the table is CREATING (default 50 ms). */
  pollMs?: number;
}

/**
 * Creates the ledger table when it is missing and waits until it (and its indexes) are ACTIVE.
 * For the local stack and tests; in AWS the table comes from the deployment.
 */
export const ensureLedgerTable = async (client: DynamoDBClient, tableName: string, options: EnsureLedgerTableOptions = {}): Promise<void> => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  try {
    await client.send(new CreateTableCommand(ledgerTableDefinition(tableName)));
  } catch (error) {
    // Another process created it first, or it already exists: either way, wait for ACTIVE.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await describeStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(`ledger table ${tableName} is ${status ?? 'missing'} after ${timeoutMs} ms (expected ACTIVE)`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
};

const describeStatus = async (client: DynamoDBClient, tableName: string): Promise<string | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    return Table?.TableStatus === 'ACTIVE' && !indexesActive ? 'UPDATING' : Table?.TableStatus;
  } catch (error) {
    // Just after CreateTable some implementations briefly answer "not found".
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

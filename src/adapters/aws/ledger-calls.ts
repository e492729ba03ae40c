/**
 * The single-item calls the ledger is built from (conditional Put and Update, consistent Get),
 * each through `guardLedgerCall`, with a failed condition turned into `false` rather than an error.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { guardLedgerCall } from './ledger-errors.js';

type Item = Record<string, unknown>;
type Key = Record<string, string>;

export const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A Put that succeeds only when no item has the key; `false` when one has. */
export const putIfAbsent = async (client: DynamoDBDocumentClient, table: string, item: Item): Promise<boolean> => {
  try {
    await guardLedgerCall(table, 'PutItem', () =>
      client.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export interface ConditionalUpdate {
  Key: Key;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeValues: Item;
}

/** An Update that applies only when its condition holds; `false` when it does not. */
export const updateIf = async (client: DynamoDBDocumentClient, table: string, input: ConditionalUpdate): Promise<boolean> => {
  try {
    await guardLedgerCall(table, 'UpdateItem', () => client.send(new UpdateCommand({ TableName: table, ...input })));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** A consistent GetItem, optionally of a few top-level attributes only. */
export const getItem = async (client: DynamoDBDocumentClient, table: string, key: Key, attributes?: readonly string[]): Promise<Item | undefined> => {
  const projection =
    attributes === undefined
      ? {}
      : {
          ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
        };
  const { Item } = await guardLedgerCall(table, 'GetItem', () =>
    client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true, ...projection })),
  );
  return Item;
};

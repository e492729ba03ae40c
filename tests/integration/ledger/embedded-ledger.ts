/**
 * A ledger on a fresh in-process dynalite for one test file: start in `beforeAll`, close in
 * `afterAll`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLedger } from '../../../src/adapters/aws/dynamodb-ledger.js';
import { ensureLedgerTable } from '../../../src/adapters/aws/ledger-table.js';
import { createLocalDocumentClient, startEmbeddedDynamo } from '../../../src/adapters/local/embedded-dynamodb.js';
import type { EmbeddedDynamo } from '../../../src/adapters/local/embedded-dynamodb.js';

export interface EmbeddedLedger {
  ledger: DynamoDbLedger;
  dynamo: EmbeddedDynamo;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  close(): Promise<void>;
}

/** Starts dynalite (in memory unless `dir` is given), creates the ledger table, returns the ledger. */
export const startEmbeddedLedger = async (options: { dir?: string | null; tableName?: string } = {}): Promise<EmbeddedLedger> => {
  const tableName = options.tableName ?? 'modelgate-ledger';
  const dynamo = await startEmbeddedDynamo({ dir: options.dir === undefined ? null : options.dir });
  const { client, documentClient } = createLocalDocumentClient(dynamo.endpoint);
  await ensureLedgerTable(client, tableName);
  return {
    ledger: new DynamoDbLedger({ client: documentClient, tableName }),
    dynamo,
    client,
    documentClient,
    tableName,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
};

/**
 * `listRuns` on the ledger table: pick the most selective GSI for the query, read run ids newest
 * first (filtering on the other criteria), then fetch the full records by primary key. The GSIs
 * carry only keys and filter attributes, so a large record is stored once.
 */
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchGetCommandOutput, DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RunQuery } from '../../core/ports.js';
import type { RunRecord } from '../../core/run.js';
import { decodeRecord, indexKeys, keys } from './ledger-codec.js';
import { guardLedgerCall } from './ledger-errors.js';
import { LEDGER_INDEXES, LEDGER_INDEX_SORT_KEY } from './ledger-table.js';
import type { LedgerIndexName } from './ledger-table.js';

/** BatchGetItem accepts at most 100 keys. */
const BATCH_GET_MAX = 100;
const BATCH_GET_ATTEMPTS = 8;

/** The index a query reads and the partition in it: the most selective criterion wins. */
export const indexFor = (query: RunQuery): { index: LedgerIndexName; hashValue: string } => {
  if (query.subjectArn !== undefined) return { index: 'bySubject', hashValue: indexKeys.subject(query.subjectArn) };
  if (query.group !== undefined) return { index: 'byGroup', hashValue: indexKeys.group(query.group) };
  if (query.decision !== undefined) return { index: 'byDecision', hashValue: indexKeys.decision(query.decision) };
  return { index: 'byStartedAt', hashValue: indexKeys.all };
};

/**
 * The Query input for `query` (`since` already normalised to ISO). Criteria that are not the
 * index's key become a filter.
 */
export const runIdQuery = (tableName: string, query: RunQuery, since: string | undefined, limit: number): QueryCommandInput => {
  const { index, hashValue } = indexFor(query);
  const names: Record<string, string> = { '#h': LEDGER_INDEXES[index] };
  const values: Record<string, unknown> = { ':h': hashValue };
  if (since !== undefined) {
    names['#s'] = LEDGER_INDEX_SORT_KEY;
    values[':since'] = since;
  }
  const filters: string[] = [];
  if (query.decision !== undefined && index !== 'byDecision') {
    filters.push('#decision = :decision');
    names['#decision'] = 'decision';
    values[':decision'] = query.decision;
  }
  if (query.group !== undefined && index !== 'byGroup') {
    filters.push('#group = :group');
    names['#group'] = 'subjectGroup';
    values[':group'] = query.group;
  }
  return {
    TableName: tableName,
    IndexName: index,
    KeyConditionExpression: since === undefined ? '#h = :h' : '#h = :h AND #s >= :since',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    // Limit counts the items read before the filter applies: read wider pages when filtering.
    Limit: filters.length > 0 ? Math.max(limit, 100) : limit,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
  };
};

/** Up to `limit` run ids matching `query`, newest first. */
export const queryRunIds = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  query: RunQuery,
  since: string | undefined,
  limit: number,
): Promise<string[]> => {
  const input = runIdQuery(tableName, query, since, limit);
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await guardLedgerCall(tableName, 'Query', () => client.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
    for (const item of page.Items ?? []) {
      if (ids.length < limit) ids.push(String(item['runId']));
    }
    start = page.LastEvaluatedKey;
  } while (start && ids.length < limit);
  return ids;
};

/** The records of `runIds`, in that order (BatchGetItem, retrying unprocessed keys with backoff). */
export const batchGetRuns = async (client: DynamoDBDocumentClient, tableName: string, runIds: string[]): Promise<RunRecord[]> => {
  const byId = new Map<string, RunRecord>();
  for (let i = 0; i < runIds.length; i += BATCH_GET_MAX) {
    let pending: Array<Record<string, unknown>> = runIds.slice(i, i + BATCH_GET_MAX).map((id) => keys.run(id));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= BATCH_GET_ATTEMPTS) {
        throw new Error(`ledger ${tableName}: BatchGetItem left ${pending.length} run(s) unprocessed after ${attempt} attempts (throttled; retry later)`);
      }
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const request = pending;
      const out: BatchGetCommandOutput = await guardLedgerCall(tableName, 'BatchGetItem', () =>
        client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request } } })),
      );
      for (const item of out.Responses?.[tableName] ?? []) {
        const record = decodeRecord(item);
        byId.set(record.runId, record);
      }
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return runIds.flatMap((id) => byId.get(id) ?? []);
};

/** `items.map(fn)` with at most `width` calls in flight, keeping the order. */
export const mapBounded = async <T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
};

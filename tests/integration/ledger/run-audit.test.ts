/**
 * `putRun(record, audit)`: the audit entries of a run's making are written with the record, on the
 * run item when they fit, and read back as part of the run's audit trail in time order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { AuditEntry } from '../../../src/core/run.js';
import { makeCheckResult, makeRunRecord } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const entry = (runId: string, at: string, action: string, detail?: Record<string, unknown>): AuditEntry => ({
  runId,
  at,
  actor: 'modelgate',
  action,
  ...(detail ? { detail } : {}),
});

describe('DynamoDbLedger.putRun with audit entries on dynalite', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  const auditItems = async (runId: string): Promise<number> => {
    const { Items } = await env.documentClient.send(
      new QueryCommand({
        TableName: env.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':p': 'AUDIT#' },
      }),
    );
    return Items?.length ?? 0;
  };

  it('writes the entries on the run item and merges them by time with entries appended later', async () => {
    // Prepare
    const run = makeRunRecord();
    const started = entry(run.runId, run.startedAt, 'run.started', { trigger: { source: 'eventbridge' } });
    const decided = entry(run.runId, run.finishedAt, 'run.decided', { decision: run.decision });
    const sameTime = entry(run.runId, run.finishedAt, 'registry.updated');
    const later = entry(run.runId, new Date(Date.parse(run.finishedAt) + 1000).toISOString(), 'events.published');

    // Act
    await env.ledger.putRun(run, [started, decided]);
    await env.ledger.appendAudit(later);
    await env.ledger.appendAudit(sameTime);

    // Assess
    expect(await env.ledger.auditTrail(run.runId)).toEqual([started, decided, sameTime, later]);
    const { Item } = await env.documentClient.send(new GetCommand({ TableName: env.tableName, Key: { pk: `RUN#${run.runId}`, sk: 'RUN' } }));
    expect(JSON.parse(String(Item?.['audit']))).toEqual([started, decided]);
    expect(await auditItems(run.runId)).toBe(2);
    expect(await env.ledger.getRun(run.runId)).toEqual(run);
  });

  it('appends the entries as their own items when they would not fit on the run item', async () => {
    // Prepare: a record near the item budget (random text does not compress) and a large entry
    const findings = Array.from({ length: 160 }, () => ({ severity: 'info' as const, message: randomBytes(1536).toString('base64') }));
    const run = makeRunRecord({ checks: [makeCheckResult({ findings })] });
    const started = entry(run.runId, run.startedAt, 'run.started', { note: 'x'.repeat(160 * 1024) });
    const decided = entry(run.runId, run.finishedAt, 'run.decided');

    // Act
    await env.ledger.putRun(run, [started, decided]);

    // Assess
    expect(await env.ledger.auditTrail(run.runId)).toEqual([started, decided]);
    expect(await auditItems(run.runId)).toBe(2);
    expect(await env.ledger.getRun(run.runId)).toEqual(run);
  });

  it('refuses an entry of another run, naming it, and writes nothing', async () => {
    // Prepare
    const run = makeRunRecord();

    // Act
    const put = env.ledger.putRun(run, [entry('run-someoneelse', run.startedAt, 'run.started')]);

    // Assess
    await expect(put).rejects.toThrow(InvalidInputError);
    await expect(env.ledger.putRun(run, [entry('run-someoneelse', run.startedAt, 'run.started')])).rejects.toThrow(/putRun audit\[0\]\.runId/);
    expect(await env.ledger.getRun(run.runId)).toBeNull();
  });

  it('refuses a second record with entries and leaves the first trail as it was', async () => {
    // Prepare
    const run = makeRunRecord();
    const started = entry(run.runId, run.startedAt, 'run.started');
    await env.ledger.putRun(run, [started]);

    // Act
    const again = env.ledger.putRun(run, [entry(run.runId, run.finishedAt, 'run.decided')]);

    // Assess
    await expect(again).rejects.toThrow(/already recorded/);
    expect(await env.ledger.auditTrail(run.runId)).toEqual([started]);
  });
});

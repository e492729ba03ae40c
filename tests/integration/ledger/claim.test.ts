import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ClaimLostError } from '../../../src/adapters/aws/ledger-errors.js';
import { RefusedError } from '../../../src/core/errors.js';
import type { ClaimResult } from '../../../src/core/ports.js';
import { makeRunRecord, nextRunId } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const T0 = new Date('2025-06-01T10:00:00.000Z');
const LEASE = 60_000;
const at = (ms: number): Date => new Date(T0.getTime() + ms);
let keyCounter = 0;
const freshKey = (): string => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/claims/${++keyCounter}|sha256:${'0'.repeat(64)}`;

describe('DynamoDbLedger.claimRun on dynalite', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('gives the claim to exactly one of 50 concurrent callers and the winner to the others', async () => {
    // Prepare
    const key = freshKey();
    const runIds = Array.from({ length: 50 }, () => nextRunId());

    // Act
    const results = await Promise.all(runIds.map((id) => env.ledger.claimRun(key, id, T0, LEASE)));

    // Assess
    const winners = runIds.filter((_, i) => results[i]!.status === 'claimed');
    expect(winners).toHaveLength(1);
    const others = results.filter((r): r is Extract<ClaimResult, { status: 'exists' }> => r.status === 'exists');
    expect(others).toHaveLength(49);
    expect(new Set(others.map((r) => r.runId))).toEqual(new Set(winners));
    expect(others.every((r) => !r.complete)).toBe(true);
  });

  it('refuses a takeover before the lease expires and allows it at expiry', async () => {
    // Prepare
    const key = freshKey();
    const [first, early, late] = [nextRunId(), nextRunId(), nextRunId()];
    await env.ledger.claimRun(key, first, T0, LEASE);

    // Act
    const beforeExpiry = await env.ledger.claimRun(key, early, at(LEASE - 1), LEASE);
    const atExpiry = await env.ledger.claimRun(key, late, at(LEASE), LEASE);
    const afterTakeover = await env.ledger.claimRun(key, nextRunId(), at(LEASE + 1), LEASE);

    // Assess
    expect(beforeExpiry).toEqual({ status: 'exists', runId: first, complete: false });
    expect(atExpiry).toEqual({ status: 'claimed' });
    expect(afterTakeover).toEqual({ status: 'exists', runId: late, complete: false });
  });

  it('lets exactly one of 20 concurrent callers take over an expired claim', async () => {
    // Prepare
    const key = freshKey();
    await env.ledger.claimRun(key, nextRunId(), T0, LEASE);
    const runIds = Array.from({ length: 20 }, () => nextRunId());

    // Act
    const results = await Promise.all(runIds.map((id) => env.ledger.claimRun(key, id, at(2 * LEASE), LEASE)));

    // Assess
    const winners = runIds.filter((_, i) => results[i]!.status === 'claimed');
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'exists')) expect(r).toEqual({ status: 'exists', runId: winners[0], complete: false });
  });

  it('reports a claim as complete once its run is recorded, even long after the lease', async () => {
    // Prepare
    const key = freshKey();
    const run = makeRunRecord();
    await env.ledger.claimRun(key, run.runId, T0, LEASE);

    // Act
    await env.ledger.putRun(run);
    const later = await env.ledger.claimRun(key, nextRunId(), at(100 * LEASE), LEASE);

    // Assess
    expect(later).toEqual({ status: 'exists', runId: run.runId, complete: true });
  });

  it('refuses the record of a run whose expired claim was taken over, and writes nothing', async () => {
    // Prepare
    const key = freshKey();
    const stale = makeRunRecord();
    const successor = nextRunId();
    await env.ledger.claimRun(key, stale.runId, T0, LEASE);
    await env.ledger.claimRun(key, successor, at(LEASE + 5), LEASE);

    // Act
    const refused = env.ledger.putRun(stale);

    // Assess
    await expect(refused).rejects.toThrow(ClaimLostError);
    await expect(env.ledger.putRun(stale)).rejects.toThrow(RefusedError);
    await expect(env.ledger.putRun(stale)).rejects.toThrow(new RegExp(`run ${successor} took it over`));
    expect(await env.ledger.getRun(stale.runId)).toBeNull();
  });

  it('completes the claim of a holder that recorded its run but crashed before marking the claim', async () => {
    // Prepare: the state a crash between the two writes of putRun leaves behind
    const key = freshKey();
    const run = makeRunRecord();
    await env.ledger.claimRun(key, run.runId, T0, LEASE);
    await env.ledger.putRun(run);
    await env.documentClient.send(
      new UpdateCommand({
        TableName: env.tableName,
        Key: { pk: `CLAIM#${key}`, sk: 'CLAIM' },
        UpdateExpression: 'SET complete = :false REMOVE completedAt',
        ExpressionAttributeValues: { ':false': false },
      }),
    );

    // Act
    const during = await env.ledger.claimRun(key, nextRunId(), at(1), LEASE);
    const after = await env.ledger.claimRun(key, nextRunId(), at(LEASE + 1), LEASE);

    // Assess
    expect(during).toEqual({ status: 'exists', runId: run.runId, complete: false });
    expect(after).toEqual({ status: 'exists', runId: run.runId, complete: true });
    const { Item } = await env.documentClient.send(new GetCommand({ TableName: env.tableName, Key: { pk: `CLAIM#${key}`, sk: 'CLAIM' } }));
    expect(Item?.['complete']).toBe(true);
  });

  it('records a run that never claimed (a CLI run) without touching any claim', async () => {
    // Prepare
    const run = makeRunRecord({ trigger: { source: 'cli' } });

    // Act
    await env.ledger.putRun(run);

    // Assess
    expect(await env.ledger.getRun(run.runId)).toEqual(run);
  });

  it('rejects a non-positive lease and an empty key', async () => {
    // Act / Assess
    await expect(env.ledger.claimRun(freshKey(), nextRunId(), T0, 0)).rejects.toThrow(/claimRun leaseMs.*positive/);
    await expect(env.ledger.claimRun('', nextRunId(), T0, LEASE)).rejects.toThrow(/claimRun dedupeKey/);
  });
});

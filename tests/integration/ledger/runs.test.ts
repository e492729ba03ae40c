import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LedgerItemTooLargeError, RunAlreadyRecordedError } from '../../../src/adapters/aws/ledger-errors.js';
import { InvalidInputError, NotFoundError, RefusedError } from '../../../src/core/errors.js';
import { effectiveDecision } from '../../../src/core/run.js';
import type { Override } from '../../../src/core/run.js';
import { makeCheckResult, makeRunRecord } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const override = (decision: Override['decision'], at: string, reason = 'reviewed'): Override => ({
  decision,
  reason,
  by: 'arn:aws:iam::111111111111:role/compliance-officer',
  at,
});

describe('DynamoDbLedger runs on dynalite', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('returns the record it was given', async () => {
    // Prepare
    const run = makeRunRecord({ policy: null, champion: null, decision: 'needs_review', reasons: [] });

    // Act
    await env.ledger.putRun(run);
    const back = await env.ledger.getRun(run.runId);

    // Assess
    expect(back).toEqual(run);
  });

  it('answers null for a run it never recorded', async () => {
    // Act / Assess
    expect(await env.ledger.getRun('run-unknown')).toBeNull();
  });

  it('refuses a second write of the same runId and keeps the first', async () => {
    // Prepare
    const run = makeRunRecord({ decision: 'reject' });
    await env.ledger.putRun(run);

    // Act
    const second = env.ledger.putRun({ ...run, decision: 'approve', reasons: [] });

    // Assess
    await expect(second).rejects.toThrow(RunAlreadyRecordedError);
    await expect(env.ledger.putRun(run)).rejects.toThrow(RefusedError);
    await expect(env.ledger.putRun(run)).rejects.toThrow(`run ${run.runId} is already recorded`);
    expect(await env.ledger.getRun(run.runId)).toEqual(run);
  });

  it('merges the latest override into the run, by time, whatever the order written', async () => {
    // Prepare
    const run = makeRunRecord({ decision: 'reject' });
    await env.ledger.putRun(run);

    // Act
    await env.ledger.recordOverride(run.runId, override('approve', '2025-06-02T09:00:00.000Z', 'waiver agreed'));
    await env.ledger.recordOverride(run.runId, override('reject', '2025-06-01T12:00:00.000Z', 'first look'));
    const back = await env.ledger.getRun(run.runId);

    // Assess
    expect(back).toEqual({ ...run, override: override('approve', '2025-06-02T09:00:00.000Z', 'waiver agreed') });
    expect(effectiveDecision(back!)).toBe('approve');
  });

  it('lets a later override stand over an earlier one', async () => {
    // Prepare
    const run = makeRunRecord({ decision: 'needs_review' });
    await env.ledger.putRun(run);
    await env.ledger.recordOverride(run.runId, override('approve', '2025-06-02T09:00:00.000Z'));

    // Act
    await env.ledger.recordOverride(run.runId, override('reject', '2025-06-03T09:00:00.000Z', 'new evidence'));

    // Assess
    expect((await env.ledger.getRun(run.runId))?.override).toEqual(override('reject', '2025-06-03T09:00:00.000Z', 'new evidence'));
  });

  it('refuses an override of a run it does not know', async () => {
    // Act / Assess
    await expect(env.ledger.recordOverride('run-nope', override('approve', '2025-06-02T09:00:00.000Z'))).rejects.toThrow(NotFoundError);
  });

  it('round-trips a large record (stored gzipped)', async () => {
    // Prepare
    const checks = Array.from({ length: 80 }, (_, c) =>
      makeCheckResult({
        id: `check-${c}`,
        status: c % 3 === 0 ? 'fail' : 'pass',
        metrics: Array.from({ length: 30 }, (_, m) => ({ name: `m${m}`, value: (c * 31 + m) / 997, slice: `segment=${m}`, passed: m % 5 !== 0 })),
        findings: Array.from({ length: 30 }, (_, f) => ({
          severity: 'warning' as const,
          message: `check ${c} finding ${f}: value outside the expected band for segment ${f}`,
        })),
      }),
    );
    const run = makeRunRecord({ checks });
    expect(Buffer.byteLength(JSON.stringify(run))).toBeGreaterThan(400 * 1024);

    // Act
    await env.ledger.putRun(run);
    const back = await env.ledger.getRun(run.runId);

    // Assess
    expect(back).toEqual(run);
    const { Item } = await env.documentClient.send(new GetCommand({ TableName: env.tableName, Key: { pk: `RUN#${run.runId}`, sk: 'RUN' } }));
    expect(Item?.['recordGz']).toBeInstanceOf(Uint8Array);
    expect(Item?.['record']).toBeUndefined();
  });

  it('refuses a record too large even gzipped, with the sizes, and writes nothing', async () => {
    // Prepare: random text does not compress below the item budget
    const findings = Array.from({ length: 300 }, () => ({ severity: 'info' as const, message: randomBytes(2048).toString('base64') }));
    const run = makeRunRecord({ checks: [makeCheckResult({ findings })] });

    // Act
    const put = env.ledger.putRun(run);

    // Assess
    await expect(put).rejects.toThrow(LedgerItemTooLargeError);
    await expect(env.ledger.putRun(run)).rejects.toThrow(/bytes gzipped, above the \d+-byte ledger item budget/);
    expect(await env.ledger.getRun(run.runId)).toBeNull();
  });

  it('refuses a record whose startedAt is not a time', async () => {
    // Prepare
    const run = makeRunRecord({ startedAt: 'yesterday-ish' });

    // Act
    const put = env.ledger.putRun(run);

    // Assess
    await expect(put).rejects.toThrow(InvalidInputError);
    await expect(env.ledger.putRun(run)).rejects.toThrow(/startedAt.*"yesterday-ish" is not a time/);
  });
});

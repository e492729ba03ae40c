/**
 * Takeovers fence the stale run (docs/ledger.md, "Exactly once, without transactions"): the
 * contender that takes an expired claim first puts a fence in the stale run's record slot, so the
 * stale run's record can never be written — which is why `putRun` reads no claim before writing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLedger } from '../../../src/adapters/aws/dynamodb-ledger.js';
import { ClaimLostError } from '../../../src/adapters/aws/ledger-errors.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { makeRunRecord, nextRunId } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const T0 = new Date('2025-06-01T10:00:00.000Z');
const LEASE = 60_000;
const at = (ms: number): Date => new Date(T0.getTime() + ms);
let keyCounter = 0;
const freshKey = (): string => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/fences/${++keyCounter}|sha256:${'1'.repeat(64)}`;

describe('DynamoDbLedger fences on dynalite', () => {
  let env: EmbeddedLedger;
  /** A second process on the same table: it shares no memory with `env.ledger`. */
  let other: DynamoDbLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
    other = new DynamoDbLedger({ client: env.documentClient, tableName: env.tableName });
  });
  afterAll(async () => {
    await env.close();
  });

  it('refuses the stale run in any process once a takeover fenced it, naming the new holder', async () => {
    // Prepare: the stale run claimed in one process; another took the expired claim over
    const key = freshKey();
    const stale = makeRunRecord();
    const successor = nextRunId();
    await env.ledger.claimRun(key, stale.runId, T0, LEASE);
    expect(await other.claimRun(key, successor, at(LEASE + 1), LEASE)).toEqual({ status: 'claimed' });

    // Act
    const refused = env.ledger.putRun(stale);
    const refusedElsewhere = other.putRun(stale);

    // Assess
    await expect(refused).rejects.toThrow(ClaimLostError);
    await expect(refusedElsewhere).rejects.toThrow(new RegExp(`run ${stale.runId} no longer holds the claim on .*: run ${successor} took it over`));
    const { Item } = await env.documentClient.send(new GetCommand({ TableName: env.tableName, Key: { pk: `RUN#${stale.runId}`, sk: 'RUN' } }));
    expect(Item).toMatchObject({ kind: 'fence', runId: stale.runId, dedupeKey: key, fencedBy: successor });
  });

  it('reads a fenced run as no run: not found, not listed, no override', async () => {
    // Prepare
    const key = freshKey();
    const stale = makeRunRecord();
    await env.ledger.claimRun(key, stale.runId, T0, LEASE);
    await env.ledger.claimRun(key, nextRunId(), at(LEASE + 1), LEASE);

    // Act
    const back = await env.ledger.getRun(stale.runId);
    const listed = await env.ledger.listRuns({ subjectArn: stale.subject.arn, limit: 1000 });
    const override = env.ledger.recordOverride(stale.runId, { decision: 'approve', reason: 'r', by: 'officer@example.com', at: '2025-06-02T00:00:00.000Z' });

    // Assess
    expect(back).toBeNull();
    expect(listed.map((r) => r.runId)).not.toContain(stale.runId);
    await expect(override).rejects.toThrow(NotFoundError);
  });

  it('of a stale holder recording and a contender taking over at once, exactly one wins, 30 times over', async () => {
    for (let round = 0; round < 30; round += 1) {
      // Prepare
      const key = freshKey();
      const stale = makeRunRecord();
      const contender = nextRunId();
      await env.ledger.claimRun(key, stale.runId, T0, LEASE);

      // Act
      // Staggered by 0–14 ms, so that either may get there first (which one does is not asserted).
      const record = new Promise((ok) => setTimeout(ok, round % 15)).then(() => env.ledger.putRun(stale));
      const [recorded, claim] = await Promise.allSettled([record, other.claimRun(key, contender, at(LEASE + 1), LEASE)]);

      // Assess
      if (claim.status !== 'fulfilled') throw claim.reason;
      const stored = await env.ledger.getRun(stale.runId);
      const after = await env.ledger.claimRun(key, nextRunId(), at(LEASE + 2), LEASE);
      if (recorded.status === 'fulfilled') {
        expect(claim.value).toEqual({ status: 'exists', runId: stale.runId, complete: true });
        expect(stored).toEqual(stale);
        expect(after).toEqual({ status: 'exists', runId: stale.runId, complete: true });
      } else {
        expect(recorded.reason).toBeInstanceOf(ClaimLostError);
        expect(claim.value).toEqual({ status: 'claimed' });
        expect(stored).toBeNull();
        expect(after).toEqual({ status: 'exists', runId: contender, complete: false });
      }
    }
  });

  it('completes, at the first claim after the lease, the claim of a run recorded by another process than the claimer', async () => {
    // Prepare: claimed here, recorded by a process that does not know the claim
    const key = freshKey();
    const run = makeRunRecord();
    await env.ledger.claimRun(key, run.runId, T0, LEASE);
    await other.putRun(run);

    // Act
    const during = await env.ledger.claimRun(key, nextRunId(), at(1), LEASE);
    const after = await env.ledger.claimRun(key, nextRunId(), at(LEASE + 1), LEASE);

    // Assess: never a second run for the key
    expect(during).toEqual({ status: 'exists', runId: run.runId, complete: false });
    expect(after).toEqual({ status: 'exists', runId: run.runId, complete: true });
    expect(await env.ledger.getRun(run.runId)).toEqual(run);
  });

  it('claims afresh when the claim it lost to was released in the meantime', async () => {
    // Prepare: a holder whose evaluation failed released its claim
    const key = freshKey();
    const failed = nextRunId();
    await env.ledger.claimRun(key, failed, T0, LEASE);
    await env.ledger.releaseClaim(key, failed);

    // Act
    const again = await other.claimRun(key, nextRunId(), at(1), LEASE);

    // Assess
    expect(again).toEqual({ status: 'claimed' });
  });
});

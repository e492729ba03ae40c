/**
 * Step leases and claim release on real dynalite: of concurrent invocations exactly one performs a
 * side effect; a failed one gives it back at once; a dead one loses it when the lease runs out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nextRunId } from '../../support/run-record.js';
import { makeRunRecord } from '../../support/run-record.js';
import { startEmbeddedLedger, type EmbeddedLedger } from './embedded-ledger.js';

const T0 = new Date('2026-11-22T10:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('DynamoDbLedger step leases and claim release', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('gives a step to exactly one of 30 concurrent claimants', async () => {
    // Prepare
    const runId = nextRunId();
    // Act
    const claims = await Promise.all(Array.from({ length: 30 }, () => env.ledger.claimStep(runId, 'registry.updated', T0, 60_000)));
    // Assess
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c === 'held')).toHaveLength(29);
  });

  it('says done once the holder completed it, and never hands it out again', async () => {
    const runId = nextRunId();
    expect(await env.ledger.claimStep(runId, 'events.published', T0, 60_000)).toBe('claimed');
    expect(await env.ledger.stepsDone(runId)).toEqual([]);
    expect(await env.ledger.completeStep(runId, 'events.published', T0.toISOString())).toBe(true);
    expect(await env.ledger.stepsDone(runId)).toEqual(['events.published']);
    expect(await env.ledger.claimStep(runId, 'events.published', later(10 * 60_000), 60_000)).toBe('done');
    expect(await env.ledger.completeStep(runId, 'events.published', T0.toISOString())).toBe(false);
  });

  it('hands a released step to the next claimant at once', async () => {
    const runId = nextRunId();
    expect(await env.ledger.claimStep(runId, 'people.notified', T0, 60_000)).toBe('claimed');
    await env.ledger.releaseStep(runId, 'people.notified');
    expect(await env.ledger.claimStep(runId, 'people.notified', later(1), 60_000)).toBe('claimed');
  });

  it('hands a step whose holder died to the next claimant only after the lease', async () => {
    const runId = nextRunId();
    expect(await env.ledger.claimStep(runId, 'registry.updated', T0, 60_000)).toBe('claimed');
    expect(await env.ledger.claimStep(runId, 'registry.updated', later(59_000), 60_000)).toBe('held');
    expect(await env.ledger.claimStep(runId, 'registry.updated', later(61_000), 60_000)).toBe('claimed');
  });

  it('completes a step that was never claimed (a mark without a lease), once', async () => {
    const runId = nextRunId();
    expect(await env.ledger.completeStep(runId, 'registry.updated', T0.toISOString())).toBe(true);
    expect(await env.ledger.claimStep(runId, 'registry.updated', T0, 60_000)).toBe('done');
  });

  it('releases an unfinished evaluation claim so a retry claims at once', async () => {
    // Prepare
    const key = `arn:aws:sagemaker:eu-west-1:111111111111:model-package/g/${Date.now()}#sha256:${'a'.repeat(64)}`;
    const first = nextRunId();
    expect(await env.ledger.claimRun(key, first, T0, 15 * 60_000)).toEqual({ status: 'claimed' });
    // Act
    await env.ledger.releaseClaim(key, first);
    // Assess
    const second = nextRunId();
    expect(await env.ledger.claimRun(key, second, later(1), 15 * 60_000)).toEqual({ status: 'claimed' });
  });

  it('never releases a claim that another run holds or that was completed', async () => {
    // Prepare
    const key = `arn:aws:sagemaker:eu-west-1:111111111111:model-package/h/${Date.now()}#sha256:${'b'.repeat(64)}`;
    const holder = nextRunId();
    await env.ledger.claimRun(key, holder, T0, 15 * 60_000);
    // Act: someone else's release, then the holder writes its run, then its own late release
    await env.ledger.releaseClaim(key, nextRunId());
    await env.ledger.putRun(makeRunRecord({ runId: holder, startedAt: T0.toISOString(), finishedAt: T0.toISOString() }));
    await env.ledger.releaseClaim(key, holder);
    // Assess
    expect(await env.ledger.claimRun(key, nextRunId(), later(1), 15 * 60_000)).toEqual({ status: 'exists', runId: holder, complete: true });
  });
});

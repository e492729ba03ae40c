import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { AuditEntry } from '../../../src/core/run.js';
import { nextRunId } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const entry = (runId: string, at: string, action: string, detail?: Record<string, unknown>): AuditEntry => ({
  runId,
  at,
  actor: 'modelgate',
  action,
  ...(detail ? { detail } : {}),
});

describe('DynamoDbLedger audit trail and steps on dynalite', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('keeps 200 entries written in the same millisecond, in the order they were appended', async () => {
    // Prepare
    const runId = nextRunId();
    const at = '2025-06-01T10:00:00.000Z';
    const entries = Array.from({ length: 200 }, (_, i) => entry(runId, at, 'check.result', { n: i }));

    // Act
    for (const e of entries) await env.ledger.appendAudit(e);
    const trail = await env.ledger.auditTrail(runId);

    // Assess
    expect(trail).toEqual(entries);
  });

  it('loses none of 100 entries appended concurrently in the same millisecond', async () => {
    // Prepare
    const runId = nextRunId();
    const entries = Array.from({ length: 100 }, (_, i) => entry(runId, '2025-06-01T10:00:00.000Z', 'event.published', { n: i }));

    // Act
    await Promise.all(entries.map((e) => env.ledger.appendAudit(e)));
    const trail = await env.ledger.auditTrail(runId);

    // Assess
    expect(trail).toHaveLength(100);
    expect(new Set(trail.map((e) => e.detail?.['n']))).toEqual(new Set(entries.map((e) => e.detail?.['n'])));
  });

  it('orders the trail by time, oldest first, whatever the order appended', async () => {
    // Prepare
    const runId = nextRunId();
    const started = entry(runId, '2025-06-01T10:00:00.000Z', 'run.started');
    const decided = entry(runId, '2025-06-01T10:00:03.000Z', 'run.decided', { decision: 'reject' });
    const updated = entry(runId, '2025-06-01T10:00:04.000Z', 'registry.updated');

    // Act
    await env.ledger.appendAudit(updated);
    await env.ledger.appendAudit(started);
    await env.ledger.appendAudit(decided);

    // Assess
    expect(await env.ledger.auditTrail(runId)).toEqual([started, decided, updated]);
  });

  it('appends an identical entry again instead of replacing it', async () => {
    // Prepare
    const runId = nextRunId();
    const same = entry(runId, '2025-06-01T10:00:00.000Z', 'notify.sent');

    // Act
    await env.ledger.appendAudit(same);
    await env.ledger.appendAudit(same);

    // Assess
    expect(await env.ledger.auditTrail(runId)).toEqual([same, same]);
  });

  it('keeps each run’s trail apart and answers an empty trail for an unknown run', async () => {
    // Prepare
    const [a, b] = [nextRunId(), nextRunId()];
    await env.ledger.appendAudit(entry(a, '2025-06-01T10:00:00.000Z', 'run.started'));

    // Act
    const trailB = await env.ledger.auditTrail(b);

    // Assess
    expect(trailB).toEqual([]);
    expect(await env.ledger.auditTrail(a)).toHaveLength(1);
  });

  it('rejects an entry without a valid time', async () => {
    // Act / Assess
    await expect(env.ledger.appendAudit(entry(nextRunId(), 'soon', 'run.started'))).rejects.toThrow(InvalidInputError);
    await expect(env.ledger.appendAudit(entry(nextRunId(), 'soon', 'run.started'))).rejects.toThrow(/AuditEntry\.at/);
  });

  it('marks a step once: true the first time, false after', async () => {
    // Prepare
    const runId = nextRunId();

    // Act
    const first = await env.ledger.completeStep(runId, 'registry', '2025-06-01T10:00:04.000Z');
    const again = await env.ledger.completeStep(runId, 'registry', '2025-06-01T10:05:00.000Z');

    // Assess
    expect(first).toBe(true);
    expect(again).toBe(false);
    expect(await env.ledger.stepsDone(runId)).toEqual(['registry']);
  });

  it('lets exactly one of 20 concurrent retries perform a step', async () => {
    // Prepare
    const runId = nextRunId();

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => env.ledger.completeStep(runId, 'notify', '2025-06-01T10:00:05.000Z')));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lists every step done for a run, and only that run', async () => {
    // Prepare
    const [runId, other] = [nextRunId(), nextRunId()];
    await env.ledger.completeStep(runId, 'registry', '2025-06-01T10:00:04.000Z');
    await env.ledger.completeStep(runId, 'publish', '2025-06-01T10:00:05.000Z');
    await env.ledger.completeStep(other, 'notify', '2025-06-01T10:00:06.000Z');

    // Act
    const steps = await env.ledger.stepsDone(runId);

    // Assess
    expect([...steps].sort()).toEqual(['publish', 'registry']);
    expect(await env.ledger.stepsDone(nextRunId())).toEqual([]);
  });
});

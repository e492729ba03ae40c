import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDbLedger } from '../../../src/adapters/aws/dynamodb-ledger.js';
import { ensureLedgerTable } from '../../../src/adapters/aws/ledger-table.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import type { Decision, RunRecord } from '../../../src/core/run.js';
import { makeRunRecord } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

const T0 = Date.parse('2025-06-01T10:00:00.000Z');
const DECISIONS: Decision[] = ['approve', 'reject', 'needs_review'];

const seedRun = (i: number): RunRecord => {
  const group = i % 2 === 0 ? 'credit-risk' : 'churn';
  const version = String((i % 3) + 1);
  return makeRunRecord({
    runId: `run-list-${String(i).padStart(2, '0')}`,
    subject: {
      kind: 'sagemaker-model-package',
      arn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${group}/${version}`,
      group,
      version,
      account: '111111111111',
      region: 'eu-west-1',
    },
    decision: DECISIONS[Math.floor(i / 4) % 3]!,
    startedAt: new Date(T0 + i * 60_000).toISOString(),
    finishedAt: new Date(T0 + i * 60_000 + 5_000).toISOString(),
  });
};

const ids = (runs: RunRecord[]): string[] => runs.map((r) => r.runId);

describe('DynamoDbLedger.listRuns on dynalite', () => {
  let env: EmbeddedLedger;
  const seeded = Array.from({ length: 12 }, (_, i) => seedRun(i));
  const newestFirst = [...seeded].reverse();

  beforeAll(async () => {
    env = await startEmbeddedLedger();
    // Written out of time order: the order of a listing must come from startedAt, not from writes.
    for (const i of [5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7]) await env.ledger.putRun(seeded[i]!);
  });
  afterAll(async () => {
    await env.close();
  });

  it('lists every run newest first', async () => {
    // Act
    const runs = await env.ledger.listRuns({});

    // Assess
    expect(ids(runs)).toEqual(ids(newestFirst));
    expect(runs[0]).toEqual(seeded[11]);
  });

  it('filters by decision', async () => {
    // Act
    const rejected = await env.ledger.listRuns({ decision: 'reject' });

    // Assess
    expect(ids(rejected)).toEqual(['run-list-07', 'run-list-06', 'run-list-05', 'run-list-04']);
  });

  it('filters by group', async () => {
    // Act
    const churn = await env.ledger.listRuns({ group: 'churn' });

    // Assess
    expect(ids(churn)).toEqual(ids(newestFirst.filter((r) => r.subject.group === 'churn')));
    expect(churn).toHaveLength(6);
  });

  it('filters by subject ARN', async () => {
    // Prepare
    const arn = 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/credit-risk/1';

    // Act
    const runs = await env.ledger.listRuns({ subjectArn: arn });

    // Assess
    expect(ids(runs)).toEqual(['run-list-06', 'run-list-00']);
  });

  it('combines filters', async () => {
    // Act
    const byGroupAndDecision = await env.ledger.listRuns({ group: 'credit-risk', decision: 'needs_review' });
    const bySubjectAndDecision = await env.ledger.listRuns({
      subjectArn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn/2',
      decision: 'approve',
    });

    // Assess
    expect(ids(byGroupAndDecision)).toEqual(['run-list-10', 'run-list-08']);
    expect(ids(bySubjectAndDecision)).toEqual(['run-list-01']);
  });

  it('keeps runs started at or after `since`, as an ISO time, a date or epoch milliseconds', async () => {
    // Act
    const iso = await env.ledger.listRuns({ since: new Date(T0 + 9 * 60_000).toISOString() });
    const epoch = await env.ledger.listRuns({ since: String(T0 + 9 * 60_000) });
    const date = await env.ledger.listRuns({ since: '2025-06-02' });
    const withFilter = await env.ledger.listRuns({ since: new Date(T0 + 5 * 60_000).toISOString(), decision: 'reject' });

    // Assess
    expect(ids(iso)).toEqual(['run-list-11', 'run-list-10', 'run-list-09']);
    expect(ids(epoch)).toEqual(ids(iso));
    expect(date).toEqual([]);
    expect(ids(withFilter)).toEqual(['run-list-07', 'run-list-06', 'run-list-05']);
  });

  it('stops at the limit, newest first', async () => {
    // Act
    const three = await env.ledger.listRuns({ limit: 3 });
    const oneOfGroup = await env.ledger.listRuns({ group: 'credit-risk', limit: 1 });

    // Assess
    expect(ids(three)).toEqual(['run-list-11', 'run-list-10', 'run-list-09']);
    expect(ids(oneOfGroup)).toEqual(['run-list-10']);
  });

  it('shows the latest override of each listed run', async () => {
    // Prepare
    const override = { decision: 'approve' as const, reason: 'waived', by: 'officer@example.com', at: '2025-06-03T00:00:00.000Z' };
    await env.ledger.recordOverride('run-list-05', override);

    // Act
    const rejected = await env.ledger.listRuns({ decision: 'reject' });

    // Assess
    expect(rejected.find((r) => r.runId === 'run-list-05')?.override).toEqual(override);
    expect(rejected.filter((r) => r.override !== undefined)).toHaveLength(1);
  });

  it('rejects a bad limit, decision or since with the field named', async () => {
    // Act / Assess
    await expect(env.ledger.listRuns({ limit: 0 })).rejects.toThrow(InvalidInputError);
    await expect(env.ledger.listRuns({ limit: 2.5 })).rejects.toThrow(/RunQuery\.limit/);
    await expect(env.ledger.listRuns({ decision: 'maybe' as Decision })).rejects.toThrow(/RunQuery\.decision/);
    await expect(env.ledger.listRuns({ since: 'last week' })).rejects.toThrow(/RunQuery\.since/);
  });

  describe('with many runs', () => {
    const tableName = 'modelgate-ledger-many';
    let many: DynamoDbLedger;
    const total = 130;

    beforeAll(async () => {
      await ensureLedgerTable(env.client, tableName);
      many = new DynamoDbLedger({ client: env.documentClient, tableName });
      // The oldest run is the only reject: finding it means reading past a filtered page.
      const runs = Array.from({ length: total }, (_, i) =>
        makeRunRecord({
          runId: `run-many-${String(i).padStart(3, '0')}`,
          decision: i === 0 ? 'reject' : 'approve',
          startedAt: new Date(T0 + i * 1000).toISOString(),
        }),
      );
      for (let i = 0; i < runs.length; i += 10) await Promise.all(runs.slice(i, i + 10).map((r) => many.putRun(r)));
    });

    it('returns 50 runs when no limit is given', async () => {
      // Act
      const runs = await many.listRuns({});

      // Assess
      expect(runs).toHaveLength(50);
      expect(runs[0]?.runId).toBe(`run-many-${total - 1}`);
      expect(runs[49]?.runId).toBe(`run-many-0${total - 50}`);
    });

    it('pages through filtered index reads until it finds matches', async () => {
      // Act
      const rejected = await many.listRuns({ group: 'credit-risk', decision: 'reject' });

      // Assess
      expect(ids(rejected)).toEqual(['run-many-000']);
    });

    it('keeps two runs that started in the same millisecond', async () => {
      // Prepare
      const same = '2030-01-01T00:00:00.000Z';
      await many.putRun(makeRunRecord({ runId: 'run-same-a', startedAt: same }));
      await many.putRun(makeRunRecord({ runId: 'run-same-b', startedAt: same }));

      // Act
      const runs = await many.listRuns({ since: same });

      // Assess
      expect(ids(runs)).toEqual(['run-same-b', 'run-same-a']);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbLedger } from '../../../src/adapters/aws/dynamodb-ledger.js';
import { LedgerTableMissingError } from '../../../src/adapters/aws/ledger-errors.js';
import { ensureLedgerTable, ledgerTableDefinition } from '../../../src/adapters/aws/ledger-table.js';
import { LocalLedgerInUseError, createLocalDocumentClient, startEmbeddedDynamo } from '../../../src/adapters/local/embedded-dynamodb.js';
import { makeRunRecord } from '../../support/run-record.js';
import { startEmbeddedLedger } from './embedded-ledger.js';
import type { EmbeddedLedger } from './embedded-ledger.js';

describe('the embedded DynamoDB (dynalite in-process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelgate-ledger-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps runs, overrides, audit and steps across a close and a reopen of the same directory', async () => {
    // Prepare
    const ledgerDir = join(dir, 'nested', 'ledger');
    const run = makeRunRecord();
    const override = { decision: 'approve' as const, reason: 'waived', by: 'officer@example.com', at: '2025-06-02T00:00:00.000Z' };
    const first = await startEmbeddedLedger({ dir: ledgerDir });
    await first.ledger.putRun(run);
    await first.ledger.recordOverride(run.runId, override);
    await first.ledger.appendAudit({ runId: run.runId, at: run.finishedAt, actor: 'modelgate', action: 'run.decided' });
    await first.ledger.completeStep(run.runId, 'registry', run.finishedAt);
    await first.close();

    // Act
    const second = await startEmbeddedLedger({ dir: ledgerDir });
    try {
      const back = await second.ledger.getRun(run.runId);
      const listed = await second.ledger.listRuns({});
      const trail = await second.ledger.auditTrail(run.runId);
      const again = await second.ledger.completeStep(run.runId, 'registry', run.finishedAt);

      // Assess
      expect(back).toEqual({ ...run, override });
      expect(listed.map((r) => r.runId)).toEqual([run.runId]);
      expect(trail.map((e) => e.action)).toEqual(['run.decided']);
      expect(again).toBe(false);
      expect((await readdir(ledgerDir)).length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });

  it('refuses a directory another server holds open, and names it', async () => {
    // Prepare
    const ledgerDir = join(dir, 'held');
    const holder = await startEmbeddedDynamo({ dir: ledgerDir });

    try {
      // Act
      const second = startEmbeddedDynamo({ dir: ledgerDir });

      // Assess
      await expect(second).rejects.toThrow(LocalLedgerInUseError);
      await expect(startEmbeddedDynamo({ dir: ledgerDir })).rejects.toThrow(`the local ledger at ${ledgerDir} is in use`);
    } finally {
      await holder.close();
    }
  });

  it('serves on 127.0.0.1 on a dynamic port and can be closed twice', async () => {
    // Prepare
    const dynamo = await startEmbeddedDynamo({ dir: null });

    // Act
    const { port, hostname } = new URL(dynamo.endpoint);
    await dynamo.close();
    const secondClose = dynamo.close();

    // Assess
    expect(hostname).toBe('127.0.0.1');
    expect(Number(port)).toBeGreaterThan(0);
    await expect(secondClose).resolves.toBeUndefined();
  });

  it('never reads the user’s AWS profile: a profile that does not exist changes nothing', async () => {
    // Prepare
    const saved = { profile: process.env['AWS_PROFILE'], config: process.env['AWS_CONFIG_FILE'] };
    process.env['AWS_PROFILE'] = 'modelgate-test-no-such-profile';
    process.env['AWS_CONFIG_FILE'] = join(dir, 'no-such-config');
    const dynamo = await startEmbeddedDynamo({ dir: null });
    const { client } = createLocalDocumentClient(dynamo.endpoint);

    try {
      // Act
      await ensureLedgerTable(client, 'profile-free');
      const { Table } = await client.send(new DescribeTableCommand({ TableName: 'profile-free' }));

      // Assess
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(await client.config.region()).toBe('local');
    } finally {
      client.destroy();
      await dynamo.close();
      for (const [k, v] of [
        ['AWS_PROFILE', saved.profile],
        ['AWS_CONFIG_FILE', saved.config],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('ensureLedgerTable', () => {
  let env: EmbeddedLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
  });
  afterAll(async () => {
    await env.close();
  });

  it('creates the table with the definition’s keys and indexes, and is a no-op when it exists', async () => {
    // Act
    await ensureLedgerTable(env.client, env.tableName);
    const { Table } = await env.client.send(new DescribeTableCommand({ TableName: env.tableName }));

    // Assess
    const expected = ledgerTableDefinition(env.tableName);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual(expected.KeySchema);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(expected.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort());
    expect(Table?.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')).toBe(true);
  });

  it('lets two concurrent callers create the same table', async () => {
    // Act
    const both = Promise.all([ensureLedgerTable(env.client, 'raced'), ensureLedgerTable(env.client, 'raced')]);

    // Assess
    await expect(both).resolves.toEqual([undefined, undefined]);
  });
});

describe('a ledger whose table is missing', () => {
  let env: EmbeddedLedger;
  let ledger: DynamoDbLedger;
  beforeAll(async () => {
    env = await startEmbeddedLedger();
    ledger = new DynamoDbLedger({ client: env.documentClient, tableName: 'no-such-ledger' });
  });
  afterAll(async () => {
    await env.close();
  });

  it('says which table is missing and how to get one, on reads and writes alike', async () => {
    // Act / Assess
    await expect(ledger.getRun('run-x')).rejects.toThrow(LedgerTableMissingError);
    await expect(ledger.putRun(makeRunRecord())).rejects.toThrow(/ledger table no-such-ledger does not exist.*ensureLedgerTable/);
    await expect(ledger.listRuns({ decision: 'reject' })).rejects.toThrow(LedgerTableMissingError);
    await expect(ledger.claimRun('k', 'run-x', new Date(), 1000)).rejects.toThrow(LedgerTableMissingError);
    await expect(ledger.appendAudit({ runId: 'run-x', at: '2025-06-01T00:00:00Z', actor: 'a', action: 'b' })).rejects.toThrow(LedgerTableMissingError);
  });
});

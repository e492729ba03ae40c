/**
 * Decisions are signed when they are written: the embedded stack (real dynalite ledger, local
 * registry, the Ed25519 key under <stateDir>/keys) writes each run once, with its signed
 * attestation, and the stored record verifies — until someone edits it in the table.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys } from '../../../src/adapters/aws/ledger-codec.js';
import { createLocalDocumentClient } from '../../../src/adapters/local/embedded-dynamodb.js';
import { PRIVATE_KEY_FILE } from '../../../src/adapters/local/ed25519-signer.js';
import { evaluateSubject } from '../../../src/app/evaluate-subject.js';
import { LEDGER_TABLE_DEFAULT, composeLocal, type LocalStack } from '../../../src/compose.js';
import type { ModelPackage } from '../../../src/core/model-package.js';
import { artifactsDigest, verifyDecision } from '../../../src/core/promotion/attestation.js';
import type { RunRecord } from '../../../src/core/run.js';
import { ROOT } from '../../support/cli.js';

const ARN = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/${v}`;
const expectedFor = (pkg: ModelPackage) => ({ subjectArn: pkg.ModelPackageArn, artifactsDigest: artifactsDigest(pkg) });

describe('signed decisions on the embedded stack', () => {
  let stateDir: string;
  let stack: LocalStack;
  let table: ReturnType<typeof createLocalDocumentClient>;

  const evaluate = async (version: number): Promise<{ run: RunRecord; pkg: ModelPackage }> => {
    const pkg = await stack.registry.describe(ARN(version));
    const outcome = await evaluateSubject(stack.services, { modelPackage: pkg, apply: false, dedupe: false, trigger: { source: 'local' } });
    if (outcome.status !== 'decided') throw new Error(`expected a decided run for churn-xgb/${version}`);
    return { run: outcome.run, pkg };
  };

  /** Rewrites the stored run record as someone with write access to the table could. */
  const tamper = async (runId: string, edit: (record: RunRecord) => void): Promise<void> => {
    const { Item } = await table.documentClient.send(new GetCommand({ TableName: LEDGER_TABLE_DEFAULT, Key: keys.run(runId) }));
    const record = JSON.parse(Item!['record'] as string) as RunRecord;
    edit(record);
    await table.documentClient.send(
      new UpdateCommand({
        TableName: LEDGER_TABLE_DEFAULT,
        Key: keys.run(runId),
        UpdateExpression: 'SET #record = :record, #decision = :decision',
        ExpressionAttributeNames: { '#record': 'record', '#decision': 'decision' },
        ExpressionAttributeValues: { ':record': JSON.stringify(record), ':decision': record.decision },
      }),
    );
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'mg-signed-'));
    stack = await composeLocal({ stateDir, baseDir: ROOT, outboxSink: () => undefined });
    table = createLocalDocumentClient(stack.ledgerEndpoint);
  });
  afterAll(async () => {
    table.documentClient.destroy();
    table.client.destroy();
    await stack.close();
  });

  it('an approved run is stored with a signed attestation that verifies against its package', async () => {
    // Prepare
    const { run, pkg } = await evaluate(2);
    // Act
    const stored = await stack.services.ledger.getRun(run.runId);
    const verdict = await verifyDecision(stack.services.signer!, stored?.attestation, expectedFor(pkg));
    // Assess
    expect(run.decision).toBe('approve');
    expect(stored?.attestation).toEqual(run.attestation);
    expect(stored?.attestation).toMatchObject({
      algorithm: 'Ed25519',
      keyId: stack.services.signer!.keyId,
      attestation: {
        runId: run.runId,
        subjectArn: ARN(2),
        decision: 'approve',
        policyDigest: run.policy!.digest,
        decidedAt: run.finishedAt,
        serviceVersion: run.serviceVersion,
      },
    });
    expect(verdict).toEqual({ ok: true });
    expect(statSync(join(stateDir, 'keys', PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('a rejected run is signed too; its signature holds but promotion is refused', async () => {
    // Prepare
    const { run, pkg } = await evaluate(3);
    // Act
    const stored = await stack.services.ledger.getRun(run.runId);
    const verdict = await verifyDecision(stack.services.signer!, stored?.attestation, expectedFor(pkg));
    // Assess
    expect(run.decision).toBe('reject');
    expect(verdict).toEqual({ ok: false, reason: `run ${run.runId} decided reject, not approve` });
  });

  it('flipping a stored rejection to approve breaks verification', async () => {
    // Prepare
    const { run, pkg } = await evaluate(3);
    await tamper(run.runId, (record) => {
      record.decision = 'approve';
      record.attestation!.attestation.decision = 'approve';
    });
    // Act
    const stored = await stack.services.ledger.getRun(run.runId);
    const verdict = await verifyDecision(stack.services.signer!, stored?.attestation, expectedFor(pkg));
    // Assess
    expect(stored?.decision).toBe('approve');
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/^the signature does not verify with key ed25519:/) });
  });

  it('flipping only the record decision leaves the signed rejection standing', async () => {
    // Prepare
    const { run, pkg } = await evaluate(3);
    await tamper(run.runId, (record) => {
      record.decision = 'approve';
    });
    // Act
    const stored = await stack.services.ledger.getRun(run.runId);
    const verdict = await verifyDecision(stack.services.signer!, stored?.attestation, expectedFor(pkg));
    // Assess
    expect(verdict).toEqual({ ok: false, reason: `run ${run.runId} decided reject, not approve` });
  });

  it('an approved decision no longer verifies once the package points at other model data', async () => {
    // Prepare
    const { run, pkg } = await evaluate(2);
    const spec = pkg.InferenceSpecification as { Containers: Array<Record<string, unknown>> };
    const swapped: ModelPackage = {
      ...pkg,
      InferenceSpecification: { ...spec, Containers: [{ ...spec.Containers[0], ModelDataUrl: 's3://elsewhere/model.tar.gz' }] },
    };
    // Act
    const verdict = await verifyDecision(stack.services.signer!, run.attestation, expectedFor(swapped));
    // Assess
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/^the artifacts changed after the decision/) });
  });

  it('another stack on the same state directory (the CLI beside the local stack) signs with the same key and verifies', async () => {
    // Prepare
    const { run, pkg } = await evaluate(2);
    const cli = await composeLocal({ stateDir, baseDir: ROOT, ledgerEndpoint: stack.ledgerEndpoint, seedFrom: null, outboxSink: () => undefined });
    try {
      // Act
      const stored = await cli.services.ledger.getRun(run.runId);
      const verdict = await verifyDecision(cli.services.signer!, stored?.attestation, expectedFor(pkg));
      // Assess
      expect(cli.services.signer!.keyId).toBe(stack.services.signer!.keyId);
      expect(verdict).toEqual({ ok: true });
    } finally {
      await cli.close();
    }
  });

  it('an in-memory stack signs with a key of its own, which the persisted key does not trust', async () => {
    // Prepare
    const { run, pkg } = await evaluate(2);
    const ephemeral = await composeLocal({ stateDir: null, baseDir: ROOT, ledgerEndpoint: stack.ledgerEndpoint, seedFrom: null, outboxSink: () => undefined });
    try {
      // Act
      const verdict = await verifyDecision(ephemeral.services.signer!, run.attestation, expectedFor(pkg));
      // Assess
      expect(ephemeral.services.signer!.keyId).not.toBe(stack.services.signer!.keyId);
      expect(verdict).toEqual({ ok: false, reason: expect.stringContaining('signed by a key this deployment does not trust') });
    } finally {
      await ephemeral.close();
    }
  });
});

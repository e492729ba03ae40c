/**
 * The promote and promotion-step Lambda handlers (handlers/promote.ts, handlers/promotion-step.ts)
 * as deployed: composeAws with the ledger on a real dynalite, evidence on a real s3rver, and
 * SageMaker, EventBridge, SNS, KMS, STS and Step Functions at the SDK boundary. A version is first
 * approved through the evaluate handler (its decision signed by the fake KMS key), then its
 * Approved event goes to promote, and the state machine's task advances it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeModelPackageCommand, type DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { KMSClient, KMSInvalidSignatureException, SignCommand, VerifyCommand, type SignCommandInput, type VerifyCommandInput } from '@aws-sdk/client-kms';
import { SFNClient, StartExecutionCommand, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ACCOUNT,
  BUCKET,
  POLICY_YAML,
  REGION,
  captureOutput,
  handlerEnv,
  lambdaContext,
  packageArn,
  qualityReport,
  startEvidenceStore,
  startLedger,
  stateChangeEvent,
  writePolicyDir,
} from './harness.js';
import { installAwsMocks, type AwsMocks } from './sdk-mocks.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { ROOT } from '../../support/cli.js';

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:modelgate-test-promotion`;
const HOSTING = '222222222222';
const HOSTING_BUS = `arn:aws:events:${REGION}:${HOSTING}:event-bus/ml-deployments`;

/** The test policy plus one stage forwarding approved models to the hosting account's bus. */
const PROMOTING_POLICY = `${POLICY_YAML}promotion:
  stages:
    - name: staging
      targets:
        - kind: eventbridge-forward
          account: "${HOSTING}"
          region: ${REGION}
          roleArn: arn:aws:iam::${HOSTING}:role/modelgate-promoter
          externalId: modelgate-staging
          eventBusArn: ${HOSTING_BUS}
`;

/**
 * A fake KMS key: KmsSigner sends the SHA-256 digest of the attestation (MessageType DIGEST) and
 * verifies through KMS's Verify API, so the fake need only sign digests and recognise its own
 * signatures (a keyed MAC stands in for ECDSA here; tests/unit/adapters/aws/kms-signer.test.ts
 * covers real P-256 signatures).
 */
const fakeKms = () => {
  const secret = randomBytes(32);
  const mac = (digest: Uint8Array) => createHmac('sha256', secret).update(digest).digest();
  const kms = mockClient(KMSClient);
  kms
    .on(SignCommand)
    .callsFake((input: SignCommandInput) => ({ KeyId: input.KeyId, Signature: new Uint8Array(mac(input.Message!)), SigningAlgorithm: input.SigningAlgorithm }));
  kms.on(VerifyCommand).callsFake((input: VerifyCommandInput) => {
    if (input.KeyId === KEY_ARN && timingSafeEqual(mac(input.Message!), Buffer.from(input.Signature!))) {
      return { KeyId: input.KeyId, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
    }
    throw new KMSInvalidSignatureException({ $metadata: { httpStatusCode: 400 }, message: 'Signature verification failed' });
  });
  return kms;
};

/** The actions of one IAM statement of serverless/promotion.yml, by its Sid. */
const ledgerActionsOf = (sid: string): string[] => {
  const yml = readFileSync(join(ROOT, 'serverless/promotion.yml'), 'utf8');
  const block = new RegExp(`Sid: ${sid}\\s+Effect: Allow\\s+Action: \\[([^\\]]*)\\]`).exec(yml);
  if (!block) throw new Error(`no statement ${sid} in serverless/promotion.yml`);
  return block[1]!.split(',').map((a) => a.trim());
};

describe('promotion handlers', () => {
  let ledger: Awaited<ReturnType<typeof startLedger>>;
  // Every DynamoDB request of the handlers passes through it: which operations each one sends.
  let proxy: FaultProxy;
  let s3: Awaited<ReturnType<typeof startEvidenceStore>>;
  let aws: AwsMocks;
  let kms: ReturnType<typeof fakeKms>;
  const sfn = mockClient(SFNClient);
  const sts = mockClient(STSClient);
  const executions = new Map<string, StartExecutionCommandInput>();
  const approved = new Set<string>();
  let evaluate: Handler;
  let promote: Handler;
  let step: Handler;
  let output: ReturnType<typeof captureOutput>;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    ledger = await startLedger();
    proxy = await startFaultProxy(ledger.endpoint);
    s3 = await startEvidenceStore();
    const policies = writePolicyDir();
    writeFileSync(join(policies, 'gate-test.yaml'), PROMOTING_POLICY);
    Object.assign(
      process.env,
      handlerEnv({
        ledgerEndpoint: proxy.endpoint,
        s3Endpoint: s3.endpoint,
        policies,
        extra: { MODELGATE_SIGNING_KEY_ARN: KEY_ARN, MODELGATE_PROMOTION_STATE_MACHINE_ARN: MACHINE_ARN, MODELGATE_PROMOTION_ACCOUNTS: HOSTING },
      }),
    );
    aws = installAwsMocks();
    kms = fakeKms();
    // The registry remembers what UpdateModelPackage approved, as SageMaker does.
    const describe = aws.describe;
    aws.sagemaker.on(DescribeModelPackageCommand).callsFake(async (input: { ModelPackageName?: string }): Promise<DescribeModelPackageCommandOutput> => ({
      ...(await describe(input)),
      ModelApprovalStatus: approved.has(input.ModelPackageName ?? '') ? 'Approved' : 'PendingManualApproval',
    }));
    sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
      // StartExecution with the name of a running execution returns that execution (idempotent).
      executions.set(input.name!, input);
      return { executionArn: `${MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date() };
    });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
      AssumedRoleUser: { Arn: `arn:aws:sts::${HOSTING}:assumed-role/modelgate-promoter/session`, AssumedRoleId: 'AROA:session' },
    });
    output = captureOutput();
    ({ handler: evaluate } = (await import('../../../handlers/evaluate.js')) as unknown as { handler: Handler });
    ({ handler: promote } = (await import('../../../handlers/promote.js')) as unknown as { handler: Handler });
    ({ handler: step } = (await import('../../../handlers/promotion-step.js')) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    output?.restore();
    for (const m of [aws?.sagemaker, aws?.eventbridge, aws?.sns, kms, sfn, sts]) m?.restore();
    await proxy?.close();
    await ledger?.close();
    await s3?.close();
    process.env = savedEnv;
  });

  /** A version known to the registry with a passing report. */
  const registerVersion = async (group: string, version: number): Promise<string> => {
    const key = `${group}/${version}/statistics.json`;
    await s3.put(key, qualityReport(0.93, 0.88));
    const arn = packageArn(group, version);
    aws.register(arn, `s3://${BUCKET}/${key}`);
    return arn;
  };

  it('starts one Step Functions execution for an approved, signed run, and the task advances it to success', async () => {
    // Prepare: evaluate (decision signed through KMS), then SageMaker's Approved event
    const arn = await registerVersion('gate-promo', 1);
    const decided = await evaluate(stateChangeEvent({ group: 'gate-promo', version: 1 }), lambdaContext());
    expect(decided).toMatchObject({ action: 'evaluate', status: 'decided', decision: 'approve' });
    approved.add(arn);
    const approvedEvent = stateChangeEvent({ group: 'gate-promo', version: 1, approval: 'Approved', id: 'evt-approved-1' });
    // Act
    proxy.takeOperations();
    const started = await promote(approvedEvent, lambdaContext('modelgate-test-promote'));
    const duplicate = await promote({ ...approvedEvent, id: 'evt-approved-2' }, lambdaContext('modelgate-test-promote'));
    const promoteSent = proxy.takeOperations();
    const promotionId = (started['outcome'] as { promotionId: string }).promotionId;
    const first = await step({ promotionId }, lambdaContext('modelgate-test-promotion-step'));
    let last = first;
    for (let i = 0; i < 5 && last['state'] === 'waiting'; i++) last = await step({ promotionId }, lambdaContext('modelgate-test-promotion-step'));
    const stepSent = proxy.takeOperations();
    // Assess
    expect(started).toMatchObject({ action: 'promote', outcome: { status: 'started', duplicate: false, runId: (decided as { runId: string }).runId } });
    expect(duplicate).toMatchObject({ action: 'promote', outcome: { status: 'started', duplicate: true, promotionId } });
    expect([...executions.keys()]).toEqual([promotionId]);
    expect(Object.keys(first).sort()).toEqual(['promotionId', 'reason', 'state', 'waitSeconds']);
    expect(last).toMatchObject({ promotionId, state: 'succeeded' });
    const forwarded = aws.eventbridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .filter((e) => e.EventBusName === HOSTING_BUS);
    expect(forwarded.map((e) => e.DetailType)).toEqual(['Model Promoted']);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: `arn:aws:iam::${HOSTING}:role/modelgate-promoter`,
      ExternalId: 'modelgate-staging',
    });
    // Each function's role (serverless/promotion.yml) grants every DynamoDB operation it sent.
    expect(promoteSent.filter((op) => !ledgerActionsOf('PromoteLedger').includes(`dynamodb:${op}`))).toEqual([]);
    expect(stepSent.filter((op) => !ledgerActionsOf('StepLedger').includes(`dynamodb:${op}`))).toEqual([]);
  });

  it('refuses a version modelgate never evaluated: recorded, no execution started', async () => {
    // Prepare
    const arn = await registerVersion('gate-promo', 2);
    approved.add(arn);
    const before = executions.size;
    // Act
    const response = await promote(stateChangeEvent({ group: 'gate-promo', version: 2, approval: 'Approved' }), lambdaContext('modelgate-test-promote'));
    // Assess
    expect(response).toMatchObject({ action: 'promote', outcome: { status: 'refused', reason: expect.stringContaining('never evaluated') } });
    expect(executions.size).toBe(before);
  });

  it('treats an invalid event as terminal: resolves with the reason, starts nothing', async () => {
    const event = stateChangeEvent({ group: 'gate-promo', version: 3, approval: 'Approved' });
    (event['detail'] as Record<string, unknown>)['ModelPackageVersion'] = 'three';
    const response = await promote(event, lambdaContext('modelgate-test-promote'));
    expect(response).toMatchObject({ action: 'refused', error: 'InvalidInputError', reason: expect.stringContaining('/detail/ModelPackageVersion') });
  });

  it('rejects a step input without a promotion id, saying what was expected', async () => {
    await expect(step({ promotion: 'x' }, lambdaContext('modelgate-test-promotion-step'))).rejects.toThrow(/promotionId/);
  });
});

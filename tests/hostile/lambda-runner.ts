/**
 * The evaluate Lambda handler (handlers/evaluate.ts, its whole middy chain) in process for the
 * campaign: the ledger on dynalite and the evidence on s3rver (both in process on 127.0.0.1),
 * SageMaker, EventBridge and SNS mocked at the SDK boundary. DescribeModelPackage answers with
 * whatever the case registered for the ARN, hostile shapes included.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ensureLedgerTable } from '../../src/adapters/aws/ledger-table.js';
import { createS3Client } from '../../src/adapters/aws/s3-client.js';
import { createLocalDocumentClient, startEmbeddedDynamo } from '../../src/adapters/local/embedded-dynamodb.js';
import { STACK_FRAME, type Observation } from './case.js';
import { ACCOUNT, POLICY_YAML, REGION } from './workspace.js';

export const BUCKET = 'hostile-evidence';
const TABLE = 'modelgate-hostile-ledger';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LambdaStack {
  /** Puts `body` at `key` in the evidence bucket; returns its s3:// URI. */
  put(key: string, body: string | Uint8Array): Promise<string>;
  /** What DescribeModelPackage answers for `arn` (and ListTags for its group, when given). */
  register(arn: string, describe: Record<string, unknown>, tags?: unknown): void;
  /** Invokes the handler with `event`; the observation covers its response and everything logged. */
  invoke(event: unknown, arn?: string): Promise<Observation>;
  close(): Promise<void>;
}

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'modelgate-hostile-evaluate',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:modelgate-hostile-evaluate`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/modelgate-hostile-evaluate',
  logStreamName: '2026/01/01/[$LATEST]hostile',
  getRemainingTimeInMillis: () => 300_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Sets the function's environment, starts the local servers and mocks, imports the handler. */
export const startLambdaStack = async (): Promise<LambdaStack> => {
  const savedEnv = { ...process.env };
  const policyDir = mkdtempSync(join(tmpdir(), 'mg-hostile-policies-'));
  writeFileSync(join(policyDir, 'gate.yaml'), POLICY_YAML);
  const s3Dir = mkdtempSync(join(tmpdir(), 'mg-hostile-s3-'));
  const dynamo = await startEmbeddedDynamo({ dir: null });
  const { client, documentClient } = createLocalDocumentClient(dynamo.endpoint);
  await ensureLedgerTable(client, TABLE);
  const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const s3server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir });
  const { port } = await s3server.run();
  const s3Endpoint = `http://127.0.0.1:${port}`;
  const s3 = createS3Client({ endpoint: s3Endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  Object.assign(process.env, {
    MODELGATE_LEDGER_TABLE: TABLE,
    MODELGATE_EVENT_BUS: 'modelgate-hostile',
    MODELGATE_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:modelgate-hostile`,
    MODELGATE_POLICIES: policyDir,
    POWERTOOLS_METRICS_NAMESPACE: 'modelgate',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });

  const sagemaker = mockClient(SageMakerClient);
  const eventbridge = mockClient(EventBridgeClient);
  const sns = mockClient(SNSClient);
  const packages = new Map<string, { describe: Record<string, unknown>; tags?: unknown }>();
  sagemaker.on(DescribeModelPackageCommand).callsFake(async (input: { ModelPackageName?: string }) => {
    const found = packages.get(input.ModelPackageName ?? '');
    if (!found)
      throw new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `ModelPackage ${input.ModelPackageName} does not exist.`,
      });
    return { $metadata: { httpStatusCode: 200 }, ...found.describe };
  });
  sagemaker.on(ListTagsCommand).callsFake(async (input: { ResourceArn?: string }) => {
    const found = [...packages.values()].find(
      (p) => input.ResourceArn !== undefined && p.tags !== undefined && input.ResourceArn.endsWith(`/${String(p.describe['ModelPackageGroupName'])}`),
    );
    return found ? (found.tags as object) : { Tags: [] };
  });
  sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
  sagemaker.on(UpdateModelPackageCommand).callsFake(async (input: { ModelPackageArn?: string }) => ({ ModelPackageArn: input.ModelPackageArn }));
  eventbridge
    .on(PutEventsCommand)
    .callsFake(async (input: PutEventsCommandInput) => ({ FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `event-${i}` })) }));
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });

  const { handler } = (await import('../../handlers/evaluate.js')) as unknown as { handler: Handler };

  const approvedUpdates = (arn: string | undefined): boolean =>
    arn !== undefined &&
    sagemaker
      .commandCalls(UpdateModelPackageCommand)
      .some((c) => c.args[0].input.ModelPackageArn === arn && c.args[0].input.ModelApprovalStatus === 'Approved');

  return {
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      return `s3://${BUCKET}/${key}`;
    },
    register: (arn, describe, tags) => {
      packages.set(arn, { describe, ...(tags !== undefined ? { tags } : {}) });
    },
    invoke: async (event, arn) => {
      // Powertools writes JSON log lines to stdout/stderr: capture them for the leak check.
      const streams = [process.stdout, process.stderr];
      const originals = streams.map((s) => s.write.bind(s));
      let logs = '';
      for (const s of streams) {
        s.write = ((chunk: string | Uint8Array) => {
          if (logs.length < 1 << 20) logs += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
          return true;
        }) as typeof s.write;
      }
      let response: unknown;
      let thrown: unknown;
      try {
        response = await handler(event, context());
      } catch (err) {
        thrown = err;
      } finally {
        streams.forEach((s, i) => (s.write = originals[i]!));
      }
      const r = (response ?? {}) as { action?: string; status?: string; decision?: string };
      const text = JSON.stringify(response ?? null) ?? '';
      if (thrown !== undefined) {
        const e = thrown as Error;
        return {
          outcome: `threw ${e?.name ?? typeof thrown}`,
          approved: approvedUpdates(arn),
          inputError: false,
          crash: `the handler threw ${e?.name}: ${String(e?.message).slice(0, 200)} (Lambda retries input it cannot fix)`,
          timedOut: false,
          texts: [String(e?.message), logs],
        };
      }
      return {
        outcome: r.action === 'evaluate' ? `${r.status ?? ''} ${r.decision ?? ''}`.trim() : String(r.action),
        approved: r.decision === 'approve' || approvedUpdates(arn),
        inputError: r.action === 'refused',
        crash: STACK_FRAME.test(text) ? 'a stack trace in the response' : null,
        timedOut: false,
        texts: [text, logs],
      };
    },
    close: async () => {
      sagemaker.restore();
      eventbridge.restore();
      sns.restore();
      s3.destroy();
      documentClient.destroy();
      client.destroy();
      await s3server.close();
      await dynamo.close();
      rmSync(s3Dir, { recursive: true, force: true });
      rmSync(policyDir, { recursive: true, force: true });
      for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
      Object.assign(process.env, savedEnv);
    },
  };
};

/**
 * What the handler tests share: the real local servers (dynalite for the ledger, s3rver for
 * evidence, both in-process on 127.0.0.1), EventBridge-shaped events built from
 * tests/fixtures/events/, a Lambda context, a test policy, quality reports, and a capture of the
 * JSON lines Powertools writes (logs and EMF metrics) to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDbLedger } from '../../../src/adapters/aws/dynamodb-ledger.js';
import { ensureLedgerTable } from '../../../src/adapters/aws/ledger-table.js';
import { createS3Client } from '../../../src/adapters/aws/s3-client.js';
import { createLocalDocumentClient, startEmbeddedDynamo } from '../../../src/adapters/local/embedded-dynamodb.js';

const ABOVE_TESTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The project root, also when this module runs compiled from dist/ (the hostile campaign imports it). */
export const ROOT = basename(ABOVE_TESTS) === 'dist' ? dirname(ABOVE_TESTS) : ABOVE_TESTS;
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const TABLE = 'modelgate-test-ledger';
export const BUS = 'modelgate-test';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:modelgate-test-notifications`;
export const BUCKET = 'ml-evidence';

export const packageArn = (group: string, version: number): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/${version}`;

/** The test policy: model-quality on the statistics report for groups `gate-*`. */
export const POLICY_YAML = `apiVersion: modelgate/v1
kind: Policy
metadata:
  name: gate-test
  version: 1
  owner: ml-platform@example.com
  description: Handler tests.
match:
  modelPackageGroups: ["gate-*"]
checks:
  - use: model-quality
    severity: blocking
    with:
      problemType: binary_classification
      metrics:
        auc: { min: 0.80 }
        accuracy: { min: 0.75 }
waivers: []
decision:
  approvers: [oncall-ml@example.com]
  allowManualApproval: false
`;

/** Writes the test policy into a new directory (MODELGATE_POLICIES). */
export const writePolicyDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-handler-policies-'));
  writeFileSync(join(dir, 'gate-test.yaml'), POLICY_YAML);
  return dir;
};

/** A SageMaker quality statistics report (binary classification). */
export const qualityReport = (auc: number, accuracy: number): string =>
  JSON.stringify({
    version: 0.0,
    dataset: { item_count: 5000 },
    binary_classification_metrics: {
      auc: { value: auc, standard_deviation: 0.01 },
      accuracy: { value: accuracy, standard_deviation: 0.01 },
    },
  });

const fixture = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'events', 'sagemaker-pending-with-metrics.json'), 'utf8')) as Record<string, unknown>;

/**
 * An EventBridge `SageMaker Model Package State Change` for one version, from the fixture: the
 * ARN, group, version and `resources` replaced consistently, the report URI pointing at `statisticsUri`.
 */
export const stateChangeEvent = (opts: { group: string; version: number; id?: string; statisticsUri?: string; approval?: string }): Record<string, unknown> => {
  const event = structuredClone(fixture) as Record<string, unknown> & { detail: Record<string, unknown> };
  const arn = packageArn(opts.group, opts.version);
  event.id = opts.id ?? randomUUID();
  event.account = ACCOUNT;
  event.region = REGION;
  event.resources = [arn];
  event.detail = {
    ...event.detail,
    ModelPackageArn: arn,
    ModelPackageGroupName: opts.group,
    ModelPackageVersion: opts.version,
    ModelApprovalStatus: opts.approval ?? 'PendingManualApproval',
    ModelMetrics: {
      ModelQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: opts.statisticsUri ?? `s3://${BUCKET}/${opts.group}/${opts.version}/statistics.json` },
      },
    },
  };
  delete event.detail['CustomerMetadataProperties'];
  return event;
};

/** A Lambda context as the runtime passes it (what Powertools Logger and middy read). */
export const lambdaContext = (functionName = 'modelgate-test-evaluate'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/01/01/[$LATEST]test',
  getRemainingTimeInMillis: () => 300_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** dynalite in memory with the ledger table. */
export const startLedger = async (): Promise<{ endpoint: string; ledger: DynamoDbLedger; close(): Promise<void> }> => {
  const dynamo = await startEmbeddedDynamo({ dir: null });
  const { client, documentClient } = createLocalDocumentClient(dynamo.endpoint);
  await ensureLedgerTable(client, TABLE);
  return {
    endpoint: dynamo.endpoint,
    ledger: new DynamoDbLedger({ client: documentClient, tableName: TABLE }),
    close: async () => {
      documentClient.destroy();
      client.destroy();
      await dynamo.close();
    },
  };
};

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver on a dynamic port with the evidence bucket; `put` uploads an object. */
export const startEvidenceStore = async (): Promise<{
  endpoint: string;
  put(key: string, body: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}> => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-handler-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client: S3Client = createS3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    endpoint,
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** The environment serverless.yml gives the function, pointed at the local servers. */
export const handlerEnv = (opts: { ledgerEndpoint: string; s3Endpoint: string; policies: string; extra?: Record<string, string> }): Record<string, string> => ({
  MODELGATE_LEDGER_TABLE: TABLE,
  MODELGATE_EVENT_BUS: BUS,
  MODELGATE_TOPIC_ARN: TOPIC_ARN,
  MODELGATE_POLICIES: opts.policies,
  MODELGATE_CONSOLE_URL: '',
  POWERTOOLS_METRICS_NAMESPACE: 'modelgate',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_ENDPOINT_URL_DYNAMODB: opts.ledgerEndpoint,
  AWS_ENDPOINT_URL_S3: opts.s3Endpoint,
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  ...opts.extra,
});

/** One JSON line Powertools wrote: a log entry or an EMF metrics record (`_aws`). */
export type JsonLine = Record<string, unknown>;

/**
 * Captures what is written to stdout and stderr (Powertools Logger writes INFO lines to stdout and
 * WARN/ERROR lines to stderr; Metrics writes EMF records to stdout) instead of printing it.
 * `lines()` parses the JSON lines since the last `reset()`.
 */
export const captureOutput = (): { lines(): JsonLine[]; reset(): void; restore(): void } => {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write.bind(s));
  let buffer = '';
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (!buffer.endsWith('\n')) buffer += '\n';
      return true;
    }) as typeof stream.write;
  }
  return {
    lines: () =>
      buffer
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as JsonLine];
          } catch {
            return [];
          }
        }),
    reset: () => {
      buffer = '';
    },
    restore: () => {
      streams.forEach((s, i) => {
        s.write = originals[i]!;
      });
    },
  };
};

/** The EMF records among captured lines that carry `metric`, with their dimension values. */
export const metricRecords = (lines: JsonLine[], metric: string): JsonLine[] =>
  lines.filter((l) => {
    const aws = l['_aws'] as { CloudWatchMetrics?: Array<{ Metrics: Array<{ Name: string }> }> } | undefined;
    return aws?.CloudWatchMetrics?.some((m) => m.Metrics.some((x) => x.Name === metric)) ?? false;
  });

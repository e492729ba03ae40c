/**
 * The evaluate Lambda handler (handlers/evaluate.ts, its whole middy chain) in process for the
 * campaign: the ledger on dynalite and the evidence on s3rver (both in process on 127.0.0.1, started
 * as the handler tests start them),
 * SageMaker, EventBridge and SNS mocked at the SDK boundary. DescribeModelPackage answers with
 * whatever the case registered for the ARN, hostile shapes included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
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
import { BUCKET, handlerEnv, lambdaContext, startEvidenceStore, startLedger } from '../integration/handlers/harness.js';
import { STACK_FRAME, type Observation } from './case.js';
import { POLICY_YAML } from './workspace.js';

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

/** Sets the function's environment, starts the local servers and mocks, imports the handler. */
export const startLambdaStack = async (): Promise<LambdaStack> => {
  const savedEnv = { ...process.env };
  // The servers and environment of the handler tests (tests/integration/handlers/harness.ts).
  const policyDir = mkdtempSync(join(tmpdir(), 'mg-hostile-policies-'));
  writeFileSync(join(policyDir, 'gate.yaml'), POLICY_YAML);
  const ledger = await startLedger();
  const evidence = await startEvidenceStore();
  Object.assign(
    process.env,
    handlerEnv({ ledgerEndpoint: ledger.endpoint, s3Endpoint: evidence.endpoint, policies: policyDir, extra: { POWERTOOLS_TRACE_ENABLED: 'false' } }),
  );

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
      await evidence.put(key, body);
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
        response = await handler(event, lambdaContext('modelgate-hostile-evaluate'));
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
      await evidence.close();
      await ledger.close();
      rmSync(policyDir, { recursive: true, force: true });
      for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
      Object.assign(process.env, savedEnv);
    },
  };
};

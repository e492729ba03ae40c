/**
 * The BUNDLED evaluate handler — built the way `osls package` builds it (serverless/bundle.ts reads
 * serverless/esbuild.yml) — loaded in fresh Node processes as Lambda loads it, outside the
 * repository's node_modules: it initialises, refuses bad input, reports a misconfiguration, and
 * decides once across several processes ("containers") against dynalite, s3rver and an HTTP fake
 * of SageMaker / EventBridge / SNS.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleHandlers } from '../../../serverless/bundle.js';
import { startFakeAws, type FakeAws } from './fake-aws.js';
import { BUCKET, handlerEnv, packageArn, qualityReport, startEvidenceStore, startLedger, stateChangeEvent, writePolicyDir, type JsonLine } from './harness.js';

const run = promisify(execFile);

/** Invokes the bundle's handler with each event (concurrently), retries failures once as Lambda would, writes the outcomes. */
const INVOKER = `import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, input, output] = process.argv.slice(2);
const events = JSON.parse(readFileSync(input, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);
const context = (i) => ({ functionName: 'modelgate-bundle-evaluate', functionVersion: '$LATEST', memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:modelgate-bundle-evaluate',
  awsRequestId: 'req-' + process.pid + '-' + i, getRemainingTimeInMillis: () => 300000 });
const outcome = (s) => (s.status === 'fulfilled' ? { ok: s.value } : { error: { name: s.reason?.name, message: s.reason?.message } });
const first = await Promise.allSettled(events.map((e, i) => handler(e, context(i))));
const retried = await Promise.allSettled(first.flatMap((s, i) => (s.status === 'rejected' && s.reason?.name === 'EvaluationInProgressError' ? [handler(events[i], context('retry-' + i))] : [])));
writeFileSync(output, JSON.stringify({ first: first.map(outcome), retried: retried.map(outcome) }));
`;

interface Outcome {
  ok?: Record<string, unknown>;
  error?: { name: string; message: string };
}

describe('the bundled evaluate handler', () => {
  let dir: string;
  let bundle: string;
  let ledger: Awaited<ReturnType<typeof startLedger>>;
  let s3: Awaited<ReturnType<typeof startEvidenceStore>>;
  let fake: FakeAws;
  let policies: string;

  /** Runs the bundle in a fresh process with exactly `env` (plus PATH). */
  const invoke = async (events: unknown[], env: Record<string, string>, name: string): Promise<{ first: Outcome[]; retried: Outcome[]; logs: JsonLine[] }> => {
    const input = join(dir, `${name}.in.json`);
    const output = join(dir, `${name}.out.json`);
    writeFileSync(input, JSON.stringify(events));
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'invoke.mjs'), bundle, input, output], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    const logs = `${stdout}\n${stderr}`
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as JsonLine);
    return { ...(JSON.parse(readFileSync(output, 'utf8')) as { first: Outcome[]; retried: Outcome[] }), logs };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-bundle-'));
    const [built] = await bundleHandlers(['handlers/evaluate.ts'], join(dir, 'task'));
    bundle = built!.file;
    writeFileSync(join(dir, 'invoke.mjs'), INVOKER);
    ledger = await startLedger();
    s3 = await startEvidenceStore();
    fake = await startFakeAws();
    policies = writePolicyDir();
  }, 120_000);

  afterAll(async () => {
    await fake?.close();
    await ledger?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('initialises without any configuration and refuses an invalid event as terminal, with the reason logged', async () => {
    // Prepare: no MODELGATE_* at all: validation runs before the services are composed
    const event = stateChangeEvent({ group: 'gate-bundle', version: 1, id: 'evt-invalid' });
    delete (event['detail'] as Record<string, unknown>)['ModelPackageArn'];
    // Act
    const { first, logs } = await invoke([event], { AWS_REGION: 'eu-west-1' }, 'invalid');
    // Assess
    expect(first).toEqual([
      {
        ok: {
          action: 'refused',
          eventId: 'evt-invalid',
          error: 'InvalidInputError',
          reason: 'event at /detail: missing required key "ModelPackageArn" (expected a SageMaker Model Package State Change event)',
        },
      },
    ]);
    expect(logs.find((l) => l['message'] === 'event refused: bad input is terminal, not retried')).toMatchObject({
      level: 'ERROR',
      correlation_id: 'evt-invalid',
    });
  });

  it('rejects a valid event when the deployment lacks its configuration, so Lambda retries and dead-letters it', async () => {
    // Act
    const { first } = await invoke([stateChangeEvent({ group: 'gate-bundle', version: 1 })], { AWS_REGION: 'eu-west-1' }, 'unconfigured');
    // Assess
    expect(first[0]?.error).toEqual({ name: 'DeploymentConfigError', message: expect.stringContaining('MODELGATE_LEDGER_TABLE is not set') });
  });

  it('decides once across three processes with concurrent deliveries: one run, the registry, the bus and the topic told', async () => {
    // Prepare
    const key = 'gate-bundle/2/statistics.json';
    await s3.put(key, qualityReport(0.91, 0.7));
    const arn = packageArn('gate-bundle', 2);
    fake.register(arn, `s3://${BUCKET}/${key}`);
    const env = handlerEnv({
      ledgerEndpoint: ledger.endpoint,
      s3Endpoint: s3.endpoint,
      policies,
      extra: { AWS_ENDPOINT_URL_SAGEMAKER: fake.endpoint, AWS_ENDPOINT_URL_EVENTBRIDGE: fake.endpoint, AWS_ENDPOINT_URL_SNS: fake.endpoint },
    });
    const events = (p: number) => Array.from({ length: 4 }, (_, i) => stateChangeEvent({ group: 'gate-bundle', version: 2, id: `evt-p${p}-${i % 2}` }));
    // Act
    const results = await Promise.all([0, 1, 2].map((p) => invoke(events(p), env, `once-${p}`)));
    // Assess
    const outcomes = results.flatMap((r) => [...r.first, ...r.retried]);
    const unexpected = outcomes.filter((o) => o.error && o.error.name !== 'EvaluationInProgressError');
    expect(unexpected).toEqual([]);
    const decided = outcomes.flatMap((o) => (o.ok?.['status'] === 'decided' ? [o.ok] : []));
    expect(decided.filter((d) => d['duplicate'] === false)).toHaveLength(1);
    const runId = String(decided[0]?.['runId']);
    expect((await ledger.ledger.listRuns({ subjectArn: arn })).map((r) => r.runId)).toEqual([runId]);
    const updates = fake.calls.filter((c) => c.operation === 'UpdateModelPackage');
    expect(updates[0]?.input).toEqual({
      ModelPackageArn: arn,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: expect.stringContaining(`modelgate run ${runId}: reject`),
    });
    const put = fake.calls.find((c) => c.operation === 'PutEvents');
    expect((put?.input['Entries'] as Array<{ DetailType: string }>).map((e) => e.DetailType)).toEqual(['Model Evaluation Completed', 'Model Rejected']);
    expect(fake.calls.some((c) => c.operation === 'Publish' && String(c.input['Message']).includes(runId))).toBe(true);
    expect(await ledger.ledger.stepsDone(runId)).toEqual(expect.arrayContaining(['registry.updated', 'events.published', 'people.notified']));
  }, 120_000);
});

/**
 * `modelgate evaluate --model-package <ARN>` looks the package up where it lives: in SageMaker, with
 * the caller's credentials and in the ARN's Region, when the deployed settings are present; in the
 * local registry otherwise. "Not found" says where it looked and which setting chose the registry,
 * and MODELGATE_EVENT_BUS is needed only with --apply.
 *
 * The CLI runs in-process (runCli with a captured CliIO) so that SageMaker can be mocked at the SDK
 * boundary; the ledger is a real dynalite on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/run-cli.js';
import type { CliIO } from '../../../src/cli/io.js';
import { startLedger, TABLE } from '../handlers/harness.js';
import { installAwsMocks, type AwsMocks } from '../handlers/sdk-mocks.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/7';
const ELSEWHERE = 'arn:aws:sagemaker:us-east-1:111111111111:model-package/churn-xgb/8';
const STATISTICS = 'examples/reports/churn-xgb/v2-quality-statistics.json';

const run = async (args: string[], env: Record<string, string>) => {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env, cwd: process.cwd() };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
};

describe('evaluate --model-package <ARN>, deployed settings present', () => {
  let ledger: Awaited<ReturnType<typeof startLedger>>;
  let mocks: AwsMocks;
  let env: Record<string, string>;
  const saved = { ...process.env };

  beforeAll(async () => {
    ledger = await startLedger();
    // The SDK reads endpoints and credentials from the process environment.
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    mocks = installAwsMocks();
    // No MODELGATE_EVENT_BUS: evaluate without --apply publishes nothing.
    env = {
      ...(process.env as Record<string, string>),
      MODELGATE_LEDGER_TABLE: TABLE,
      MODELGATE_LOG_LEVEL: 'error',
      MODELGATE_HOME: mkdtempSync(join(tmpdir(), 'modelgate-reg-')),
    };
    delete env['MODELGATE_EVENT_BUS'];
  });
  afterEach(() => mocks.reset());
  afterAll(async () => {
    mocks.sagemaker.restore();
    mocks.eventbridge.restore();
    mocks.sns.restore();
    await ledger.close();
    process.env = saved;
  });

  it('says where it looked (SageMaker, account, Region) and which setting chose it when the package is not there', async () => {
    // Act
    const r = await run(['evaluate', '--model-package', ARN, '--policy', 'policies/churn.yaml'], env);
    // Assess
    expect(r.stderr).toContain(
      `model package not found: ${ARN} (--model-package): looked in SageMaker Model Registry, account 111111111111, Region eu-west-1, with the caller's AWS credentials`,
    );
    expect(r.stderr).toContain('MODELGATE_LEDGER_TABLE selects the deployed settings');
    expect(r.code).toBe(64);
    expect(mocks.sagemaker.commandCalls(DescribeModelPackageCommand).map((c) => c.args[0].input.ModelPackageName)).toEqual([ARN]);
  });

  it('describes the package in SageMaker and evaluates it, without MODELGATE_EVENT_BUS', async () => {
    // Prepare
    mocks.register(ARN, 's3://ml-artifacts/churn-xgb/7/statistics.json');
    // Act
    const r = await run(
      [
        'evaluate',
        '--model-package',
        ARN,
        '--policy',
        'policies/churn.yaml',
        '--champion',
        'none',
        '--format',
        'json',
        '--evidence',
        `model-quality-statistics=file:${STATISTICS}`,
      ],
      env,
    );
    // Assess
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.stderr).not.toContain('MODELGATE_EVENT_BUS');
    expect([0, 1, 2]).toContain(r.code);
    expect(JSON.parse(r.stdout).subject).toMatchObject({ arn: ARN, group: 'churn-xgb', version: '7' });
    expect(mocks.eventbridge.calls()).toHaveLength(0);
  });

  it('asks SageMaker in the Region of the ARN, not the default Region', async () => {
    // Act
    const r = await run(['evaluate', '--model-package', ELSEWHERE, '--policy', 'policies/churn.yaml'], env);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('account 111111111111, Region us-east-1');
    const [call] = mocks.sagemaker.commandCalls(DescribeModelPackageCommand);
    expect(await (call!.thisValue as SageMakerClient).config.region()).toBe('us-east-1');
  });

  it('needs MODELGATE_EVENT_BUS with --apply, and says so before anything is described', async () => {
    const r = await run(['evaluate', '--model-package', ARN, '--policy', 'policies/churn.yaml', '--apply'], env);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('MODELGATE_EVENT_BUS is not set');
    expect(mocks.sagemaker.commandCalls(DescribeModelPackageCommand)).toHaveLength(0);
  });
});

describe('evaluate --model-package <ARN>, no deployed settings', () => {
  it('says it looked in the local registry, where, and which setting selects SageMaker', async () => {
    // Prepare
    const home = mkdtempSync(join(tmpdir(), 'modelgate-reg-'));
    const env: Record<string, string> = { ...(process.env as Record<string, string>), MODELGATE_HOME: home, MODELGATE_LOG_LEVEL: 'error' };
    delete env['MODELGATE_LEDGER_TABLE'];
    // Act
    const r = await run(
      ['evaluate', '--model-package', 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/99', '--policy', 'policies/churn.yaml'],
      env,
    );
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`looked in the local registry in ${join(home, 'registry')}`);
    expect(r.stderr).toContain('MODELGATE_LEDGER_TABLE is not set — set it, with AWS credentials, to look the package up in SageMaker');
  });
});

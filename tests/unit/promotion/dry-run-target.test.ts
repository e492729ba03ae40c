import { describe, expect, it } from '@jest/globals';
import { DRY_RUN_MESSAGE, DryRunEndpointSmoke, DryRunTarget, TARGET_KINDS, dryRunTargets } from '../../../src/adapters/local/dry-run-target.js';
import { createAwsTargets } from '../../../src/adapters/aws/targets/index.js';
import type { RoleAssumer } from '../../../src/adapters/aws/targets/role-assumer.js';
import type { PromotionTarget } from '../../../src/core/policy/types.js';
import type { TargetContext } from '../../../src/core/promotion/types.js';

const HOST = '222222222222';
const common = { account: HOST, region: 'eu-west-1', roleArn: `arn:aws:iam::${HOST}:role/modelgate-promoter`, externalId: 'modelgate-staging' };

/** A valid target of each kind (its required options, as the AWS adapters define them). */
const VALID: Record<(typeof TARGET_KINDS)[number], PromotionTarget> = {
  'sagemaker-endpoint': {
    kind: 'sagemaker-endpoint',
    ...common,
    endpointName: 'churn-staging',
    instanceType: 'ml.m5.large',
    executionRoleArn: `arn:aws:iam::${HOST}:role/sm-exec`,
  },
  'sagemaker-registry': { kind: 'sagemaker-registry', ...common, modelPackageGroupName: 'churn-hosted' },
  'eventbridge-forward': { kind: 'eventbridge-forward', ...common, eventBusName: 'ml-deployments' },
  'bedrock-copy': {
    kind: 'bedrock-copy',
    ...common,
    sourceAccountRoleArn: 'arn:aws:iam::111111111111:role/modelgate-sharer',
    sourceExternalId: 'modelgate-share',
  },
  'bedrock-import': { kind: 'bedrock-import', ...common, importRoleArn: `arn:aws:iam::${HOST}:role/bedrock-import`, s3Uri: 's3://research-weights/churn/v2/' },
};

const ctx = (dryRun = true): TargetContext => ({
  runId: 'run-01jn8jc080abcdefghjk',
  promotionId: 'promo-run-01jn8jc080abcdefghjk',
  subject: {
    kind: 'sagemaker-model-package',
    arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/2',
    group: 'churn-xgb',
    version: '2',
    account: '111111111111',
    region: 'eu-west-1',
  },
  modelPackage: {
    ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/2',
    ModelPackageGroupName: 'churn-xgb',
    ModelPackageVersion: 2,
    InferenceSpecification: { Containers: [{ Image: 'img', ModelDataUrl: 's3://m/model.tar.gz' }] },
  },
  stage: 'staging',
  stepToken: 'mg-staging-0123456789ab',
  dryRun,
});

/** The AWS adapters, with an assumer that must never be reached by plan or validate. */
const noAssumer: RoleAssumer = {
  assume: async () => {
    throw new Error('assumed a role');
  },
} as unknown as RoleAssumer;
const aws = Object.fromEntries(createAwsTargets({ assumer: noAssumer }).map((t) => [t.kind, t]));

describe('dry-run targets', () => {
  it('exist for every target kind of the policy schema', () => {
    // Act / Assess
    expect(
      dryRunTargets()
        .map((t) => t.kind)
        .sort(),
    ).toEqual([...TARGET_KINDS].sort());
  });

  it.each(TARGET_KINDS)('%s plans exactly what the AWS adapter would do, and validates as it does', (kind) => {
    // Prepare
    const target = new DryRunTarget(kind);
    const invalid = { ...VALID[kind], kind, unexpectedOption: true } as PromotionTarget;

    // Act / Assess
    expect(target.plan(VALID[kind], ctx())).toEqual(aws[kind]!.plan(VALID[kind], ctx()));
    expect(target.plan(VALID[kind], ctx()).length).toBeGreaterThan(0);
    expect(target.validate(VALID[kind])).toEqual([]);
    expect(target.validate(invalid)).toEqual(aws[kind]!.validate(invalid));
    expect(target.validate(invalid).join()).toMatch(/unexpectedOption/);
  });

  it.each(TARGET_KINDS)('%s start records the plan, creates nothing and says it is a dry run', async (kind) => {
    // Prepare
    const target = new DryRunTarget(kind);

    // Act
    const progress = await target.start(VALID[kind], ctx());

    // Assess
    expect(progress.state).toBe('succeeded');
    expect(progress.message.startsWith(`${DRY_RUN_MESSAGE};`)).toBe(true);
    expect(progress.resources).toEqual({ dryRun: 'true', stepToken: 'mg-staging-0123456789ab' });
    expect(target.recorded).toEqual([{ kind, stage: 'staging', stepToken: 'mg-staging-0123456789ab', account: HOST, lines: target.plan(VALID[kind], ctx()) }]);
  });

  it('fails a target whose required options are missing, still creating nothing', async () => {
    // Prepare
    const target = new DryRunTarget('sagemaker-endpoint');
    const missing = { kind: 'sagemaker-endpoint', ...common } as PromotionTarget;

    // Act
    const progress = await target.start(missing, ctx());

    // Assess
    expect(progress.state).toBe('failed');
    expect(progress.message).toMatch(/^dry run: nothing was created; the target's options are invalid: .*endpointName/);
    expect(target.recorded).toEqual([]);
  });
});

describe('dry-run endpoint-smoke', () => {
  const staging = [{ target: VALID['sagemaker-endpoint'], progress: { state: 'succeeded' as const, message: '', resources: {} } }];

  it('passes only in a dry run and says it invoked nothing', async () => {
    // Prepare
    const smoke = new DryRunEndpointSmoke();

    // Act
    const dry = await smoke.run({ maxErrorRate: 0, maxP95LatencyMs: 300 }, ctx(true), staging);
    const real = await smoke.run({ maxErrorRate: 0 }, ctx(false), staging);

    // Assess
    expect(dry).toEqual({
      passed: true,
      message: expect.stringMatching(
        /^dry run: endpoint-smoke did not invoke anything .*passes only because this is a dry run .*churn-staging against maxErrorRate 0, maxP95LatencyMs 300/,
      ),
      metrics: {},
    });
    expect(real.passed).toBe(false);
    expect(real.message).toMatch(/cannot verify a real promotion: it invoked nothing/);
  });

  it('validates its config as the AWS verifier does', () => {
    // Act / Assess
    expect(new DryRunEndpointSmoke().validate({ maxErrorRate: 0, maxP95LatencyMs: 300 })).toEqual([]);
    expect(new DryRunEndpointSmoke().validate({ maxErrorRate: 2 }).join()).toMatch(/maxErrorRate/);
    expect(new DryRunEndpointSmoke().validate({ maxErrorRat: 0 }).join()).toMatch(/maxErrorRat/);
  });
});

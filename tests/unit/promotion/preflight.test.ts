import { describe, expect, it } from '@jest/globals';
import { allowListProblems, preflightProblems } from '../../../src/app/promotion/preflight.js';
import type { PromotionServices } from '../../../src/app/services.js';
import type { PromotionStage, PromotionTarget } from '../../../src/core/policy/types.js';
import type { HostingTarget, StageVerifier } from '../../../src/core/promotion/types.js';

const target = (overrides: Partial<PromotionTarget> = {}): PromotionTarget => ({
  kind: 'sagemaker-endpoint',
  account: '222222222222',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::222222222222:role/modelgate-promoter',
  externalId: 'modelgate-staging',
  ...overrides,
});

const adapter = (kind: string, problems: string[] = []): HostingTarget => ({
  kind,
  validate: () => problems,
  plan: () => [],
  start: async () => ({ state: 'succeeded', message: '', resources: {} }),
  poll: async (_t, _c, p) => p,
});
const verifier = (id: string, problems: string[] = []): StageVerifier => ({
  id,
  validate: () => problems,
  run: async () => ({ passed: true, message: '', metrics: {} }),
});

const services = (overrides: Partial<PromotionServices> = {}): PromotionServices => ({
  targets: [adapter('sagemaker-endpoint'), adapter('eventbridge-forward')],
  verifiers: [verifier('endpoint-smoke')],
  allowList: { accounts: ['222222222222', '333333333333'], roles: [] },
  dryRunOnly: false,
  ...overrides,
});

describe('allowListProblems', () => {
  it('admits an allow-listed account, a role in it and an ExternalId', () => {
    // Act / Assess
    expect(allowListProblems({ accounts: ['222222222222'], roles: [] }, target())).toEqual([]);
  });

  it('names an account that is not allow-listed, and where the list comes from', () => {
    // Act
    const problems = allowListProblems({ accounts: ['333333333333'], roles: [] }, target());

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^account 222222222222 is not on the promotion allow-list \(allowed: 333333333333; set MODELGATE_PROMOTION_ACCOUNTS/),
    ]);
  });

  it('refuses a role in another account than the target, even an allowed one', () => {
    // Act
    const problems = allowListProblems(
      { accounts: ['222222222222', '333333333333'], roles: [] },
      target({ roleArn: 'arn:aws:iam::333333333333:role/modelgate-promoter' }),
    );

    // Assess
    expect(problems).toEqual(["role arn:aws:iam::333333333333:role/modelgate-promoter is in account 333333333333, not in the target's account 222222222222"]);
  });

  it('matches role globs, across role paths too', () => {
    // Prepare
    const allowList = { accounts: ['222222222222'], roles: ['arn:aws:iam::*:role/modelgate/*'] };

    // Act / Assess
    expect(allowListProblems(allowList, target({ roleArn: 'arn:aws:iam::222222222222:role/modelgate/deploy/promoter' }))).toEqual([]);
    expect(allowListProblems(allowList, target())).toEqual([expect.stringMatching(/matches none of the allow-listed roles/)]);
  });

  it('requires an ExternalId: missing, empty or blank', () => {
    // Act / Assess
    for (const externalId of [undefined, '', '   ']) {
      const t = { ...target(), externalId } as unknown as PromotionTarget;
      expect(allowListProblems({ accounts: ['222222222222'], roles: [] }, t)).toEqual([expect.stringMatching(/has no externalId/)]);
    }
  });
});

describe('preflightProblems', () => {
  const stages: PromotionStage[] = [
    { name: 'staging', targets: [target()], verify: [{ use: 'endpoint-smoke', with: { maxErrorRate: 0 } }] },
    {
      name: 'production',
      targets: [
        target({ account: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/p' }),
        target({ kind: 'eventbridge-forward', account: '333333333333', roleArn: 'arn:aws:iam::333333333333:role/p' }),
      ],
    },
  ];

  it('passes a policy whose every target and verifier checks out', () => {
    // Act / Assess
    expect(preflightProblems(services(), stages)).toEqual([]);
  });

  it('reports every problem of every stage, each naming its stage and target', () => {
    // Prepare
    const promotion = services({
      targets: [adapter('sagemaker-endpoint', ["sagemaker-endpoint target: must have required property 'endpointName'"])],
      verifiers: [verifier('endpoint-smoke', ['endpoint-smoke with at /maxErrorRate: must be <= 1'])],
      allowList: { accounts: ['222222222222'], roles: [] },
    });

    // Act
    const problems = preflightProblems(promotion, stages);

    // Assess
    expect(problems).toEqual([
      "stage staging, target 0 (sagemaker-endpoint in 222222222222): sagemaker-endpoint target: must have required property 'endpointName'",
      'stage staging, verify 0 (endpoint-smoke): endpoint-smoke with at /maxErrorRate: must be <= 1',
      expect.stringMatching(/^stage production, target 0 \(sagemaker-endpoint in 333333333333\): account 333333333333 is not on the promotion allow-list/),
      "stage production, target 0 (sagemaker-endpoint in 333333333333): sagemaker-endpoint target: must have required property 'endpointName'",
      expect.stringMatching(/^stage production, target 1 \(eventbridge-forward in 333333333333\): account 333333333333 is not/),
      'stage production, target 1 (eventbridge-forward in 333333333333): no adapter for target kind "eventbridge-forward" in this deployment (available: sagemaker-endpoint)',
    ]);
  });

  it('refuses an unknown verifier, a stage named twice and an empty promotion', () => {
    // Act / Assess
    expect(preflightProblems(services(), [{ name: 'a', targets: [target()], verify: [{ use: 'load-test' }] }])).toEqual([
      'stage a, verify 0 (load-test): no verifier "load-test" in this deployment (available: endpoint-smoke)',
    ]);
    expect(
      preflightProblems(services(), [
        { name: 'a', targets: [target()] },
        { name: 'a', targets: [target()] },
      ]),
    ).toEqual(['stage a is named twice (stage names identify steps in the ledger)']);
    expect(preflightProblems(services(), [])).toEqual(['the policy names no promotion stages']);
  });
});

/**
 * The embedded stack for promotion tests: composeLocal in a temp dir (real dynalite ledger, real
 * local registry, real Ed25519 signer, real policies), a clock the test moves, and fake hosting
 * targets where a test needs a target that fails, hangs or must be counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleRegistryEvent } from '../../../src/app/handle-registry-event.js';
import { advancePromotion } from '../../../src/app/promotion/advance-promotion.js';
import type { AppLogger } from '../../../src/app/services.js';
import { composeLocal, type LocalStack } from '../../../src/compose.js';
import type { ModelPackage } from '../../../src/core/model-package.js';
import type { PromotionTarget } from '../../../src/core/policy/types.js';
import type { LoadedPolicy } from '../../../src/core/policy/types.js';
import type { PromotionRecord } from '../../../src/core/promotion/record.js';
import type { HostingTarget, StageVerifier, TargetContext, TargetProgress } from '../../../src/core/promotion/types.js';
import type { RunRecord } from '../../../src/core/run.js';
import { modelPackageStateChangeEvent } from '../../../src/local/registry-events.js';
import { ROOT } from '../../support/cli.js';

export const ARN = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/${v}`;

export const silentLogger: AppLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A clock that only moves when the test says so. */
export class TestClock {
  constructor(private t = Date.parse('2026-11-22T10:00:00.000Z')) {}
  now = () => new Date(this.t);
  advance(seconds: number) {
    this.t += seconds * 1000;
  }
}

export interface Harness {
  stack: LocalStack;
  clock: TestClock;
  close(): Promise<void>;
}

export const startHarness = async (prefix: string): Promise<Harness> => {
  const stack = await composeLocal({ stateDir: mkdtempSync(join(tmpdir(), prefix)), baseDir: ROOT, outboxSink: () => undefined, logger: silentLogger });
  const clock = new TestClock();
  stack.services.clock = clock;
  return { stack, clock, close: () => stack.close() };
};

/** Registers a copy of the demo's approvable churn-xgb/2 as version `v` (same artifacts and evidence). */
export const registerCopyOfV2 = async (stack: LocalStack, v: number, changes: Partial<ModelPackage> = {}): Promise<ModelPackage> => {
  const v2 = await stack.registry.describe(ARN(2));
  const pkg: ModelPackage = {
    ...v2,
    ModelPackageArn: ARN(v),
    ModelPackageVersion: v,
    ModelApprovalStatus: 'PendingManualApproval',
    CreationTime: `2026-11-21T10:${String(v % 60).padStart(2, '0')}:00Z`,
    ...changes,
  };
  await stack.registry.register(pkg);
  return pkg;
};

/** The registration event for a version, through the same handler as EventBridge: returns its run. */
export const evaluate = async (stack: LocalStack, arn: string): Promise<RunRecord> => {
  const pkg = await stack.registry.describe(arn);
  const outcome = await handleRegistryEvent(stack.services, modelPackageStateChangeEvent({ ...pkg, ModelApprovalStatus: 'PendingManualApproval' }));
  if (outcome.action !== 'evaluate' || outcome.outcome.status !== 'decided') throw new Error(`expected a decided run for ${arn}`);
  return outcome.outcome.run;
};

/** The Approved event SageMaker emits after UpdateModelPackage (or a hand approval). */
export const approvedEvent = async (stack: LocalStack, arn: string, id?: string) => {
  const pkg = await stack.registry.describe(arn);
  return modelPackageStateChangeEvent({ ...pkg, ModelApprovalStatus: 'Approved' }, id);
};

/** Sets the registry status by hand, as a person in the console would, with who did it. */
export const approveByHand = async (stack: LocalStack, arn: string, by?: string): Promise<void> => {
  const pkg = await stack.registry.describe(arn);
  await stack.registry.register({ ...pkg, ModelApprovalStatus: 'Approved', ...(by ? { LastModifiedBy: { IamIdentity: { Arn: by } } } : {}) });
};

/** The configured policies with `edit` applied to churn (a policy source for one test). */
export const withChurnPolicy = async (stack: LocalStack, edit: (p: LoadedPolicy) => LoadedPolicy): Promise<void> => {
  const policies = await stack.services.policies.load();
  const edited = policies.map((p) => (p.doc.metadata.name === 'churn' ? edit(structuredClone(p)) : p));
  stack.services.policies = { load: async () => edited };
};

type Script = (call: number, target: PromotionTarget, ctx: TargetContext) => TargetProgress | Promise<TargetProgress>;

const progress = (state: TargetProgress['state'], message: string, ctx: TargetContext): TargetProgress => ({
  state,
  message,
  resources: { name: `fake-${ctx.stepToken}` },
  previous: { config: 'before' },
});

/** A hosting target whose start/poll/rollback answers are scripted and counted. */
export class FakeTarget implements HostingTarget {
  readonly starts: Array<{ stage: string; stepToken: string; account: string }> = [];
  readonly polls: string[] = [];
  readonly rollbacks: string[] = [];
  onStart: Script = (_n, _t, ctx) => progress('succeeded', 'created', ctx);
  onPoll: Script = (_n, _t, ctx) => progress('succeeded', 'ready', ctx);
  rollbackSupported = true;

  constructor(readonly kind: string) {}

  validate(): string[] {
    return [];
  }

  plan(target: PromotionTarget, ctx: TargetContext): string[] {
    return [`fake ${this.kind} in ${target.account} for ${ctx.stage}`];
  }

  async start(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    this.starts.push({ stage: ctx.stage, stepToken: ctx.stepToken, account: target.account });
    return this.onStart(this.starts.length, target, ctx);
  }

  async poll(target: PromotionTarget, ctx: TargetContext): Promise<TargetProgress> {
    this.polls.push(ctx.stage);
    return this.onPoll(this.polls.length, target, ctx);
  }

  get rollback(): HostingTarget['rollback'] {
    if (!this.rollbackSupported) return undefined;
    return async (_target, ctx) => {
      this.rollbacks.push(ctx.stage);
      return { state: 'succeeded', message: 'back on config before', resources: {} };
    };
  }
}

/** A stage verifier with a fixed verdict that counts its runs. */
export class FakeVerifier implements StageVerifier {
  runs = 0;
  constructor(
    readonly id: string,
    private readonly passed: boolean,
  ) {}
  validate(): string[] {
    return [];
  }
  async run() {
    this.runs += 1;
    return { passed: this.passed, message: this.passed ? 'smoke ok' : 'p95 latency 812 ms above max 300', metrics: { p95LatencyMs: this.passed ? 120 : 812 } };
  }
}

/** Fake targets for every kind the churn policy uses, installed on the stack. */
export const installFakes = (stack: LocalStack, verifierPasses = true) => {
  const endpoint = new FakeTarget('sagemaker-endpoint');
  const forward = new FakeTarget('eventbridge-forward');
  const smoke = new FakeVerifier('endpoint-smoke', verifierPasses);
  // One advance per runner start: the test drives the state machine step by step.
  const runner = { start: async (id: string) => void (await advancePromotion(stack.services, id)) };
  const allowList = { accounts: ['222222222222', '333333333333'], roles: [] };
  stack.services.promotion = {
    ...stack.services.promotion!,
    targets: [endpoint, forward],
    verifiers: [smoke],
    allowList,
    timing: {},
    dryRunOnly: false,
    runner,
  };
  return { endpoint, forward, smoke, startCount: () => endpoint.starts.length + forward.starts.length };
};

/** Audit actions of a run that concern promotion, in order. */
export const promotionAudit = async (stack: LocalStack, runId: string) =>
  (await stack.services.ledger.auditTrail(runId)).filter((e) => e.action.startsWith('promotion.'));

/** Events and notifications about promotion in the outbox. */
export const promotionOutbox = (stack: LocalStack) =>
  stack.outbox.entries.filter(
    (e) => (e.kind === 'event' && e.detailType?.startsWith('Model Promotion')) || (e.kind === 'notification' && e.subject?.includes('promotion')),
  );

export type { PromotionRecord };

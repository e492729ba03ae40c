/**
 * Properties of the event path (`handleRegistryEvent`, what the local stack's POST /events and the
 * Lambdas call) over generated EventBridge events: a valid SageMaker state change for a registered
 * model version whose own evidence FAILS the policy, mutated at random paths (wrong types, hostile
 * strings, deleted keys, `__proto__` keys, and evidence URIs pointing at an approving report).
 *
 * - nothing in an event can make that version approve: the decision rests on the registry's
 *   evidence, never on what the event claims;
 * - every event ends in a decision, an `ignore`, or a classified input error (InvalidInputError,
 *   NotFoundError, NotBuiltError) — never a TypeError or another unclassified failure;
 * - the same event gives the same outcome class twice.
 *
 * Cases: MODELGATE_PROPERTY_RUNS / MODELGATE_PROPERTY_SEED (tests/support/property-config.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { handleRegistryEvent } from '../../src/app/handle-registry-event.js';
import { composeLocal, type LocalStack } from '../../src/compose.js';
import { InvalidInputError, NotBuiltError, NotFoundError } from '../../src/core/errors.js';
import type { ModelPackage } from '../../src/core/model-package.js';
import { policyYaml } from '../support/gate-harness.js';
import { propertyParams, propertyTimeoutMs } from '../support/property-config.js';

const GROUP = 'gate-prop';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const ESC = '\u001b';
const arnOf = (version: number) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${GROUP}/${version}`;

const FAILING = '{"binary_classification_metrics":{"auc":{"value":0.5},"accuracy":{"value":0.6}}}';
const GOOD = '{"binary_classification_metrics":{"auc":{"value":0.95},"accuracy":{"value":0.9}}}';
const GOOD_METRICS = { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 'file:good.json' } } };

const packageOf = (version: number): Record<string, unknown> => ({
  ModelPackageArn: arnOf(version),
  ModelPackageGroupName: GROUP,
  ModelPackageVersion: version,
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: 'PendingManualApproval',
  ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 'file:failing.json' } } },
});

const eventOf = (version: number, id: string): Record<string, unknown> => ({
  version: '0',
  id,
  'detail-type': 'SageMaker Model Package State Change',
  source: 'aws.sagemaker',
  account: ACCOUNT,
  time: '2026-11-20T11:00:05Z',
  region: REGION,
  resources: [arnOf(version)],
  detail: packageOf(version),
});

/** Every path in `value` (objects and arrays), root excluded. */
const pathsOf = (value: unknown, prefix: string[] = []): string[][] => {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((k) => [[...prefix, k], ...pathsOf((value as Record<string, unknown>)[k], [...prefix, k])]);
};
const EVENT_PATHS = pathsOf(eventOf(1, 'x'));

const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    42,
    -1,
    0,
    1e308,
    true,
    '',
    'x',
    '__proto__',
    'constructor',
    [],
    {},
    `a${ESC}[2J${ESC}]0;t\u0007`,
    'Approved',
    'PendingManualApproval',
    'Completed',
    GOOD_METRICS,
    'file:good.json',
    arnOf(1),
    '../../etc/passwd',
    'x'.repeat(5000),
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation = { kind: 'set'; path: string[]; value: unknown } | { kind: 'delete'; path: string[] } | { kind: 'proto'; path: string[] };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...EVENT_PATHS), value: hostileValueArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...EVENT_PATHS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('proto' as const), path: fc.constantFrom<string[]>([], ['detail'], ['detail', 'ModelMetrics']) }) },
);

const apply = (event: Record<string, unknown>, m: Mutation): void => {
  let node: unknown = event;
  for (const key of m.path.slice(0, m.kind === 'proto' ? m.path.length : -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== 'object' || node === null) return;
  const target = node as Record<string, unknown>;
  if (m.kind === 'proto') {
    // An own "__proto__" key, as JSON.parse makes it: content that must never be read as the event's own.
    Object.defineProperty(target, '__proto__', {
      value: { ModelMetrics: GOOD_METRICS, ModelApprovalStatus: 'PendingManualApproval' },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return;
  }
  const last = m.path[m.path.length - 1]!;
  if (m.kind === 'delete') delete target[last];
  else Object.defineProperty(target, last, { value: structuredClone(m.value), enumerable: true, configurable: true, writable: true });
};

type Outcome =
  | { kind: 'decided'; decision: string }
  | { kind: 'ignore' | 'in_progress' | 'promote' }
  | { kind: 'input-error'; name: string }
  | { kind: 'unclassified'; name: string; message: string };

describe('registry events (property)', () => {
  let dir: string;
  let stack: LocalStack;
  let version = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-prop-events-'));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies', 'gate.yaml'),
      policyYaml([{ use: 'model-quality', with: { problemType: 'binary_classification', metrics: { auc: { min: 0.8 }, accuracy: { min: 0.75 } } } }]),
    );
    writeFileSync(join(dir, 'failing.json'), FAILING);
    writeFileSync(join(dir, 'good.json'), GOOD);
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    stack = await composeLocal({
      stateDir: join(dir, 'state'),
      seedFrom: null,
      policies: join(dir, 'policies'),
      baseDir: dir,
      logger: silent,
      outboxSink: () => undefined,
    });
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Registers a fresh version (its evidence fails the policy) and returns it with its event, mutated. */
  const mutatedEvent = async (mutations: Mutation[]): Promise<{ arn: string; event: unknown }> => {
    version += 1;
    await stack.registry.register(packageOf(version) as unknown as ModelPackage);
    const event = eventOf(version, `evt-${version}`);
    for (const m of mutations) apply(event, m);
    return { arn: arnOf(version), event };
  };

  const outcomeOf = async (event: unknown): Promise<Outcome> => {
    try {
      const r = await handleRegistryEvent(stack.services, event);
      if (r.action === 'evaluate') return r.outcome.status === 'decided' ? { kind: 'decided', decision: r.outcome.run.decision } : { kind: 'in_progress' };
      return { kind: r.action };
    } catch (err) {
      if (err instanceof InvalidInputError || err instanceof NotFoundError || err instanceof NotBuiltError) return { kind: 'input-error', name: err.name };
      const e = err as Error;
      return { kind: 'unclassified', name: e?.name ?? typeof err, message: e?.message ?? String(err) };
    }
  };

  it(
    'no event approves a version whose registered evidence fails, and every event gets a classified outcome',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArb, { minLength: 0, maxLength: 3 }), async (mutations) => {
          const { arn, event } = await mutatedEvent(mutations);
          const outcome = await outcomeOf(event);
          if (outcome.kind === 'unclassified') throw new Error(`unclassified failure ${outcome.name}: ${outcome.message}\nevent: ${JSON.stringify(event)}`);
          if (outcome.kind === 'decided' && outcome.decision === 'approve') throw new Error(`approved: ${JSON.stringify(event)}`);
          const status = (await stack.registry.describe(arn)).ModelApprovalStatus;
          if (status === 'Approved') throw new Error(`the registry says Approved after: ${JSON.stringify(event)}`);
        }),
        propertyParams(),
      );
    },
    propertyTimeoutMs(),
  );

  it(
    'the same event gives the same class of outcome twice',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 2 }), async (mutations) => {
          const { event } = await mutatedEvent(mutations);
          const first = await outcomeOf(structuredClone(event));
          const second = await outcomeOf(structuredClone(event));
          // A repeat of a decided event returns the first run: same decision.
          expect(second).toEqual(first);
        }),
        propertyParams(0.25),
      );
    },
    propertyTimeoutMs(500, 0.25),
  );
});

/**
 * The local stack (`npm start`): the embedded ledger, the local registry seeded from `examples/`,
 * the demo registrations processed through the same use case the Lambda calls, the versions that
 * came out approved promoted through their policy's stages with dry-run targets (the Approved
 * event SageMaker would emit after UpdateModelPackage, through the same handler), and the local API.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { handleRegistryEvent, type EventOutcome, type PromoteOutcome } from '../app/handle-registry-event.js';
import { composeLocal, projectRoot, type LocalStack } from '../compose.js';
import type { ModelPackage } from '../core/model-package.js';
import { effectiveDecision } from '../core/run.js';
import { startLocalApi } from './http-api.js';
import { modelPackageStateChangeEvent } from './registry-events.js';

/** What a registration event led to (a pending version is evaluated, never promoted). */
export type RegistrationOutcome = Exclude<EventOutcome, { action: 'promote' }> | { action: 'failed'; error: string };

export interface RunningStack {
  stack: LocalStack;
  apiUrl: string;
  demo: Array<{ pkg: ModelPackage; outcome: RegistrationOutcome }>;
  /** The approved demo versions' promotions (dry runs: nothing is created anywhere). */
  promotions: Array<{ pkg: ModelPackage; outcome: PromoteOutcome | { status: 'error'; error: string } }>;
  close(): Promise<void>;
}

/** Every PendingManualApproval version in the local registry, oldest first. */
const pendingPackages = async (stack: LocalStack, groups: string[]): Promise<ModelPackage[]> => {
  const all = (await Promise.all(groups.map((g) => stack.registry.versions(g)))).flat();
  return all.filter((p) => (p.ModelApprovalStatus ?? 'PendingManualApproval') === 'PendingManualApproval');
};

/**
 * Sends the Approved event SageMaker emits after UpdateModelPackage for every demo version that
 * came out approved, through the same handler: each is verified and promoted with dry-run targets.
 */
const promoteApproved = async (stack: LocalStack, demo: RunningStack['demo']): Promise<RunningStack['promotions']> => {
  const promotions: RunningStack['promotions'] = [];
  for (const { outcome } of demo) {
    if (outcome.action !== 'evaluate' || outcome.outcome.status !== 'decided' || effectiveDecision(outcome.outcome.run) !== 'approve') continue;
    const pkg = await stack.registry.describe(outcome.outcome.run.subject.arn);
    try {
      const result = await handleRegistryEvent(stack.services, modelPackageStateChangeEvent(pkg));
      if (result.action === 'promote') promotions.push({ pkg, outcome: result.outcome });
    } catch (err) {
      promotions.push({ pkg, outcome: { status: 'error', error: (err as Error).message } });
    }
  }
  return promotions;
};

/** One line per promotion for the start-up summary; each says it was a dry run. */
export const promotionSummary = (promotions: RunningStack['promotions']): string[] =>
  promotions.map(({ pkg, outcome }) => {
    const label = `${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}`;
    if (outcome.status === 'error') return `  promotion ${label}: ERROR ${outcome.error}`;
    if (outcome.status === 'refused') return `  promotion ${label}: REFUSED ${outcome.reason}`;
    const how = outcome.state === 'failed' ? `FAILED ${outcome.reason ?? ''}` : outcome.state.toUpperCase();
    return `  promotion ${label}: ${how} (${outcome.promotionId}; dry run: nothing was created in any hosting account)`;
  });

export const startLocalStack = async (opts: { stateDir: string; port: number; log: (line: string) => void }): Promise<RunningStack> => {
  const root = projectRoot();
  await mkdir(opts.stateDir, { recursive: true });
  const stack = await composeLocal({ stateDir: opts.stateDir, baseDir: root, outboxSink: (line) => opts.log(`  ${line}`) });
  const api = await startLocalApi(stack.services, stack.outbox, opts.port).catch(async (err) => {
    await stack.close();
    throw err;
  });
  const stackFile = join(opts.stateDir, 'stack.json');
  await writeFile(stackFile, JSON.stringify({ pid: process.pid, ledgerEndpoint: stack.ledgerEndpoint, apiUrl: api.url }, null, 2));

  const groups = await stack.registry.groups();
  const demo: RunningStack['demo'] = [];
  for (const pkg of await pendingPackages(stack, groups)) {
    try {
      const outcome = await handleRegistryEvent(stack.services, modelPackageStateChangeEvent(pkg));
      demo.push({ pkg, outcome: outcome.action === 'promote' ? { action: 'failed', error: 'a pending version was sent to promotion' } : outcome });
    } catch (err) {
      demo.push({ pkg, outcome: { action: 'failed', error: (err as Error).message } });
    }
  }
  const promotions = await promoteApproved(stack, demo);
  opts.log(
    `  policies  ${relative(process.cwd(), join(root, 'policies')) || '.'}; registry ${relative(process.cwd(), join(opts.stateDir, 'registry'))} (${groups.length} groups)`,
  );
  return {
    stack,
    apiUrl: api.url,
    demo,
    promotions,
    close: async () => {
      await api.close();
      await stack.close();
      await rm(stackFile, { force: true });
    },
  };
};

/**
 * The local stack (`npm start`): the embedded ledger, the local registry seeded from `examples/`,
 * the demo registrations processed through the same use case the Lambda calls, and the local API.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { handleRegistryEvent, type EventOutcome } from '../app/handle-registry-event.js';
import { composeLocal, projectRoot, type LocalStack } from '../compose.js';
import type { ModelPackage } from '../core/model-package.js';
import { startLocalApi } from './http-api.js';
import { modelPackageStateChangeEvent } from './registry-events.js';

export interface RunningStack {
  stack: LocalStack;
  apiUrl: string;
  demo: Array<{ pkg: ModelPackage; outcome: EventOutcome | { action: 'failed'; error: string } }>;
  close(): Promise<void>;
}

/** Every PendingManualApproval version in the local registry, oldest first. */
const pendingPackages = async (stack: LocalStack, groups: string[]): Promise<ModelPackage[]> => {
  const all = (await Promise.all(groups.map((g) => stack.registry.versions(g)))).flat();
  return all.filter((p) => (p.ModelApprovalStatus ?? 'PendingManualApproval') === 'PendingManualApproval');
};

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
      demo.push({ pkg, outcome: await handleRegistryEvent(stack.services, modelPackageStateChangeEvent(pkg)) });
    } catch (err) {
      demo.push({ pkg, outcome: { action: 'failed', error: (err as Error).message } });
    }
  }
  opts.log(`  policies  ${relative(process.cwd(), join(root, 'policies')) || '.'}; registry ${relative(process.cwd(), join(opts.stateDir, 'registry'))} (${groups.length} groups)`);
  return {
    stack,
    apiUrl: api.url,
    demo,
    close: async () => {
      await api.close();
      await stack.close();
      await rm(stackFile, { force: true });
    },
  };
};

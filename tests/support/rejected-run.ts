/**
 * The starting point of the on-call tests: churn-xgb/3 evaluated and rejected (exit 1) in its own
 * state directory, under a copy of the churn policy that also lists `extraApprover` as an approver.
 */
import { expect } from '@jest/globals';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from './cli.js';

export interface RejectedRun {
  home: string;
  /** Points the CLI at the policy copy (MODELGATE_POLICIES). */
  env: Record<string, string>;
  runId: string;
}

export const rejectedChurnRun = (homePrefix: string, extraApprover: string): RejectedRun => {
  const home = tempHome(homePrefix);
  const policies = join(home, 'policies');
  mkdirSync(policies);
  writeFileSync(
    join(policies, 'churn.yaml'),
    readFileSync('policies/churn.yaml', 'utf8').replace('approvers: [oncall-ml@example.com,', `approvers: [oncall-ml@example.com, "${extraApprover}",`),
  );
  const env = { MODELGATE_POLICIES: policies };
  const r = runCli(
    ['evaluate', '--model-package', 'examples/registry/churn-xgb/3.json', '--champion', 'examples/registry/churn-xgb/1.json', '--format', 'json'],
    home,
    { env },
  );
  expect(r.code).toBe(1);
  return { home, env, runId: (JSON.parse(r.stdout) as { runId: string }).runId };
};

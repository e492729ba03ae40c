/**
 * What the campaign's case lists share: the context they run in, the evaluate command line, and
 * the registry event for a model package.
 */
import { randomUUID } from 'node:crypto';
import type { HttpStack } from './http-runner.js';
import type { LambdaStack } from './lambda-runner.js';
import { ACCOUNT, REGION, type Workspace } from './workspace.js';

export interface CaseContext {
  ws: Workspace;
  /** The environment of CLI runs (no AWS settings, the campaign's MODELGATE_HOME). */
  cliEnv: Record<string, string>;
  http: () => HttpStack;
  lambda: () => LambdaStack;
}

export const ESC = '\u001b';
export const EVALUATE = (pkgFile: string, policy = 'policies/gate.yaml'): string[] => [
  'evaluate',
  '--model-package',
  pkgFile,
  '--policy',
  policy,
  '--champion',
  'none',
];

/** An EventBridge `SageMaker Model Package State Change` (PendingManualApproval, Completed) for `pkg`. */
export const stateChange = (pkg: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'SageMaker Model Package State Change',
  source: 'aws.sagemaker',
  account: ACCOUNT,
  time: '2026-11-20T11:00:05Z',
  region: REGION,
  resources: [pkg['ModelPackageArn']],
  detail: { ...pkg, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'PendingManualApproval' },
});

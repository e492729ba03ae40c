/**
 * A transient upstream failure (throttling, 5xx) is not a verdict on the model: the invocation
 * fails, nothing is recorded or acted on, the claim is released, and the retry decides.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleRegistryEvent } from '../../../src/app/handle-registry-event.js';
import { composeLocal, type LocalStack } from '../../../src/compose.js';
import { TransientFailureError } from '../../../src/core/errors.js';
import type { ArtifactStore } from '../../../src/core/ports.js';
import { modelPackageStateChangeEvent } from '../../../src/local/registry-events.js';
import { ROOT } from '../../support/cli.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/3';

describe('transient failures', () => {
  let stack: LocalStack;
  let throttle = 0;
  const approvals: string[] = [];

  beforeAll(async () => {
    stack = await composeLocal({ stateDir: mkdtempSync(join(tmpdir(), 'mg-transient-')), baseDir: ROOT, outboxSink: () => undefined });
    // The first `throttle` reads are refused the way S3 refuses under load (an SDK v3 error shape).
    const [files] = stack.services.artifacts as [ArtifactStore];
    stack.services.artifacts = [
      {
        schemes: files.schemes,
        open: async (uri, options) => {
          if (throttle > 0) {
            throttle--;
            throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $fault: 'server', $retryable: { throttling: true } });
          }
          return files.open(uri, options);
        },
      },
    ];
    const setApproval = stack.registry.setApproval.bind(stack.registry);
    stack.registry.setApproval = async (arn, status, description) => {
      approvals.push(status);
      return setApproval(arn, status, description);
    };
  });
  afterAll(async () => {
    await stack.close();
  });

  it('throttled evidence fails the invocation, records nothing, and the retry decides at once', async () => {
    // Prepare
    const pkg = await stack.registry.describe(ARN);
    const event = modelPackageStateChangeEvent(pkg, 'evt-throttled');
    throttle = 1;
    // Act
    const first = await handleRegistryEvent(stack.services, event).then(
      () => null,
      (e: unknown) => e,
    );
    const runsAfterFailure = await stack.services.ledger.listRuns({ subjectArn: ARN });
    const retry = await handleRegistryEvent(stack.services, event);
    // Assess
    expect(first).toBeInstanceOf(TransientFailureError);
    expect((first as Error).message).toMatch(/SlowDown|reduce your request rate/);
    expect(runsAfterFailure).toEqual([]);
    expect(retry).toMatchObject({ action: 'evaluate', outcome: { status: 'decided', duplicate: false, run: { decision: 'reject' } } });
    expect(approvals).toEqual(['Rejected']);
  });
});

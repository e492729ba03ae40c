/**
 * The one error-to-outcome table: every entry point (CLI, local API, Lambda) answers a failure
 * from the same row, and bad input is never retried nor reported as a bug.
 */
import { describe, expect, it } from '@jest/globals';
import { classifyFailure as lambdaDisposition } from '../../../handlers/middleware/failure-policy.js';
import { UsageError } from '../../../src/cli/io.js';
import { EvidenceError, InvalidInputError, NotBuiltError, NotFoundError, PolicyError, RefusedError, TransientFailureError } from '../../../src/core/errors.js';
import { classifyFailure, OUTCOMES } from '../../../src/core/outcomes.js';

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $retryable: { throttling: true } });

describe('classifyFailure', () => {
  it.each([
    ['UsageError', new UsageError('unknown option --x'), 'usage', 64, 400, 'terminal'],
    ['InvalidInputError', new InvalidInputError('must be a string', '/Tags/0/Key', 'a string'), 'invalid_input', 64, 400, 'terminal'],
    ['PolicyError', new PolicyError('policies/churn.yaml', ['unknown key']), 'policy', 64, 422, 'terminal'],
    ['EvidenceError', new EvidenceError('s3://b/k.json', 'is not valid JSON at line 1'), 'evidence', 64, 422, 'terminal'],
    [
      'EvidenceError caused by AccessDenied',
      new EvidenceError('s3://b/k.json', 'access denied', { cause: Object.assign(new Error('x'), { name: 'AccessDenied', $fault: 'client' }) }),
      'evidence',
      64,
      422,
      'terminal',
    ],
    ['EvidenceError caused by throttling', new EvidenceError('s3://b/k.json', 'read failed', { cause: throttled() }), 'transient', 75, 503, 'retry'],
    ['NotFoundError', new NotFoundError('run', 'run-x'), 'not_found', 64, 404, 'terminal'],
    ['RefusedError', new RefusedError('override refused'), 'refused', 77, 403, 'terminal'],
    ['NotBuiltError', new NotBuiltError('bedrock promotion'), 'not_built', 69, 501, 'not_built'],
    ['TransientFailureError', new TransientFailureError('check x: throttled', { cause: throttled() }), 'transient', 75, 503, 'retry'],
    ['a raw SDK throttling error', throttled(), 'transient', 75, 503, 'retry'],
    [
      'missing credentials, wrapped',
      new Error('ledger', { cause: Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }) }),
      'no_credentials',
      64,
      503,
      'retry',
    ],
    ['a TypeError (a bug)', new TypeError("Cannot read properties of null (reading 'Detail')"), 'unexpected', 70, 500, 'retry'],
    ['a thrown string', 'boom', 'unexpected', 70, 500, 'retry'],
    ['undefined', undefined, 'unexpected', 70, 500, 'retry'],
  ])('%s: one row for every entry point', (_name, error, kind, exitCode, httpStatus, lambda) => {
    // Act
    const outcome = classifyFailure(error);
    // Assess: one row, and the Lambda failure policy reads the same row
    expect(outcome).toMatchObject({ kind, exitCode, httpStatus, lambda });
    expect(lambdaDisposition(error)).toBe(lambda);
  });

  it('keeps exit 70 and HTTP 500 for the unexpected only, and never retries bad input', () => {
    for (const [kind, row] of Object.entries(OUTCOMES)) {
      if (kind !== 'unexpected') expect([row.exitCode, row.httpStatus]).not.toContain(70);
      if (kind !== 'unexpected') expect(row.httpStatus).not.toBe(500);
      if (row.httpStatus >= 400 && row.httpStatus < 500) expect(row.lambda).toBe('terminal');
    }
  });
});

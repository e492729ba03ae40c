import { describe, expect, it } from '@jest/globals';
import { defineCheck, type CheckDefinition } from '../../../src/core/check.js';
import { runChecks, type CheckInvocation, type EngineOptions } from '../../../src/core/engine.js';
import { IncompleteCheckError, MissingEvidenceError, TransientFailureError } from '../../../src/core/errors.js';
import { checkInput } from '../../support/inline-evidence.js';

const opts: EngineOptions = {
  concurrency: 2,
  defaultTimeoutMs: 1000,
  logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
  now: () => new Date('2026-11-22T00:00:00Z'),
};

const check = (id: string, run: CheckDefinition<unknown>['run'], evidence: CheckDefinition['evidence'] = []): CheckDefinition<unknown> =>
  defineCheck<unknown>({
    id,
    version: '1.0.0',
    title: id,
    description: id,
    evidence,
    configSchema: { type: 'object', additionalProperties: false },
    defaultConfig: {},
    run,
  });

const inv = (definition: CheckDefinition<unknown>, extra: Partial<CheckInvocation> = {}): CheckInvocation => ({
  id: definition.id,
  severity: 'blocking',
  definition,
  config: {},
  ...extra,
});

const passing = check('ok', async () => ({ status: 'pass', summary: 'fine', metrics: [{ name: 'auc', value: 0.9, passed: true }], findings: [] }));

describe('runChecks', () => {
  it('returns each outcome as a result, in policy order', async () => {
    // Prepare
    const failing = check('bad', async () => ({
      status: 'fail',
      summary: 'no',
      metrics: [],
      findings: [{ severity: 'error', message: 'auc is 0.7, below min 0.8' }],
    }));
    // Act
    const results = await runChecks([inv(failing), inv(passing)], checkInput({}), opts);
    // Assess
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['bad', 'fail'],
      ['ok', 'pass'],
    ]);
    expect(results[1]!.metrics[0]!.value).toBe(0.9);
  });

  it('isolates a check that throws synchronously or asynchronously', async () => {
    const syncThrow = check('sync-throw', (() => {
      throw new TypeError('boom');
    }) as never);
    const asyncThrow = check('async-throw', async () => {
      throw new Error('kaput');
    });
    const results = await runChecks([inv(syncThrow), inv(asyncThrow), inv(passing)], checkInput({}), opts);
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'pass']);
    expect(results[0]!.error).toEqual({ kind: 'exception', message: 'TypeError: boom' });
    expect(results[1]!.error).toEqual({ kind: 'exception', message: 'kaput' });
  });

  it('times out a hung check, aborts its signal, and goes on', async () => {
    // Prepare
    let abortedWith: unknown;
    const hung = check(
      'hung',
      (_i, _c, ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => {
            abortedWith = ctx.signal.reason;
          });
        }),
    );
    // Act
    const results = await runChecks([inv(hung, { timeoutMs: 20 }), inv(passing)], checkInput({}), opts);
    // Assess
    expect(results[0]!.status).toBe('error');
    expect(results[0]!.error).toEqual({ kind: 'timeout', message: 'timed out after 20 ms' });
    expect(abortedWith).toBeInstanceOf(Error);
    expect(results[1]!.status).toBe('pass');
  });

  it('reports missing required evidence without running the check', async () => {
    let ran = false;
    const needs = check(
      'needs',
      async () => {
        ran = true;
        return { status: 'pass', summary: '', metrics: [], findings: [] };
      },
      [{ name: 'model-quality-statistics', description: 'stats', required: true }],
    );
    const [result] = await runChecks([inv(needs)], checkInput({}), opts);
    expect(ran).toBe(false);
    expect(result!.error).toEqual({ kind: 'missing_evidence', message: 'missing evidence: model-quality-statistics' });
  });

  it('treats optional evidence lists as "any of"', async () => {
    const anyOf = check('any-of', async () => ({ status: 'pass', summary: '', metrics: [], findings: [] }), [
      { name: 'predictions', description: 'p' },
      { name: 'bias-report', description: 'b' },
    ]);
    const [none] = await runChecks([inv(anyOf)], checkInput({}), opts);
    const [some] = await runChecks([inv(anyOf)], checkInput({ 'bias-report': {} }), opts);
    expect(none!.error?.message).toBe('missing evidence: one of predictions, bias-report');
    expect(some!.status).toBe('pass');
  });

  it('maps MissingEvidenceError and IncompleteCheckError, keeping partial metrics', async () => {
    const lacks = check('lacks', async () => {
      throw new MissingEvidenceError(['predictions']);
    });
    const partial = check('partial', async () => {
      throw new IncompleteCheckError('metric rmse is not in the report', {
        status: 'pass',
        summary: 'x',
        metrics: [{ name: 'auc', value: 0.91, passed: true }],
        findings: [],
      });
    });
    const [a, b] = await runChecks([inv(lacks), inv(partial)], checkInput({}), opts);
    expect(a!.error?.kind).toBe('missing_evidence');
    expect(b!.status).toBe('error');
    expect(b!.summary).toBe('metric rmse is not in the report');
    expect(b!.metrics).toEqual([{ name: 'auc', value: 0.91, passed: true }]);
  });

  it('turns unknown checks, invalid config and malformed outcomes into errors', async () => {
    const weird = check('weird', async () => ({ status: 'maybe' }) as never);
    const results = await runChecks(
      [{ id: 'nope', severity: 'advisory' }, inv(passing, { configProblems: ['with at /metrics/auc/min: must be number'] }), inv(weird)],
      checkInput({}),
      opts,
    );
    expect(results.map((r) => r.error?.kind)).toEqual(['unknown_check', 'invalid_config', 'exception']);
    expect(results[0]!.severity).toBe('advisory');
    expect(results[1]!.summary).toContain('with at /metrics/auc/min: must be number');
    expect(results[2]!.summary).toBe('check returned an invalid status "maybe"');
  });

  it('never runs more checks at once than the concurrency bound', async () => {
    // Prepare
    let active = 0;
    let peak = 0;
    const slow = (id: string) =>
      check(id, async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return { status: 'pass', summary: '', metrics: [], findings: [] };
      });
    // Act
    const results = await runChecks(
      ['a', 'b', 'c', 'd', 'e'].map((id) => inv(slow(`s-${id}`))),
      checkInput({}),
      { ...opts, concurrency: 2 },
    );
    // Assess
    expect(results).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it("builds each check its own input with that check's abort signal", async () => {
    // Prepare
    const signals: AbortSignal[] = [];
    const hung = check(
      'hung-reader',
      (_i, _c, ctx) =>
        new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ status: 'pass', summary: '', metrics: [], findings: [] }))),
    );
    // Act
    await runChecks(
      [inv(hung, { timeoutMs: 10 }), inv(passing)],
      (signal) => {
        signals.push(signal);
        return checkInput({});
      },
      opts,
    );
    // Assess: the timed-out check's evidence signal was aborted by the timeout
    expect(signals).toHaveLength(2);
    expect(signals[0]!.reason).toBeInstanceOf(Error);
    expect((signals[0]!.reason as Error).message).toBe('timed out after 10 ms');
  });

  it('fails the whole run on a transient upstream failure, so the platform retries it', async () => {
    // Prepare: evidence reads that are throttled (an AWS SDK v3 error shape)
    const throttled = check('throttled', async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $retryable: { throttling: true } });
    });
    // Act / Assess
    await expect(runChecks([inv(passing), inv(throttled)], checkInput({}), opts)).rejects.toThrow(TransientFailureError);
    await expect(runChecks([inv(throttled)], checkInput({}), opts)).rejects.toThrow(
      'check throttled: Rate exceeded (transient; the evaluation will be retried)',
    );
  });

  it("keeps a non-transient AWS error as that check's error", async () => {
    const denied = check('denied', async () => {
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $fault: 'client' });
    });
    const [result] = await runChecks([inv(denied)], checkInput({}), opts);
    expect(result!.error).toEqual({ kind: 'exception', message: 'AccessDenied: Access Denied' });
  });
});

/**
 * The check engine: runs the checks a policy names with bounded concurrency and a timeout each.
 * Isolation is the point — a check that throws, hangs, lacks evidence or is misconfigured yields an
 * `error` result for itself and the run goes on. Results come back in policy order.
 */
import type { CheckContext, CheckDefinition, CheckInput, CheckLogger, CheckOutcome, CheckResult, Severity } from './check.js';
import { IncompleteCheckError, isTransientFailure, MissingEvidenceError, TransientFailureError } from './errors.js';

/** One check as the policy asks for it, resolved against the registry. */
export interface CheckInvocation {
  /** The policy entry's id (`id`, default `use`): what the result is recorded under. */
  id: string;
  /** The check module the entry names; defaults to `id`. */
  use?: string;
  severity: Severity;
  /** Absent when the policy names a check that is not registered. */
  definition?: CheckDefinition<unknown>;
  /** The merged, validated config (when `configProblems` is empty). */
  config?: unknown;
  configProblems?: string[];
  timeoutMs?: number;
}

export interface EngineOptions {
  /** How many checks run at once (≥ 1). */
  concurrency: number;
  /** Timeout per check unless the invocation sets its own. */
  defaultTimeoutMs: number;
  logger: CheckLogger;
  now(): Date;
}

const VALID_STATUS = new Set(['pass', 'fail', 'warn', 'not_applicable']);

const errorResult = (
  inv: CheckInvocation,
  kind: NonNullable<CheckResult['error']>['kind'],
  message: string,
  durationMs: number,
  partial?: CheckOutcome,
): CheckResult => ({
  id: inv.id,
  use: inv.definition?.id ?? inv.use ?? inv.id,
  version: inv.definition?.version ?? '0.0.0',
  severity: inv.severity,
  status: 'error',
  summary: message,
  metrics: partial?.metrics ?? [],
  findings: partial?.findings ?? [],
  error: { kind, message },
  durationMs,
});

/** The evidence a check declared but the subject lacks; empty when it can run. */
export const missingEvidence = (def: CheckDefinition<unknown>, input: CheckInput): string[] => {
  const present = (name: string) => input.evidence[name] !== undefined;
  const required = def.evidence.filter((e) => e.required === true);
  if (required.length > 0) return required.filter((e) => !present(e.name)).map((e) => e.name);
  if (def.evidence.length > 0 && !def.evidence.some((e) => present(e.name))) {
    return [`one of ${def.evidence.map((e) => e.name).join(', ')}`];
  }
  return [];
};

/** A structurally valid outcome, or the reason it is not. */
const outcomeProblem = (o: unknown): string | null => {
  if (typeof o !== 'object' || o === null) return 'returned no result object';
  const r = o as Partial<CheckOutcome>;
  if (!VALID_STATUS.has(r.status as string)) return `returned an invalid status ${JSON.stringify(r.status)}`;
  if (typeof r.summary !== 'string') return 'returned no summary';
  if (!Array.isArray(r.metrics) || !Array.isArray(r.findings)) return 'returned no metrics/findings arrays';
  return null;
};

class CheckTimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/** The input of one check, built with that check's abort signal so that its evidence reads stop on timeout. */
export type CheckInputFactory = (signal: AbortSignal) => CheckInput;

const runOne = async (inv: CheckInvocation, inputFor: CheckInputFactory, opts: EngineOptions): Promise<CheckResult> => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const def = inv.definition;
  if (!def) return errorResult(inv, 'unknown_check', `unknown check "${inv.use ?? inv.id}"`, 0);
  if (inv.configProblems && inv.configProblems.length > 0) {
    return errorResult(inv, 'invalid_config', `invalid config: ${inv.configProblems.join('; ')}`, 0);
  }
  const controller = new AbortController();
  const input = inputFor(controller.signal);
  const missing = missingEvidence(def, input);
  if (missing.length > 0) return errorResult(inv, 'missing_evidence', `missing evidence: ${missing.join(', ')}`, 0);

  const timeoutMs = inv.timeoutMs ?? opts.defaultTimeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new CheckTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  const ctx: CheckContext = { logger: opts.logger, signal: controller.signal, now: opts.now };
  try {
    // Promise.resolve().then: a check that throws synchronously is isolated like one that rejects.
    const outcome = await Promise.race([Promise.resolve().then(() => def.run(input, inv.config, ctx)), timeout]);
    const problem = outcomeProblem(outcome);
    if (problem) return errorResult(inv, 'exception', `check ${problem}`, elapsed());
    return {
      id: inv.id,
      use: def.id,
      version: def.version,
      severity: inv.severity,
      status: outcome.status,
      summary: outcome.summary,
      metrics: outcome.metrics,
      findings: outcome.findings,
      durationMs: elapsed(),
    };
  } catch (err) {
    if (err instanceof CheckTimeoutError) return errorResult(inv, 'timeout', err.message, elapsed());
    if (err instanceof MissingEvidenceError) return errorResult(inv, 'missing_evidence', err.message, elapsed());
    if (err instanceof IncompleteCheckError) return errorResult(inv, 'exception', err.message, elapsed(), err.outcome);
    // Throttling or a 5xx while reading evidence says nothing about the model: fail the run so the
    // platform retries it, rather than record a needs_review that dedupe would then make permanent.
    if (isTransientFailure(err)) {
      throw new TransientFailureError(`check ${inv.id}: ${(err as Error).message ?? String(err)} (transient; the evaluation will be retried)`, { cause: err });
    }
    const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
    opts.logger.warn('check threw', { check: inv.id, error: message });
    return errorResult(inv, 'exception', message, elapsed());
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new Error('check finished'));
  }
};

/**
 * Runs every invocation. A check's own failure never throws (it becomes that check's `error`); a
 * transient upstream failure does (TransientFailureError), so that the whole run is retried.
 * Results are in invocation order.
 */
export const runChecks = async (invocations: CheckInvocation[], input: CheckInput | CheckInputFactory, opts: EngineOptions): Promise<CheckResult[]> => {
  const inputFor: CheckInputFactory = typeof input === 'function' ? input : () => input;
  const results: CheckResult[] = new Array(invocations.length);
  let next = 0;
  const worker = async () => {
    while (next < invocations.length) {
      const i = next++;
      results[i] = await runOne(invocations[i]!, inputFor, opts);
    }
  };
  const width = Math.max(1, Math.min(opts.concurrency, invocations.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
};

/**
 * What a failed invocation means for Lambda's retries, by the one error-to-outcome table
 * (src/core/outcomes.ts, the `lambda` column). EventBridge invokes asynchronously: a rejected
 * invocation is retried by Lambda (`maximumRetryAttempts`) and then sent to the function's
 * dead-letter queue; a resolved one is done. So:
 *
 * - **terminal** (bad input: `InvalidInputError`, {@link PolicyError}, an
 *   `EvidenceError` not caused by a transient fault, a model package that no longer exists,
 *   a refusal): retrying cannot help. Logged with the reason, counted (`TerminalErrors`), and the
 *   invocation resolves so that Lambda does not retry it.
 * - **not built** (`NotBuiltError`): logged loudly, counted, resolved.
 * - **retry** (a transient fault: throttling, 5xx, a lost connection; and what is neither input nor
 *   transient: missing credentials, a deployment misconfiguration, a bug): rethrown, so Lambda
 *   retries and finally dead-letters the event, where the on-call can redrive it once the cause is
 *   fixed. Resolving those would drop a registration silently.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { EvaluationInProgressError } from './claim-in-progress.js';
import { PolicyError } from '../../src/core/errors.js';
import { classifyFailure as outcomeOf, type LambdaDisposition } from '../../src/core/outcomes.js';

export type FailureClass = LambdaDisposition;

/** The metric counted for every invocation that resolved without acting because of its input. */
export const TERMINAL_ERRORS_METRIC = 'TerminalErrors';

/** Which way an error thrown by an invocation goes: the `lambda` column of the shared table. */
export const classifyFailure = (error: unknown): FailureClass => outcomeOf(error).lambda;

/** What the invocation returns when it stopped on bad input (Lambda discards it; tests and destinations read it). */
export interface RefusedResponse {
  action: 'refused';
  eventId?: string;
  error: string;
  reason: string;
}

const fieldOf = (event: unknown, ...path: string[]): string | undefined => {
  let value: unknown = event;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

const describeError = (error: unknown): { name: string; message: string } =>
  error instanceof Error ? { name: error.name, message: error.message } : { name: typeof error, message: String(error) };

export interface FailurePolicyOptions {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Applies {@link classifyFailure} in middy's `onError`. Use it after the Logger and Metrics
 * middlewares: middy runs `onError` in reverse order, so this one runs first, then the metrics it
 * added are flushed. It never returns a value (which would cut the `onError` chain short); it sets
 * `request.response` to mark a terminal error as handled.
 *
 * @example
 * ```ts
 * middy(fn).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger)).use(logMetrics(metrics))
 *   .use(failurePolicy({ logger, metrics })).use(validateEvent({ validate }));
 * ```
 */
export const failurePolicy = ({ logger, metrics }: FailurePolicyOptions): MiddlewareObj<unknown, unknown> => ({
  name: 'failurePolicy',
  onError: (request) => {
    const error = request.error;
    const kind = classifyFailure(error);
    const { name, message } = describeError(error);
    const eventId = fieldOf(request.event, 'id');
    const context = { eventId, modelPackageArn: fieldOf(request.event, 'detail', 'ModelPackageArn'), error: name, reason: message };
    if (kind === 'retry' && error instanceof EvaluationInProgressError) {
      logger.warn('evaluation of this model version is claimed by an earlier attempt of this event: Lambda retries it, then dead-letters it', context);
      return;
    }
    if (kind === 'retry') {
      const retryable = (error as { retryable?: unknown } | null)?.retryable;
      logger.error('invocation failed: Lambda retries it, then dead-letters the event', {
        ...context,
        ...(typeof retryable === 'boolean' ? { retryable } : {}),
        cause: error,
      });
      return;
    }
    if (kind === 'not_built') {
      logger.error('NOT BUILT: this event needs a part of modelgate that does not exist yet; it is dropped, not retried', context);
    } else {
      logger.error('event refused: bad input is terminal, not retried', {
        ...context,
        ...(error instanceof PolicyError ? { policyFile: error.file, problems: error.problems } : {}),
      });
    }
    metrics.addMetric(TERMINAL_ERRORS_METRIC, MetricUnit.Count, 1);
    const response: RefusedResponse = { action: 'refused', ...(eventId ? { eventId } : {}), error: name, reason: message };
    request.response = response;
  },
});

import type { CheckOutcome } from './check.js';

/**
 * One error class per failure. Bad input is terminal (never retried) and says what, where and what
 * was expected; transient upstream failures are rethrown with `cause` so the platform retries.
 */

/** Bad input from a user or an event: terminal. `where` is a file, a JSON path, an argument. */
export class InvalidInputError extends Error {
  readonly where: string;
  readonly expected?: string;
  constructor(message: string, where: string, expected?: string, options?: { cause?: unknown }) {
    super(`${where}: ${message}${expected ? ` (expected ${expected})` : ''}`, options);
    this.name = 'InvalidInputError';
    this.where = where;
    if (expected !== undefined) this.expected = expected;
  }
}

/** A policy file that does not validate or conflicts with another. */
export class PolicyError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[], options?: { cause?: unknown }) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
    this.name = 'PolicyError';
    this.file = file;
    this.problems = problems;
  }
}

/** Evidence that a check needs is absent. The engine maps it to the check's `error`. */
export class MissingEvidenceError extends Error {
  readonly evidence: string[];
  constructor(evidence: string[], message?: string) {
    super(message ?? `missing evidence: ${evidence.join(', ')}`);
    this.name = 'MissingEvidenceError';
    this.evidence = evidence;
  }
}

/** An artifact that could not be read, was too large, failed its digest or did not parse. */
export class EvidenceError extends Error {
  readonly uri: string;
  constructor(uri: string, message: string, options?: { cause?: unknown }) {
    super(`${uri}: ${message}`, options);
    this.name = 'EvidenceError';
    this.uri = uri;
  }
}

/** A lookup by id that found nothing (a run, a model package). */
export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} not found: ${id}`);
    this.name = 'NotFoundError';
  }
}

/** An action refused for authorization or state reasons (override, promote). */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** A part of the product that is not built yet: said plainly at run time. */
export class NotBuiltError extends Error {
  constructor(what: string) {
    super(`${what} is not built yet`);
    this.name = 'NotBuiltError';
  }
}

/**
 * Thrown by a check that could not evaluate everything the policy asked for (a named metric absent
 * from the evidence, a metric not computable) and found no violation among the rest. The engine
 * records the check as `error` (fail closed) and keeps the metrics and findings it did compute.
 * A check that found a real violation returns `fail` instead: a reject outranks needs_review.
 */
export class IncompleteCheckError extends Error {
  readonly outcome: CheckOutcome;
  constructor(message: string, outcome: CheckOutcome) {
    super(message);
    this.name = 'IncompleteCheckError';
    this.outcome = outcome;
  }
}

/**
 * An upstream failure that may succeed if tried again (throttling, a 5xx, a dropped connection).
 * It is never turned into a decision: the invocation fails and the platform retries it.
 */
export class TransientFailureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientFailureError';
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Whether an error is worth retrying, judged by shape (core imports no SDK): modelgate's own
 * TransientFailureError, an adapter error with `retryable: true`, an AWS SDK v3 error marked
 * `$retryable` or with a server fault, or a well-known throttling/timeout name or code.
 */
export const isTransientFailure = (error: unknown): boolean => {
  if (error instanceof TransientFailureError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retryable?: unknown; $retryable?: unknown; $fault?: unknown; name?: unknown; code?: unknown };
  if (e.retryable === true) return true;
  if (e.retryable === false) return false;
  if (e.$retryable !== undefined || e.$fault === 'server') return true;
  return TRANSIENT_NAMES.has(String(e.name)) || TRANSIENT_NAMES.has(String(e.code));
};

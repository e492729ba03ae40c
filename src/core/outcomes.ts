/**
 * The one table from a failure to what each entry point does with it: the CLI's exit code, the
 * local HTTP API's status, and the Lambda disposition. `modelgate` (src/cli/run-cli.ts), the local
 * API (src/local/http-api.ts) and the Lambda failure policy (handlers/middleware/failure-policy.ts)
 * all call {@link classifyFailure}; none keeps its own list of error classes.
 *
 * The Lambda column says what the invocation does:
 * - `terminal`: bad input that no retry can fix. The invocation resolves (Lambda does not retry),
 *   the reason is logged and counted (`TerminalErrors`).
 * - `not_built`: the event needs a part of modelgate that does not exist yet; resolved, logged.
 * - `retry`: the invocation fails, so Lambda retries it and finally dead-letters the event. Right
 *   for transient faults (throttling, a 5xx, a dropped connection) and also for what is neither
 *   input nor transient (a deployment without credentials, a bug): resolving would drop the
 *   registration silently, whereas the dead-letter queue keeps it for a redrive once it is fixed.
 *
 * Decisions worth stating:
 * - An {@link EvidenceError} is bad input: an artifact that is missing, too large, not JSON or
 *   refused by the allow-list stays that way however often it is read. The CLI always said so
 *   (exit 64); the Lambda used to retry it, which only delayed the same answer and then
 *   dead-lettered a perfectly final event. It is transient (so retried) only when what caused it
 *   is: an S3 read that was throttled or reset.
 * - Transient wins over every class but missing credentials: a throttled lookup that an adapter wrapped in another error
 *   is still worth retrying, and nothing transient is ever turned into a decision.
 * - A {@link PolicyError} met while handling a request is terminal too: the event is fine, but
 *   retrying it cannot fix a policy file; on-call fixes the policy and reruns.
 * - Exit 70 and HTTP 500 are for `unexpected` only, which is always a bug to report.
 */
import { EvidenceError, InvalidInputError, isTransientFailure, NotBuiltError, NotFoundError, PolicyError, RefusedError } from './errors.js';

/** What a Lambda invocation does with a failure (see the module's TSDoc). */
export type LambdaDisposition = 'terminal' | 'not_built' | 'retry';

/** One row of the table. */
export interface Outcome {
  /** The row's name, stable: logs and docs use it. */
  kind: OutcomeKind;
  /** `modelgate`'s exit code (docs/cli.md). */
  exitCode: number;
  /** The local API's HTTP status. */
  httpStatus: number;
  lambda: LambdaDisposition;
  /** One line for docs and logs. */
  meaning: string;
}

/**
 * The table, in the order {@link classifyFailure} tries the rows. Exit codes are sysexits where the
 * CLI contract leaves them open: 64 EX_USAGE, 69 EX_UNAVAILABLE, 70 EX_SOFTWARE, 75 EX_TEMPFAIL,
 * 77 EX_NOPERM.
 */
export const OUTCOMES = {
  no_credentials: { exitCode: 64, httpStatus: 503, lambda: 'retry', meaning: 'no AWS credentials where the deployed settings need them: configure them' },
  transient: {
    exitCode: 75,
    httpStatus: 503,
    lambda: 'retry',
    meaning: 'a temporary upstream failure (throttling, a 5xx, a dropped connection): nothing was recorded, try again',
  },
  usage: { exitCode: 64, httpStatus: 400, lambda: 'terminal', meaning: 'bad usage: an unknown command or option, a missing argument' },
  invalid_input: { exitCode: 64, httpStatus: 400, lambda: 'terminal', meaning: 'bad input: names what, where and what was expected' },
  policy: {
    exitCode: 64,
    httpStatus: 422,
    lambda: 'terminal',
    meaning: 'a policy that does not validate or conflicts with another: names the file and the problems',
  },
  evidence: {
    exitCode: 64,
    httpStatus: 422,
    lambda: 'terminal',
    meaning: 'evidence that cannot be read, is too large, is not allowed or does not parse: names the URI',
  },
  not_found: { exitCode: 64, httpStatus: 404, lambda: 'terminal', meaning: 'a run, model package or promotion that does not exist' },
  refused: {
    exitCode: 77,
    httpStatus: 403,
    lambda: 'terminal',
    meaning: 'refused: an override by a non-approver or the registrant, a promotion without a valid approval',
  },
  not_built: { exitCode: 69, httpStatus: 501, lambda: 'not_built', meaning: 'a part of modelgate that is not built yet, said plainly' },
  unexpected: { exitCode: 70, httpStatus: 500, lambda: 'retry', meaning: 'an unexpected internal error: a bug, report it' },
} as const satisfies Record<string, Omit<Outcome, 'kind'>>;

export type OutcomeKind = keyof typeof OUTCOMES;

/** The errors (and their causes, a few levels down) of a failure, outermost first. */
const causeChain = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) chain.push(e);
  return chain;
};

const nameOf = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined);

/**
 * Which row of {@link OUTCOMES} a failure falls in. Judged by class, by the cause chain (an
 * EvidenceError whose cause is a throttled read is transient) and, for errors core cannot import,
 * by name: the CLI's `UsageError` and the SDK's `CredentialsProviderError`.
 *
 * @example
 * ```ts
 * const outcome = classifyFailure(err);
 * process.exitCode = outcome.exitCode; // 64 for an InvalidInputError
 * if (outcome.lambda === 'retry') throw err;
 * ```
 */
export const classifyFailure = (error: unknown): Outcome => {
  const row = (kind: OutcomeKind): Outcome => ({ kind, ...OUTCOMES[kind] });
  const chain = causeChain(error);
  // Before transient: an SDK may mark a missing-credentials failure retryable, but no retry fixes it.
  if (chain.some((e) => nameOf(e) === 'CredentialsProviderError')) return row('no_credentials');
  if (isTransientFailure(error) || (error instanceof EvidenceError && chain.slice(1).some(isTransientFailure))) return row('transient');
  if (nameOf(error) === 'UsageError') return row('usage');
  if (error instanceof InvalidInputError) return row('invalid_input');
  if (error instanceof PolicyError) return row('policy');
  if (error instanceof EvidenceError) return row('evidence');
  if (error instanceof NotFoundError) return row('not_found');
  if (error instanceof RefusedError) return row('refused');
  if (error instanceof NotBuiltError) return row('not_built');
  return row('unexpected');
};

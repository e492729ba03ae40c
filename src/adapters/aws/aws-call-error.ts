/**
 * How the AWS adapters report an SDK call that failed. The SDK has already retried what its retry
 * strategy retries by the time an error reaches us; what is left is either transient (throttling,
 * 5xx, a dropped connection — the invocation fails so that Lambda or EventBridge retries it) or
 * terminal (access denied, validation — retrying cannot help, a person must look).
 */

/** The shape of a Smithy service exception, read defensively (any thrown value may arrive here). */
interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'TransactionInProgressException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);

const TRANSIENT_CODES = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

const asRecord = (err: unknown): SdkErrorLike => (typeof err === 'object' && err !== null ? (err as SdkErrorLike) : {});

/** The service's error code (`ThrottlingException`, `ValidationException`, ...) or a Node error code. */
export const awsErrorCode = (err: unknown): string => {
  const e = asRecord(err);
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string') return e.code;
  return 'UnknownError';
};

/** The error's message, whatever was thrown. */
export const awsErrorMessage = (err: unknown): string => {
  const e = asRecord(err);
  return typeof e.message === 'string' && e.message.length > 0 ? e.message : String(err);
};

/** The HTTP status of the failed response, when there was one. */
export const awsHttpStatus = (err: unknown): number | undefined => {
  const status = asRecord(err).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
};

/** Whether retrying the same call later can succeed: throttling, 5xx, timeouts, dropped connections. */
export const isTransientAwsError = (err: unknown): boolean => {
  const e = asRecord(err);
  const code = awsErrorCode(err);
  const status = awsHttpStatus(err);
  return (
    Boolean(e.$retryable) ||
    e.$fault === 'server' ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    THROTTLING_CODES.has(code) ||
    TRANSIENT_CODES.has(code) ||
    (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code))
  );
};

/**
 * An AWS call that failed. `retryable` says whether the invocation should fail and be retried by
 * the platform (true) or whether a person must act (false). The SDK error is the `cause`.
 *
 * @example
 * ```ts
 * try { await client.send(cmd); }
 * catch (err) { throw new AwsCallError('SageMaker', 'UpdateModelPackage', arn, err); }
 * ```
 */
export class AwsCallError extends Error {
  readonly service: string;
  readonly operation: string;
  /** What the call was about: an ARN, a bus name, a group. */
  readonly resource: string;
  /** The service's error code, e.g. `ThrottlingException`. */
  readonly code: string;
  readonly httpStatus?: number;
  readonly retryable: boolean;

  constructor(service: string, operation: string, resource: string, cause: unknown) {
    const code = awsErrorCode(cause);
    const retryable = isTransientAwsError(cause);
    const status = awsHttpStatus(cause);
    super(
      `${service} ${operation} on ${resource} failed: ${code}${status !== undefined ? ` (HTTP ${status})` : ''}: ` +
        `${awsErrorMessage(cause)} — ${retryable ? 'transient, retry later' : 'not retryable, check permissions and input'}`,
      { cause },
    );
    this.name = 'AwsCallError';
    this.service = service;
    this.operation = operation;
    this.resource = resource;
    this.code = code;
    if (status !== undefined) this.httpStatus = status;
    this.retryable = retryable;
  }
}

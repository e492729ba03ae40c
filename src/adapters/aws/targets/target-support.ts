/**
 * What every AWS target kind shares: schema problems as messages, progress values,
 * and one rule for failures — a transient AWS failure is thrown (the state machine retries the
 * step, which finds what it made), a terminal one becomes a `failed` progress that names the call,
 * the resource and the reason, and a refusal (RefusedError) is thrown as it is.
 */
import type { ValidateFunction } from 'ajv';
import { problemsOf } from '../../../core/schema.js';
import type { PromotionTarget } from '../../../core/policy/types.js';
import type { TargetContext, TargetProgress } from '../../../core/promotion/types.js';
import { AwsCallError, awsErrorCode, awsErrorMessage } from '../aws-call-error.js';

// The option schemas and their patterns live in core (src/core/promotion/target-options.ts).
export { ROLE_ARN_PATTERN, SAGEMAKER_NAME_PATTERN } from '../../../core/promotion/target-options.js';

/** Schema problems of `target` as `<kind> target at <path>: <problem>` lines. */
export const schemaProblems = (validate: ValidateFunction, target: PromotionTarget, kind: string): string[] => problemsOf(validate, target, `${kind} target`);

/** The account of an ARN (`arn:partition:service:region:account:...`), or undefined. */
export const arnAccount = (arn: string): string | undefined => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];

export const inProgress = (message: string, resources: Record<string, string>, previous?: Record<string, string>): TargetProgress => ({
  state: 'in_progress',
  message,
  resources,
  ...(previous ? { previous } : {}),
});

export const succeeded = (message: string, resources: Record<string, string>, previous?: Record<string, string>): TargetProgress => ({
  state: 'succeeded',
  message,
  resources,
  ...(previous ? { previous } : {}),
});

export const failed = (message: string, resources: Record<string, string>, previous?: Record<string, string>): TargetProgress => ({
  state: 'failed',
  message,
  resources,
  ...(previous ? { previous } : {}),
});

/** What a dry run reports: the plan, and plainly that nothing was created. */
export const dryRun = (kind: string, plan: string[]): TargetProgress =>
  succeeded(`dry run: ${kind} created nothing; it would: ${plan.join('; ')}`, { dryRun: 'true' });

/** `failed` for options that do not validate (start runs nothing then). */
export const invalidOptions = (kind: string, problems: string[]): TargetProgress =>
  failed(`${kind} target options are invalid, nothing was created: ${problems.join('; ')}`, {});

/**
 * A step's failure as progress: terminal AWS failures become `failed` naming what was being done;
 * transient ones and anything else (RefusedError, bugs) are rethrown for the caller to retry or report.
 */
export const failedOrThrow = (err: unknown, doing: string, resources: Record<string, string>, previous?: Record<string, string>): TargetProgress => {
  if (err instanceof AwsCallError && !err.retryable) return failed(`${doing}: ${err.message}`, resources, previous);
  throw err;
};

/** One SDK call; a failure becomes AwsCallError naming service, operation and resource. */
export const call = async <T>(service: string, operation: string, resource: string, send: () => Promise<T>): Promise<T> => {
  try {
    return await send();
  } catch (err) {
    throw new AwsCallError(service, operation, resource, err);
  }
};

/** A response field the API reference marks required; its absence is a terminal AwsCallError. */
export const present = <T>(value: T | undefined, service: string, operation: string, resource: string, field: string): T => {
  if (value === undefined || value === null || value === '') {
    throw new AwsCallError(service, operation, resource, new Error(`the response carried no ${field}`));
  }
  return value;
};

/** SageMaker says "does not exist" with ValidationException; Bedrock and RAM with ResourceNotFound/UnknownResource. */
export const isNotFound = (err: unknown): boolean => {
  const code = awsErrorCode(err);
  if (['ResourceNotFound', 'ResourceNotFoundException', 'UnknownResourceException'].includes(code)) return true;
  return code === 'ValidationException' && /could not find|does not exist|not found|cannot be found/i.test(awsErrorMessage(err));
};

/** "Cannot create already existing ..." (SageMaker ValidationException), ConflictException, ResourceInUse. */
export const isAlreadyExists = (err: unknown): boolean => {
  const code = awsErrorCode(err);
  if (code === 'ConflictException' || code === 'ResourceInUse' || code === 'ResourceInUseException') return true;
  return code === 'ValidationException' && /already exist/i.test(awsErrorMessage(err));
};

/** A Describe/Get call: `undefined` when the resource does not exist, AwsCallError for any other failure. */
export const describeOrUndefined = async <T>(service: string, operation: string, resource: string, send: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await send();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new AwsCallError(service, operation, resource, err);
  }
};

/** A Create call that a concurrent or earlier attempt may have made already: `'exists'` then. */
export const createOrExists = async <T>(service: string, operation: string, resource: string, send: () => Promise<T>): Promise<T | 'exists'> => {
  try {
    return await send();
  } catch (err) {
    if (isAlreadyExists(err)) return 'exists';
    throw new AwsCallError(service, operation, resource, err);
  }
};

/** A tag value within the charset SageMaker and Bedrock share (letters, digits, spaces, `_.:/=+-@`), ≤ 256. */
export const tagValue = (value: string): string => value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256);

/** Tags modelgate puts on what it creates, so that a person in the hosting account can trace it back. */
export const provenanceTags = (ctx: TargetContext): Array<{ Key: string; Value: string }> => [
  { Key: 'modelgate:run-id', Value: tagValue(ctx.runId) },
  { Key: 'modelgate:promotion-id', Value: tagValue(ctx.promotionId) },
  { Key: 'modelgate:stage', Value: tagValue(ctx.stage) },
];

/** Whether the subject is a SageMaker model package (the SageMaker targets need one). */
export const needsModelPackage = (kind: string, ctx: TargetContext): string | undefined =>
  ctx.subject.kind === 'sagemaker-model-package' ? undefined : `${kind} promotes SageMaker model packages; ${ctx.subject.arn} is a ${ctx.subject.kind}`;

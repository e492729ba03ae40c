/**
 * Intake: turns one registry event delivered by EventBridge into what the gate should do about it
 * — evaluate a subject, promote it, or ignore the event (with why). Pure: no I/O, no clock.
 *
 * The subject is always built from the ARN carried by the event, never from a "latest version"
 * lookup: a public reference sample approved the oldest version of a group that way.
 * Idempotency is not decided here; the caller claims `dedupeKey(subject.arn, policyDigest)` in the
 * ledger (src/core/run-id.ts), because SageMaker may emit several events per change and
 * EventBridge delivers at least once.
 */
import type { ValidateFunction } from 'ajv';
import { validateBedrockJobEvent, validateSageMakerPackageEvent } from '../generated/validators.js';
import { InvalidInputError } from './errors.js';
import { problemsOf } from './schema.js';
import { parseModelPackageArn, type Subject } from './subject.js';

export type IntakeResult =
  | { action: 'evaluate'; subject: Subject; eventId: string }
  | { action: 'promote'; subject: Subject; eventId: string }
  | { action: 'ignore'; eventId?: string; reason: string };

/** The event types modelgate consumes, as `source` + `detail-type`. */
export const SUPPORTED_EVENTS = [
  { source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' },
  { source: 'aws.bedrock', detailType: 'Model Customization Job State Change' },
] as const;

interface Envelope<D> {
  id: string;
  account: string;
  region: string;
  resources: string[];
  detail: D;
}

interface SageMakerPackageDetail {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageStatus: 'Pending' | 'InProgress' | 'Completed' | 'Failed' | 'Deleting';
  ModelApprovalStatus: 'PendingManualApproval' | 'Approved' | 'Rejected';
}

interface BedrockJobDetail {
  jobName: string;
  jobArn: string;
  jobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  outputModelName?: string;
  outputModelArn?: string;
}

// Compiled at build time (scripts/compile-validators.mjs): intake runs on every event, and
// compiling at module load was most of a Lambda's cold start.
const validateSageMaker = validateSageMakerPackageEvent as unknown as ValidateFunction;
const validateBedrock = validateBedrockJobEvent as unknown as ValidateFunction;

/**
 * Normalises a registry event into an intake decision.
 *
 * - SageMaker `Model Package State Change`: `Completed` + `PendingManualApproval` → evaluate,
 *   `Completed` + `Approved` → promote; `Rejected`, and any package status other than `Completed`,
 *   → ignore. `Pending`/`InProgress` are ignored because SageMaker emits another event once the
 *   package is `Completed`; evaluating earlier could read evidence that is not there yet.
 * - Bedrock `Model Customization Job State Change`: `Completed` → evaluate the output custom model
 *   (group = `outputModelName`, version = the id at the end of `outputModelArn`); every other
 *   status → ignore.
 *
 * @throws InvalidInputError when the event is not an object, is of an unsupported type, does not
 *   validate (the message names the JSON path and what was expected), or names two different ARNs.
 * @example
 * ```ts
 * const intake = parseRegistryEvent(event);
 * if (intake.action === 'evaluate') await evaluateSubject(intake.subject, { eventId: intake.eventId });
 * ```
 */
export const parseRegistryEvent = (event: unknown): IntakeResult => {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidInputError(`is ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`, 'event', 'an EventBridge event object');
  }
  const e = event as Record<string, unknown>;
  const source = e['source'];
  const detailType = e['detail-type'];
  if (source === 'aws.sagemaker' && detailType === SUPPORTED_EVENTS[0].detailType) {
    return fromSageMaker(validated<SageMakerPackageDetail>(validateSageMaker, e));
  }
  if (source === 'aws.bedrock' && detailType === SUPPORTED_EVENTS[1].detailType) {
    return fromBedrock(validated<BedrockJobDetail>(validateBedrock, e));
  }
  throw new InvalidInputError(
    `unsupported event: source ${JSON.stringify(source)}, detail-type ${JSON.stringify(detailType)}`,
    'event',
    `one of ${SUPPORTED_EVENTS.map((s) => `${s.source} "${s.detailType}"`).join(', ')}`,
  );
};

const validated = <D>(validate: ValidateFunction, event: Record<string, unknown>): Envelope<D> => {
  const problems = problemsOf(validate, event, 'event');
  const first = problems[0];
  if (first === undefined) return event as unknown as Envelope<D>;
  // "event at /detail/X: must be integer" → where "event at /detail/X", message "must be integer".
  const cut = first.indexOf(': ');
  const more = problems.length > 1 ? `; also ${problems.slice(1).join('; ')}` : '';
  throw new InvalidInputError(`${first.slice(cut + 2)}${more}`, first.slice(0, cut));
};

/** The first resource must be the ARN the detail names: two ARNs in one event is not an event to act on. */
const requireSameArn = (resources: string[], arn: string, detailPath: string): void => {
  if (resources[0] !== arn) {
    throw new InvalidInputError(
      `names ${JSON.stringify(resources[0])} but ${detailPath} is ${JSON.stringify(arn)}`,
      'event at /resources/0',
      `the same ARN as ${detailPath}`,
    );
  }
};

/** The ARN's account and region must be the envelope's: events keep their origin when forwarded. */
const requireSameOrigin = (env: Envelope<unknown>, arnParts: { account: string; region: string }, detailPath: string): void => {
  if (arnParts.account !== env.account || arnParts.region !== env.region) {
    throw new InvalidInputError(
      `names account ${arnParts.account} in ${arnParts.region}, the event came from account ${env.account} in ${env.region}`,
      `event at ${detailPath}`,
      'an ARN in the account and region of the event',
    );
  }
};

const fromSageMaker = (env: Envelope<SageMakerPackageDetail>): IntakeResult => {
  const d = env.detail;
  const arn = d.ModelPackageArn;
  requireSameArn(env.resources, arn, '/detail/ModelPackageArn');
  const parsed = parseModelPackageArn(arn);
  if (!parsed) {
    throw new InvalidInputError(`${JSON.stringify(arn)} is not a versioned model package ARN`, 'event at /detail/ModelPackageArn');
  }
  if (parsed.group !== d.ModelPackageGroupName || parsed.version !== String(d.ModelPackageVersion)) {
    throw new InvalidInputError(
      `names ${parsed.group}/${parsed.version} but the detail says ${d.ModelPackageGroupName}/${d.ModelPackageVersion}`,
      'event at /detail/ModelPackageArn',
      'the ARN of ModelPackageGroupName/ModelPackageVersion',
    );
  }
  requireSameOrigin(env, parsed, '/detail/ModelPackageArn');

  const label = `${parsed.group}/${parsed.version}`;
  switch (d.ModelPackageStatus) {
    case 'Pending':
    case 'InProgress':
      return ignore(env, `${label} is still ${d.ModelPackageStatus}; SageMaker emits another event when it is Completed`);
    case 'Failed':
      return ignore(env, `${label} failed to register (ModelPackageStatus Failed)`);
    case 'Deleting':
      return ignore(env, `${label} is being deleted`);
    case 'Completed':
      break;
  }
  const subject: Subject = {
    kind: 'sagemaker-model-package',
    arn,
    group: parsed.group,
    version: parsed.version,
    account: parsed.account,
    region: parsed.region,
  };
  switch (d.ModelApprovalStatus) {
    case 'PendingManualApproval':
      return { action: 'evaluate', subject, eventId: env.id };
    case 'Approved':
      return { action: 'promote', subject, eventId: env.id };
    case 'Rejected':
      return ignore(env, `${label} is Rejected: nothing to evaluate or promote`);
  }
};

const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):(\d{12}):(.+)$/;

const fromBedrock = (env: Envelope<BedrockJobDetail>): IntakeResult => {
  const d = env.detail;
  requireSameArn(env.resources, d.jobArn, '/detail/jobArn');
  const job = BEDROCK_ARN.exec(d.jobArn);
  if (job) requireSameOrigin(env, { region: job[1]!, account: job[2]! }, '/detail/jobArn');
  if (d.jobStatus !== 'Completed') {
    return ignore(env, `Bedrock customization job ${d.jobName} is ${d.jobStatus}: only a Completed job yields a model to evaluate`);
  }
  if (d.outputModelArn === undefined || d.outputModelName === undefined) {
    throw new InvalidInputError(
      `missing required key "${d.outputModelArn === undefined ? 'outputModelArn' : 'outputModelName'}"`,
      'event at /detail',
      'a Completed job to name its output model',
    );
  }
  const model = BEDROCK_ARN.exec(d.outputModelArn);
  if (!model) {
    throw new InvalidInputError(`${JSON.stringify(d.outputModelArn)} is not a Bedrock ARN`, 'event at /detail/outputModelArn');
  }
  requireSameOrigin(env, { region: model[1]!, account: model[2]! }, '/detail/outputModelArn');
  // The id Bedrock assigned to the custom model (`custom-model/<base>/<id>` → `<id>`): immutable and
  // unique, unlike the job, which can be deleted while the model it produced lives on.
  const version = model[3]!.split('/').pop()!;
  if (version === '') {
    throw new InvalidInputError(`${JSON.stringify(d.outputModelArn)} ends without a model id`, 'event at /detail/outputModelArn');
  }
  return {
    action: 'evaluate',
    subject: {
      kind: 'bedrock-custom-model',
      arn: d.outputModelArn,
      group: d.outputModelName,
      version,
      account: model[2]!,
      region: model[1]!,
    },
    eventId: env.id,
  };
};

const ignore = (env: Envelope<unknown>, reason: string): IntakeResult => ({ action: 'ignore', eventId: env.id, reason });

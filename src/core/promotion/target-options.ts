/**
 * The options of each promotion target kind, as plain JSON Schema. They live in core so that policy
 * validation (src/core/policy/parse.ts — one path for the CLI, the local stack and the Lambdas) can
 * refuse a misspelt option such as `modelDataS3Uri` on `bedrock-import` when the policy is loaded,
 * instead of the doctor printing a placeholder and a deployment failing later. The target adapters
 * (src/adapters/aws/targets) validate with these same schemas.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatSchemaErrors, lazyValidator } from '../schema.js';
import type { PromotionTarget } from '../policy/types.js';

type JsonSchema = Record<string, unknown>;

/** Every target kind of policy.schema.json. */
export const TARGET_KINDS = ['sagemaker-endpoint', 'sagemaker-registry', 'eventbridge-forward', 'bedrock-copy', 'bedrock-import'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** IAM role ARN (the same pattern as `roleArn` in policy.schema.json). */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$';
/** A SageMaker resource name. */
export const SAGEMAKER_NAME_PATTERN = '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$';
/** Bedrock model, job and provisioned-throughput names. */
export const BEDROCK_NAME_MAX = 63;
/** A Bedrock custom model ARN: region and account are captured. */
export const CUSTOM_MODEL_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):(\d{12}):custom-model\/.+$/;

const EXTERNAL_ID = { type: 'string', minLength: 2, maxLength: 1224, pattern: '^[A-Za-z0-9+=,.@:/_-]+$' };

/** The keys every target has (policy.schema.json `promotionTarget`). */
const COMMON: Record<string, JsonSchema> = {
  account: { type: 'string', pattern: '^[0-9]{12}$' },
  region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' },
  roleArn: { type: 'string', pattern: ROLE_ARN_PATTERN },
  externalId: EXTERNAL_ID,
};

/** One kind's own options and which of them are required (docs/promotion-targets.md). */
export interface TargetOptionsSpec {
  options: Record<string, JsonSchema>;
  required: string[];
}

export const TARGET_OPTIONS: Record<TargetKind, TargetOptionsSpec> = {
  'sagemaker-endpoint': {
    options: {
      endpointName: { type: 'string', pattern: SAGEMAKER_NAME_PATTERN },
      instanceType: { type: 'string', pattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$' },
      instanceCount: { type: 'integer', minimum: 1 },
      executionRoleArn: { type: 'string', pattern: ROLE_ARN_PATTERN },
      variantName: { type: 'string', pattern: SAGEMAKER_NAME_PATTERN },
    },
    required: ['endpointName', 'instanceType', 'executionRoleArn'],
  },
  'sagemaker-registry': {
    options: {
      modelPackageGroupName: { type: 'string', pattern: SAGEMAKER_NAME_PATTERN },
      modelPackageGroupDescription: { type: 'string', maxLength: 1024 },
    },
    required: [],
  },
  'eventbridge-forward': {
    options: {
      eventBusArn: { type: 'string', pattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]{1,256}$' },
      eventBusName: { type: 'string', pattern: '^[A-Za-z0-9._/-]{1,256}$' },
      source: { type: 'string', minLength: 1, maxLength: 256, pattern: '^(?!aws\\.).+$' },
    },
    required: [],
  },
  'bedrock-copy': {
    options: {
      sourceModelArn: { type: 'string', pattern: CUSTOM_MODEL_ARN.source },
      targetModelName: { type: 'string', maxLength: BEDROCK_NAME_MAX, pattern: '^([0-9a-zA-Z][_-]?)+$' },
      sourceAccountRoleArn: { type: 'string', pattern: ROLE_ARN_PATTERN },
      sourceExternalId: EXTERNAL_ID,
      modelKmsKeyId: { type: 'string', minLength: 1, maxLength: 2048 },
      provisionedThroughput: {
        type: 'object',
        additionalProperties: false,
        required: ['modelUnits'],
        properties: {
          modelUnits: { type: 'integer', minimum: 1 },
          commitmentDuration: { type: 'string', enum: ['OneMonth', 'SixMonths'] },
        },
      },
      provisionedModelName: { type: 'string', maxLength: BEDROCK_NAME_MAX, pattern: '^([0-9a-zA-Z][ _-]?)+$' },
    },
    required: ['sourceAccountRoleArn', 'sourceExternalId'],
  },
  'bedrock-import': {
    options: {
      importRoleArn: { type: 'string', pattern: ROLE_ARN_PATTERN },
      s3Uri: { type: 'string', pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$', maxLength: 1024 },
      importedModelName: { type: 'string', maxLength: BEDROCK_NAME_MAX, pattern: '^([0-9a-zA-Z][_-]?)+$' },
      importedModelKmsKeyId: { type: 'string', minLength: 1, maxLength: 2048 },
    },
    required: ['importRoleArn', 's3Uri'],
  },
};

const isKind = (kind: unknown): kind is TargetKind => typeof kind === 'string' && (TARGET_KINDS as readonly string[]).includes(kind);

/** The whole JSON Schema of one kind's target: the common keys plus its options, nothing else. */
export const targetSchemaOf = (kind: TargetKind): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'account', 'region', 'roleArn', 'externalId', ...TARGET_OPTIONS[kind].required],
  properties: { kind: { type: 'string', const: kind }, ...COMMON, ...TARGET_OPTIONS[kind].options },
});

// Compiled on first use: the evaluate Lambda loads this module and may never meet a target.
const validators = Object.fromEntries(TARGET_KINDS.map((k) => [k, lazyValidator(targetSchemaOf(k))])) as Record<TargetKind, ValidateFunction>;

/** The validator of one kind's whole target (for the target adapters). */
export const targetValidatorOf = (kind: TargetKind): ValidateFunction => validators[kind];

/** Edit distance (insert, delete, substitute), for "did you mean". */
const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
};

/**
 * The valid key closest to `key`, or undefined when none is close: one containing the other
 * (case-insensitive: `modelDataS3Uri` → `s3Uri`) wins, else the smallest edit distance within
 * half the longer name.
 */
export const closestKey = (key: string, valid: readonly string[]): string | undefined => {
  const k = key.toLowerCase();
  const scored = valid.map((v) => {
    const l = v.toLowerCase();
    const contained = l.length >= 3 && (k.includes(l) || l.includes(k));
    return { v, score: contained ? -1 / l.length : distance(k, l) / Math.max(k.length, l.length) };
  });
  scored.sort((a, b) => a.score - b.score);
  const best = scored[0];
  return best && best.score <= 0.5 ? best.v : undefined;
};

/**
 * Every problem with one target's options, against its kind's schema: unknown keys (with the closest
 * valid key) and wrong values. Options left out are for preflight and the doctor (see below). Lines read `<where> at <path>/<key>: ...`.
 * A target whose kind is unknown is left to policy.schema.json, which names the kinds.
 *
 * @param path - the target's JSON path in the policy, e.g. `/promotion/stages/0/targets/1`
 * @example
 * ```ts
 * targetOptionProblems({ kind: 'bedrock-import', modelDataS3Uri: 's3://b/k', ... }, 'p.yaml', '/promotion/stages/0/targets/0');
 * // ['p.yaml at /promotion/stages/0/targets/0/modelDataS3Uri: unknown option "modelDataS3Uri" for kind bedrock-import (did you mean "s3Uri"? ...)', ...]
 * ```
 */
export const targetOptionProblems = (target: PromotionTarget, where: string, path: string): string[] => {
  if (!isKind(target.kind)) return [];
  const kind = target.kind;
  const schema = targetSchemaOf(kind);
  const valid = Object.keys(schema['properties'] as JsonSchema);
  const problems: string[] = [];
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (valid.includes(key)) {
      known[key] = value;
      continue;
    }
    const near = closestKey(key, valid);
    problems.push(
      `${where} at ${path}/${key}: unknown option "${key}" for kind ${kind}${near ? ` (did you mean "${near}"?)` : ''} (expected one of: ${valid.join(', ')})`,
    );
  }
  const validate = validators[kind];
  if (!validate(known)) {
    // A required option left out is refused too: a reviewed policy names every resource it
    // promotes into, so the doctor prints real statements for it, never a placeholder.
    const errors = (validate.errors ?? []).map((e): ErrorObject => ({ ...e, instancePath: `${path}${e.instancePath}` }));
    problems.push(...formatSchemaErrors(errors, where).map((line) => `${line} (${kind} target)`));
  }
  return problems;
};

/**
 * The model package as modelgate sees it: the subset of SageMaker's DescribeModelPackage response
 * that the gate reads, in the API's own field names so that a saved `aws sagemaker
 * describe-model-package` output is a valid input. Unknown fields are kept and ignored.
 */
import type { ValidateFunction } from 'ajv';
import { validateModelPackageDocument } from '../generated/validators.js';
import { InvalidInputError } from './errors.js';
import { formatSchemaErrors } from './schema.js';

// schemas/model-package.schema.json, compiled at build time (scripts/compile-validators.mjs).
const validateShape = validateModelPackageDocument as unknown as ValidateFunction;

/** What a model package file is expected to be, for messages. */
export const MODEL_PACKAGE_EXPECTED = 'a DescribeModelPackage response (aws sagemaker describe-model-package output)';

/** A report location in `ModelMetrics` (`MetricsSource` in the SageMaker API). */
export interface MetricsSource {
  ContentType: string;
  S3Uri: string;
  /** `sha256:<64 hex>` when the registrant recorded one; verified on read. */
  ContentDigest?: string;
}

export interface ModelMetrics {
  ModelQuality?: { Statistics?: MetricsSource; Constraints?: MetricsSource };
  ModelDataQuality?: { Statistics?: MetricsSource; Constraints?: MetricsSource };
  Bias?: { Report?: MetricsSource; PreTrainingReport?: MetricsSource; PostTrainingReport?: MetricsSource };
  Explainability?: { Report?: MetricsSource };
}

export type ApprovalStatus = 'PendingManualApproval' | 'Approved' | 'Rejected';

/** `CreatedBy` / `LastModifiedBy` of DescribeModelPackage. */
export interface UserContext {
  UserProfileArn?: string;
  UserProfileName?: string;
  DomainId?: string;
  IamIdentity?: { Arn?: string; PrincipalId?: string; SourceIdentity?: string };
}

export interface ModelPackage {
  ModelPackageArn: string;
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelApprovalStatus?: ApprovalStatus;
  ModelPackageStatus?: string;
  ApprovalDescription?: string;
  CreationTime?: string;
  LastModifiedTime?: string;
  CreatedBy?: UserContext;
  LastModifiedBy?: UserContext;
  ModelMetrics?: ModelMetrics;
  CustomerMetadataProperties?: Record<string, string>;
  Tags?: Array<{ Key: string; Value: string }>;
  InferenceSpecification?: unknown;
  [extra: string]: unknown;
}

/** Identities that registered the model (never allowed to override its run). */
export const registrantIdentities = (pkg: ModelPackage): string[] =>
  [pkg.CreatedBy?.IamIdentity?.Arn, pkg.CreatedBy?.UserProfileArn, pkg.CreatedBy?.UserProfileName].filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );

/**
 * Checks the shape of the fields the gate reads (schemas/model-package.schema.json): a model
 * package from a file (the CLI's `--model-package`, the local registry) is untrusted input.
 *
 * @param value - parsed JSON
 * @param where - the file, for messages
 * @throws InvalidInputError naming the file and every field of the wrong shape (JSON path)
 */
export const validateModelPackage = (value: unknown, where: string): ModelPackage => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('is not a JSON object', where, MODEL_PACKAGE_EXPECTED);
  }
  if (!validateShape(value)) {
    // `<where> at /Tags: must be array` → `at /Tags: must be array`; a root problem needs no path.
    const problems = formatSchemaErrors(validateShape.errors, '').map((line) => line.trimStart().replace(/^at \/: /, ''));
    throw new InvalidInputError(problems.join('; '), where, MODEL_PACKAGE_EXPECTED);
  }
  return value as ModelPackage;
};

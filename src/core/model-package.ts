/**
 * The model package as modelgate sees it: the subset of SageMaker's DescribeModelPackage response
 * that the gate reads, in the API's own field names so that a saved `aws sagemaker
 * describe-model-package` output is a valid input. Unknown fields are kept and ignored.
 */

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
  [pkg.CreatedBy?.IamIdentity?.Arn, pkg.CreatedBy?.UserProfileArn, pkg.CreatedBy?.UserProfileName]
    .filter((x): x is string => typeof x === 'string' && x.length > 0);

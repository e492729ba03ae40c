/**
 * The vocabulary the cross-account doctor writes in: IAM policy documents, the documents it
 * prints, placeholders for what a policy does not say, and the target options it reads.
 * Pure: no AWS SDK, no I/O.
 */
import type { PromotionTarget } from '../policy/types.js';

/** One IAM policy statement. Sids are alphanumeric: IAM refuses anything else in identity policies. */
export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document (identity, trust or resource policy). */
export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export type AccessDocumentKind =
  'trust-policy' | 'identity-policy' | 'resource-policy' | 'bucket-policy' | 'key-policy' | 'bus-policy' | 'repository-policy' | 'note';

/** One thing an account owner must put in place for a promotion target to work. */
export interface AccessDocument {
  /** The target it serves (`staging[0] sagemaker-endpoint`), or `modelgate` for modelgate's own role. */
  target: string;
  /** The account the document goes into (12 digits, or a placeholder such as `<registry-account>`). */
  account: string;
  kind: AccessDocumentKind;
  title: string;
  /** Where to put it: which role, bucket, key, bus or API call. */
  where: string;
  /** An IAM policy document, a request body (a RAM share) or, for notes, plain text. */
  document: IamPolicy | Record<string, unknown> | string;
  /** Each placeholder left in `document` or `where`, with what it stands for and how to fill it in. */
  unknown: string[];
}

/** What each placeholder stands for, and which target option or doctor flag fills it in. */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<modelgate-role-arn>': "modelgate's Lambda execution role in its own account (pass --modelgate-role <arn>)",
  '<modelgate-account>': 'the account modelgate runs in (pass --modelgate-role <arn>)',
  '<registry-account>': 'the registry/research account that owns the model package group or the weights (pass --registry-account <id>)',
  '<model-package-group>':
    'the model package group name (the policy matches groups by glob or by tag; a group policy names exactly one group, so write one per group)',
  '<endpoint-name>': 'the SageMaker endpoint to create or update (set `endpointName` on the target)',
  '<artifact-bucket>': 'the S3 bucket in the registry account that holds the model artifacts (pass --artifacts s3://<bucket>/<prefix>/)',
  '<artifact-kms-key-arn>':
    'the customer-managed KMS key encrypting the artifacts (pass --artifacts-key <arn>; drop this document if the artifacts use SSE-S3)',
  '<ecr-repository-arn>':
    'the ECR repository holding the inference image (pass --image-repository <arn>; drop these statements if the image is not in the registry account)',
  '<sagemaker-execution-role-arn>':
    'the SageMaker execution role in the hosting account that the model runs as (sagemaker-endpoint: set `executionRoleArn` on the target; sagemaker-registry: the role the hosting team deploys with)',
  '<custom-model-arn>': "the Bedrock custom model to share and copy (the subject's ARN at promotion time; set `sourceModelArn` on the target to name it here)",
  '<share-role-arn>': "the role in the model's owner account that makes the AWS RAM share (set `sourceAccountRoleArn` and `sourceExternalId` on the target)",
  '<source-external-id>': 'the ExternalId modelgate uses with the sharer role (set `sourceExternalId` on the target)',
  '<source-region>': 'the Region of the source custom model (comes from `sourceModelArn`)',
  '<source-model-kms-key-arn>':
    'the customer-managed KMS key of the source custom model (pass --source-model-key <arn>; drop this document if the model uses an AWS-owned key)',
  '<copy-kms-key-arn>': 'the ARN of the KMS key in the hosting account named by `modelKmsKeyId` (an alias names no key policy)',
  '<imported-model-kms-key-arn>': 'the ARN of the KMS key in the hosting account named by `importedModelKmsKeyId` (an alias names no key policy)',
  '<weights-bucket>': 'the S3 bucket in the registry account with the Hugging Face safetensors weights (set `s3Uri: s3://<bucket>/<prefix>/` on the target)',
  '<weights-kms-key-arn>': 'the customer-managed KMS key of the weights bucket (pass --weights-key <arn>; drop this document if the bucket uses SSE-S3)',
  '<event-forwarding-role-arn>':
    'the role in the registry account that an EventBridge rule uses to forward events to the hosting bus (only for rule-based forwarding; modelgate itself does not need it)',
};

const PLACEHOLDER = /<[a-z][a-z0-9-]*>/g;

/** The placeholders left in a value (deep), each explained; sorted, once each. */
export const unknownsIn = (...values: unknown[]): string[] => {
  const found = new Set<string>();
  for (const v of values) for (const m of JSON.stringify(v).matchAll(PLACEHOLDER)) found.add(m[0]);
  return [...found].sort().map((p) => `${p}: ${PLACEHOLDERS[p] ?? 'not given in the policy'}`);
};

/** A policy document from its statements. */
export const iamPolicy = (...statements: IamStatement[]): IamPolicy => ({ Version: '2012-10-17', Statement: statements });

/** A string option of a target, or undefined when absent or not a non-empty string. */
export const option = (target: PromotionTarget, name: string): string | undefined => {
  const v = target[name];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
};

/** The account of an ARN (`arn:aws:iam::123456789012:role/x` → `123456789012`). */
export const accountOf = (arn: string): string | undefined => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];

/** The Region of an ARN, when it has one. */
export const regionOf = (arn: string): string | undefined => /^arn:[^:]+:[^:]*:([a-z0-9-]+):/.exec(arn)?.[1];

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`); `aws` when unknown. */
export const partitionOf = (arn: string): string => /^arn:(aws[a-z-]*):/.exec(arn)?.[1] ?? 'aws';

/** `s3://bucket/prefix/` → bucket and key prefix (no leading slash); undefined when not an s3 URI. */
export const parseS3Uri = (uri: string): { bucket: string; prefix: string } | undefined => {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1]!, prefix: m[2]! } : undefined;
};

/** The objects under a prefix as an S3 ARN (`arn:aws:s3:::b/p/*`, or `b/*` without a prefix). */
export const objectsArn = (partition: string, bucket: string, prefix: string): string =>
  `arn:${partition}:s3:::${bucket}/${prefix === '' ? '' : prefix.endsWith('/') ? prefix : `${prefix}/`}*`;

/** The `s3:prefix` condition that keeps ListBucket inside a prefix; empty when the whole bucket is meant. */
export const listPrefixCondition = (prefix: string): Pick<IamStatement, 'Condition'> =>
  prefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': [`${prefix.endsWith('/') ? prefix : `${prefix}/`}*`] } } };

/** `aws:PrincipalOrgID`, when an organization id is known. */
export const orgCondition = (orgId: string | undefined): Record<string, string> => (orgId ? { 'aws:PrincipalOrgID': orgId } : {});

/** An AccessDocument with its placeholders listed. */
export const accessDocument = (
  target: string,
  account: string,
  kind: AccessDocumentKind,
  title: string,
  where: string,
  document: AccessDocument['document'],
): AccessDocument => ({ target, account, kind, title, where, document, unknown: unknownsIn(document, where, account) });

/** A KMS key reference (`modelKmsKeyId`: key id, key ARN or alias) as the key ARN, or `placeholder` when only an alias names it. */
export const kmsKeyArn = (ref: string, partition: string, region: string, account: string, placeholder: string): string => {
  if (ref.startsWith('arn:') && ref.includes(':key/')) return ref;
  if (ref.startsWith('arn:') || ref.startsWith('alias/')) return placeholder;
  return `arn:${partition}:kms:${region}:${account}:key/${ref}`;
};

/**
 * The trust policy of a role modelgate assumes: principal = modelgate's role, `sts:AssumeRole`, only
 * with one of the ExternalIds the policy uses for that role (one role has one trust policy), and
 * within the organization when it is known.
 */
export const modelgateTrust = (args: {
  target: string;
  account: string;
  roleArn: string;
  modelgateRole: string;
  externalIds: string[];
  orgId?: string;
  purpose?: string;
}): AccessDocument => {
  const document = iamPolicy({
    Sid: 'AllowModelgateAssumeRoleWithExternalId',
    Effect: 'Allow',
    Principal: { AWS: args.modelgateRole },
    Action: 'sts:AssumeRole',
    Condition: {
      StringEquals: {
        'sts:ExternalId': args.externalIds.length === 1 ? args.externalIds[0]! : args.externalIds,
        ...orgCondition(args.orgId),
      },
    },
  });
  const title = `Trust: modelgate may assume ${args.roleArn}${args.purpose ? ` (${args.purpose})` : ''} with ExternalId ${args.externalIds.join(' or ')}`;
  return accessDocument(args.target, args.account, 'trust-policy', title, `trust policy (AssumeRolePolicyDocument) of ${args.roleArn}`, document);
};

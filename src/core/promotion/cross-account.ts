/**
 * What each promotion target needs in which account (CROSS-ACCOUNT.md), as IAM documents filled in
 * with the policy's accounts, Regions, roles and ExternalIds. `modelgate doctor cross-account`
 * prints them; account owners paste them. Pure: no AWS SDK, no I/O.
 *
 * Accounts: R = registry / research account (owns the model package group or the weights),
 * H = the hosting account of a target, S = where modelgate runs (may equal R).
 *
 * The target options read here are the ones the target adapters accept (docs/promotion-targets.md);
 * facts a policy does not hold (modelgate's role, the artifact bucket and keys in R) come in the
 * context, from the doctor's flags, or stay placeholders.
 */
import type { LoadedPolicy, PromotionStage, PromotionTarget } from '../policy/types.js';
import { bedrockCopyDocuments, bedrockImportDocuments } from './cross-account-bedrock.js';
import { eventForwardDocuments } from './cross-account-events.js';
import { accessDocument, accountOf, iamPolicy, modelgateTrust, option, partitionOf, type AccessDocument } from './cross-account-iam.js';
import { sagemakerEndpointDocuments, sagemakerRegistryDocuments } from './cross-account-sagemaker.js';
import type { PromotionAllowList } from './types.js';

export type { AccessDocument, AccessDocumentKind, IamPolicy, IamStatement } from './cross-account-iam.js';
export { PLACEHOLDERS } from './cross-account-iam.js';

/** What the policy cannot say: who modelgate is, where the registry lives, R's buckets and keys. */
export interface CrossAccountContext {
  /** modelgate's Lambda execution role (the principal the target roles must trust). */
  modelgateRoleArn?: string;
  /** The registry / research account R, where no target option names it. */
  registryAccount?: string;
  /** An AWS Organizations id (`o-…`): adds `aws:PrincipalOrgID` to trust and bus policies. */
  orgId?: string;
  /** SageMaker paths: `s3://bucket/prefix/` of the model artifacts in R. */
  artifactsUri?: string;
  /** SageMaker paths: the customer-managed key of the artifacts in R. */
  artifactsKmsKeyArn?: string;
  /** SageMaker paths: the ECR repository in R with the inference image. */
  imageRepositoryArn?: string;
  /** bedrock-copy: the customer-managed key of the source custom model in R. */
  sourceModelKmsKeyArn?: string;
  /** bedrock-import: the customer-managed key of the weights bucket in R. */
  weightsKmsKeyArn?: string;
}

/** A promotion target with where it sits in the policy. */
export interface TargetRef {
  /** `staging[0] sagemaker-endpoint`: the stage, the target's index in it, its kind. */
  id: string;
  stage: string;
  index: number;
  target: PromotionTarget;
}

/** A role modelgate assumes, with every ExternalId the policy uses for it and the targets that use it. */
export interface AssumedRole {
  roleArn: string;
  account: string;
  externalIds: string[];
  /** Target ids; a bedrock-copy's sharer role in R is listed under its target. */
  targets: string[];
  /** The target ids that use each ExternalId with this role. */
  targetsByExternalId: Record<string, string[]>;
}

/** Everything a kind's document builder needs about one target, resolved once. */
export interface TargetScope {
  id: string;
  stage: PromotionStage;
  target: PromotionTarget;
  partition: string;
  /** H: the hosting account. */
  hosting: string;
  region: string;
  /** R: the registry / research account, or `<registry-account>`. */
  registryAccount: string;
  modelgateRole: string;
  modelgateAccount: string;
  /** False only when modelgate is known to run in R (then R's own IAM covers it). */
  modelgateOutsideRegistry: boolean;
  orgId?: string;
  /** Model package group names (or globs) from the policy's `match`; `<model-package-group>` when matched by tag only. */
  groups: string[];
  /** Every ExternalId the policy uses with a role (one role has one trust policy). */
  externalIdsOf(roleArn: string): string[];
  ctx: CrossAccountContext;
}

export const MODELGATE_TARGET = 'modelgate';

/** Every target of every stage, in policy order. */
export const promotionTargets = (policy: LoadedPolicy): TargetRef[] =>
  (policy.doc.promotion?.stages ?? []).flatMap((stage) =>
    stage.targets.map((target, index) => ({ id: `${stage.name}[${index}] ${target.kind}`, stage: stage.name, index, target })),
  );

/**
 * Every role modelgate assumes for the policy, in policy order: each target's `roleArn` and, for
 * bedrock-copy, the sharer role in R (`sourceAccountRoleArn` with `sourceExternalId`).
 */
export const assumedRoles = (policy: LoadedPolicy): AssumedRole[] => {
  const byRole = new Map<string, AssumedRole>();
  const add = (roleArn: string, externalId: string | undefined, target: string) => {
    const entry = byRole.get(roleArn) ?? { roleArn, account: accountOf(roleArn) ?? '', externalIds: [], targets: [], targetsByExternalId: {} };
    if (externalId !== undefined) {
      if (!entry.externalIds.includes(externalId)) entry.externalIds.push(externalId);
      const users = (entry.targetsByExternalId[externalId] ??= []);
      if (!users.includes(target)) users.push(target);
    }
    if (!entry.targets.includes(target)) entry.targets.push(target);
    byRole.set(roleArn, entry);
  };
  for (const ref of promotionTargets(policy)) {
    add(ref.target.roleArn, ref.target.externalId, ref.id);
    const sharer = ref.target.kind === 'bedrock-copy' ? option(ref.target, 'sourceAccountRoleArn') : undefined;
    if (sharer) add(sharer, option(ref.target, 'sourceExternalId'), ref.id);
  }
  return [...byRole.values()];
};

/**
 * The allow-list the deployment should configure for this policy: exactly the accounts and role
 * ARNs modelgate assumes (no globs), sorted.
 */
export const promotionAllowList = (policy: LoadedPolicy): PromotionAllowList => {
  const roles = assumedRoles(policy);
  return { accounts: [...new Set(roles.map((r) => r.account))].sort(), roles: roles.map((r) => r.roleArn).sort() };
};

const BUILDERS: Record<string, (scope: TargetScope) => AccessDocument[]> = {
  'sagemaker-endpoint': sagemakerEndpointDocuments,
  'sagemaker-registry': sagemakerRegistryDocuments,
  'eventbridge-forward': eventForwardDocuments,
  'bedrock-copy': bedrockCopyDocuments,
  'bedrock-import': bedrockImportDocuments,
};

/** The kinds the doctor knows (the schema's enum). */
export const TARGET_KINDS = Object.keys(BUILDERS);

const registryAccountOf = (target: PromotionTarget, ctx: CrossAccountContext): string => {
  const fromCopy =
    target.kind === 'bedrock-copy' ? (accountOf(option(target, 'sourceAccountRoleArn') ?? '') ?? accountOf(option(target, 'sourceModelArn') ?? '')) : undefined;
  return fromCopy ?? ctx.registryAccount ?? '<registry-account>';
};

/** modelgate's own role may assume exactly the roles the policy names — nothing wider. */
const modelgateDocuments = (policy: LoadedPolicy, role: string, account: string): AccessDocument[] => {
  const allow = promotionAllowList(policy);
  const document = iamPolicy({ Sid: 'AssumeAllowListedPromotionRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: allow.roles });
  const note =
    'A session that a Lambda function assumes is role chaining: it lasts at most 1 hour whatever the target ' +
    "role's MaxSessionDuration, so modelgate assumes the role again on every invocation and never caches credentials " +
    'across invocations. Configure the deployment allow-list (PromotionAllowList) with exactly these accounts and roles: ' +
    `accounts ${allow.accounts.join(', ')}; roles ${allow.roles.join(', ')}.`;
  return [
    accessDocument(
      MODELGATE_TARGET,
      account,
      'identity-policy',
      'modelgate may assume exactly the allow-listed promotion roles',
      `identity policy of ${role}`,
      document,
    ),
    accessDocument(MODELGATE_TARGET, account, 'note', 'Role chaining and the allow-list', 'modelgate deployment configuration', note),
  ];
};

/**
 * The documents every promotion target of the policy needs, target by target in policy order,
 * then modelgate's own role. Empty when the policy has no `promotion` block.
 *
 * @example
 * ```ts
 * const docs = requiredAccess(policy, { modelgateRoleArn: 'arn:aws:iam::444455556666:role/modelgate' });
 * docs.filter((d) => d.kind === 'trust-policy'); // principal = modelgate's role, with the ExternalId
 * ```
 */
export const requiredAccess = (policy: LoadedPolicy, ctx: CrossAccountContext = {}): AccessDocument[] => {
  const refs = promotionTargets(policy);
  if (refs.length === 0) return [];
  const modelgateRole = ctx.modelgateRoleArn ?? '<modelgate-role-arn>';
  const modelgateAccount = accountOf(modelgateRole) ?? '<modelgate-account>';
  const roles = new Map(assumedRoles(policy).map((r) => [r.roleArn, r]));
  const externalIdsOf = (roleArn: string): string[] => roles.get(roleArn)?.externalIds ?? [];
  const stages = new Map((policy.doc.promotion?.stages ?? []).map((s) => [s.name, s]));
  const groups = policy.doc.match.modelPackageGroups?.length ? policy.doc.match.modelPackageGroups : ['<model-package-group>'];

  const docs = refs.flatMap((ref): AccessDocument[] => {
    const registryAccount = registryAccountOf(ref.target, ctx);
    const scope: TargetScope = {
      id: ref.id,
      stage: stages.get(ref.stage)!,
      target: ref.target,
      partition: partitionOf(ref.target.roleArn),
      hosting: ref.target.account,
      region: ref.target.region,
      registryAccount,
      modelgateRole,
      modelgateAccount,
      modelgateOutsideRegistry: modelgateAccount !== registryAccount,
      ...(ctx.orgId ? { orgId: ctx.orgId } : {}),
      groups,
      externalIdsOf,
      ctx,
    };
    const build = BUILDERS[ref.target.kind];
    if (!build) {
      // The schema's enum makes this unreachable for a parsed policy; say so rather than print nothing.
      const text = `unknown target kind "${ref.target.kind}" (expected one of ${TARGET_KINDS.join(', ')}): no documents`;
      return [accessDocument(ref.id, ref.target.account, 'note', 'Unknown target kind', '-', text)];
    }
    const trust = modelgateTrust({
      target: ref.id,
      account: ref.target.account,
      roleArn: ref.target.roleArn,
      modelgateRole,
      externalIds: externalIdsOf(ref.target.roleArn),
      ...(ctx.orgId ? { orgId: ctx.orgId } : {}),
    });
    return [trust, ...build(scope)];
  });
  return [...docs, ...modelgateDocuments(policy, modelgateRole, modelgateAccount)];
};

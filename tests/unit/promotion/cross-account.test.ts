/**
 * requiredAccess: the documents `modelgate doctor cross-account` prints, for a policy with all five
 * target kinds (tests/fixtures/policies/all-targets.yaml), checked statement by statement against
 * the checklists of CROSS-ACCOUNT.md.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parsePolicy } from '../../../src/core/policy/parse.js';
import type { LoadedPolicy } from '../../../src/core/policy/types.js';
import {
  promotionAllowList,
  promotionTargets,
  requiredAccess,
  type AccessDocument,
  type IamPolicy,
  type IamStatement,
} from '../../../src/core/promotion/cross-account.js';

const FIXTURE = 'tests/fixtures/policies/all-targets.yaml';
const loadFixture = (): LoadedPolicy => parsePolicy(readFileSync(FIXTURE), FIXTURE);

const R = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';
const MODELGATE = 'arn:aws:iam::444444444444:role/modelgate-service';
const ROLE = {
  stagingPromoter: `arn:aws:iam::${STAGING}:role/modelgate-promoter`,
  stagingEvents: `arn:aws:iam::${STAGING}:role/modelgate-events`,
  prodPromoter: `arn:aws:iam::${PROD}:role/modelgate-promoter`,
  prodBedrock: `arn:aws:iam::${PROD}:role/modelgate-bedrock`,
  stagingExec: `arn:aws:iam::${STAGING}:role/sagemaker-execution`,
  prodExec: `arn:aws:iam::${PROD}:role/sagemaker-execution`,
  importRole: `arn:aws:iam::${PROD}:role/bedrock-model-import`,
  sharer: `arn:aws:iam::${R}:role/modelgate-model-sharer`,
};
const MODEL_ARN = `arn:aws:bedrock:eu-west-1:${R}:custom-model/amazon.titan-text-express-v1:0:8k/a1b2c3d4e5f6`;
const KEYS = {
  artifacts: `arn:aws:kms:eu-west-1:${R}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  sourceModel: `arn:aws:kms:eu-west-1:${R}:key/bbbbbbbb-2222-3333-4444-555555555555`,
  weights: `arn:aws:kms:eu-west-1:${R}:key/cccccccc-2222-3333-4444-555555555555`,
};
const REPOSITORY = `arn:aws:ecr:eu-west-1:${R}:repository/credit-risk-inference`;
/** What the doctor's flags add: everything the policy cannot say. */
const CONTEXT = {
  modelgateRoleArn: MODELGATE,
  registryAccount: R,
  artifactsUri: 's3://ml-artifacts-111111111111/credit-risk/',
  artifactsKmsKeyArn: KEYS.artifacts,
  imageRepositoryArn: REPOSITORY,
  sourceModelKmsKeyArn: KEYS.sourceModel,
  weightsKmsKeyArn: KEYS.weights,
};

/** Every action name any document may use, spelled as in the AWS service authorization reference. */
const KNOWN_ACTIONS = new Set([
  'sts:AssumeRole',
  'sagemaker:DescribeModelPackage',
  'sagemaker:DescribeModelPackageGroup',
  'sagemaker:ListModelPackages',
  'sagemaker:CreateModel',
  'sagemaker:DescribeModel',
  'sagemaker:AddTags',
  'sagemaker:CreateEndpointConfig',
  'sagemaker:DescribeEndpointConfig',
  'sagemaker:CreateEndpoint',
  'sagemaker:UpdateEndpoint',
  'sagemaker:DescribeEndpoint',
  'sagemaker:InvokeEndpoint',
  'sagemaker:ListTags',
  'sagemaker:DeleteEndpoint',
  'sagemaker:UpdateModelPackage',
  'sagemaker:CreateModelPackageGroup',
  'sagemaker:CreateModelPackage',
  'iam:PassRole',
  's3:ListBucket',
  's3:GetObject',
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:GenerateDataKey*',
  'kms:GenerateDataKey',
  'kms:CreateGrant',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:GetAuthorizationToken',
  'events:PutEvents',
  'bedrock:CreateModelCopyJob',
  'bedrock:GetModelCopyJob',
  'bedrock:CreateProvisionedModelThroughput',
  'bedrock:GetProvisionedModelThroughput',
  'bedrock:ListModelCopyJobs',
  'bedrock:ListProvisionedModelThroughputs',
  'bedrock:ListModelImportJobs',
  'bedrock:TagResource',
  'ram:CreateResourceShare',
  'ram:AssociateResourceShare',
  'ram:GetResourceShares',
  'ram:GetResourceShareAssociations',
  'ram:TagResource',
  'bedrock:GetCustomModel',
  'bedrock:PutResourcePolicy',
  'bedrock:GetResourcePolicy',
  'bedrock:CreateModelImportJob',
  'bedrock:GetModelImportJob',
  'bedrock:GetImportedModel',
]);

const actionsOf = (s: IamStatement): string[] => (typeof s.Action === 'string' ? [s.Action] : s.Action);
const resourcesOf = (s: IamStatement): string[] => (s.Resource === undefined ? [] : typeof s.Resource === 'string' ? [s.Resource] : s.Resource);
const policyOf = (d: AccessDocument): IamPolicy => d.document as IamPolicy;
const statement = (d: AccessDocument, sid: string): IamStatement => {
  const s = policyOf(d).Statement.find((x) => x.Sid === sid);
  if (!s)
    throw new Error(
      `no statement ${sid} in "${d.title}"; have ${policyOf(d)
        .Statement.map((x) => x.Sid)
        .join(', ')}`,
    );
  return s;
};
const find = (docs: AccessDocument[], target: string, kind: AccessDocument['kind'], where?: string): AccessDocument => {
  const hits = docs.filter((d) => d.target === target && d.kind === kind && (where === undefined || d.where.includes(where)));
  if (hits.length !== 1) throw new Error(`expected one ${kind} for ${target}${where ? ` at ${where}` : ''}, found ${hits.length}`);
  return hits[0]!;
};

/** Actions without resource-level permissions: the only ones an identity policy may grant on "*". */
const NO_RESOURCE_LEVEL = new Set([
  'ecr:GetAuthorizationToken',
  'bedrock:ListModelCopyJobs',
  'bedrock:ListProvisionedModelThroughputs',
  'bedrock:ListModelImportJobs',
  'ram:GetResourceShares',
  'ram:GetResourceShareAssociations',
]);

/** The shape IAM accepts: the problems of one document (empty = valid). */
const iamShapeProblems = (d: AccessDocument): string[] => {
  const problems: string[] = [];
  const p = policyOf(d);
  if (p.Version !== '2012-10-17') problems.push('Version');
  if (!Array.isArray(p.Statement) || p.Statement.length === 0) return [...problems, 'no statements'];
  const sids = p.Statement.map((s) => s.Sid);
  if (new Set(sids).size !== sids.length) problems.push(`duplicate Sid in ${sids.join(',')}`);
  for (const s of p.Statement) {
    const allowedKeys = ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition'];
    for (const k of Object.keys(s)) if (!allowedKeys.includes(k)) problems.push(`${s.Sid}: unexpected key ${k}`);
    if (!/^[A-Za-z0-9]+$/.test(s.Sid)) problems.push(`Sid "${s.Sid}" is not alphanumeric`);
    if (s.Effect !== 'Allow') problems.push(`${s.Sid}: Effect`);
    const actions = actionsOf(s);
    if (actions.length === 0) problems.push(`${s.Sid}: no actions`);
    for (const a of actions) {
      if (a === '*' || a.endsWith(':*')) problems.push(`${s.Sid}: wildcard action ${a}`);
      if (!KNOWN_ACTIONS.has(a)) problems.push(`${s.Sid}: unknown action ${a}`);
    }
    const needsPrincipal = d.kind !== 'identity-policy';
    if (needsPrincipal !== (s.Principal !== undefined)) problems.push(`${s.Sid}: Principal ${needsPrincipal ? 'missing' : 'not allowed'} in a ${d.kind}`);
    // In a key policy "*" means "this key"; anywhere else it must be an action that takes nothing narrower.
    if (d.kind !== 'key-policy' && resourcesOf(s).includes('*') && !actions.every((a) => NO_RESOURCE_LEVEL.has(a))) problems.push(`${s.Sid}: Resource "*"`);
    const needsResource = d.kind !== 'trust-policy' && d.kind !== 'repository-policy';
    if (needsResource !== (s.Resource !== undefined)) problems.push(`${s.Sid}: Resource ${needsResource ? 'missing' : 'not allowed'} in a ${d.kind}`);
    for (const [op, entries] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(entries)) {
        const ok = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
        if (!ok) problems.push(`${s.Sid}: Condition ${op} ${key}`);
      }
    }
  }
  return problems;
};

describe('requiredAccess: a policy with all five target kinds', () => {
  const policy = loadFixture();
  const docs = requiredAccess(policy, CONTEXT);

  it("gives every target a trust policy that trusts exactly modelgate's role, with its ExternalId", () => {
    // Assess
    const targets = promotionTargets(policy);
    expect(targets.map((t) => t.target.kind).sort()).toEqual([
      'bedrock-copy',
      'bedrock-import',
      'eventbridge-forward',
      'sagemaker-endpoint',
      'sagemaker-registry',
    ]);
    for (const ref of targets) {
      const trust = find(docs, ref.id, 'trust-policy', ref.target.roleArn);
      expect(trust.account).toBe(ref.target.account);
      const s = statement(trust, 'AllowModelgateAssumeRoleWithExternalId');
      expect(s.Principal).toEqual({ AWS: MODELGATE });
      expect(s.Action).toBe('sts:AssumeRole');
      const ids = s.Condition?.['StringEquals']?.['sts:ExternalId'];
      expect([ids].flat()).toContain(ref.target.externalId);
    }
  });

  it('lists both ExternalIds in the trust policy of a role that two targets share', () => {
    // Assess
    const trust = find(docs, 'production[2] bedrock-import', 'trust-policy', ROLE.prodBedrock);
    expect(statement(trust, 'AllowModelgateAssumeRoleWithExternalId').Condition).toEqual({
      StringEquals: { 'sts:ExternalId': ['modelgate-production-copy', 'modelgate-production-import'] },
    });
  });

  it("lets modelgate's own role assume exactly the allow-listed roles", () => {
    // Assess
    const own = find(docs, 'modelgate', 'identity-policy');
    expect(own.account).toBe('444444444444');
    expect(own.where).toContain(MODELGATE);
    const s = statement(own, 'AssumeAllowListedPromotionRoles');
    expect(s.Action).toBe('sts:AssumeRole');
    const roles = [ROLE.sharer, ROLE.stagingEvents, ROLE.stagingPromoter, ROLE.prodBedrock, ROLE.prodPromoter];
    expect(s.Resource).toEqual(roles);
    expect(promotionAllowList(policy)).toEqual({ accounts: [R, STAGING, PROD], roles });
  });

  it('sagemaker-endpoint: the group policy in R shares the versions with the deploy role and lets modelgate approve', () => {
    // Assess
    const group = find(docs, 'staging[0] sagemaker-endpoint', 'resource-policy');
    expect(group.account).toBe(R);
    expect(group.where).toContain('PutModelPackageGroupPolicy');
    expect(statement(group, `HostingAccount${STAGING}DescribeGroup`)).toMatchObject({
      Principal: { AWS: ROLE.stagingPromoter },
      Action: 'sagemaker:DescribeModelPackageGroup',
      Resource: `arn:aws:sagemaker:eu-west-1:${R}:model-package-group/credit-risk-xgb`,
    });
    expect(statement(group, `HostingAccount${STAGING}UseModelPackages`)).toMatchObject({
      Principal: { AWS: ROLE.stagingPromoter },
      Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel'],
      Resource: `arn:aws:sagemaker:eu-west-1:${R}:model-package/credit-risk-xgb/*`,
    });
    expect(statement(group, 'ModelgateSetsApprovalStatus')).toMatchObject({ Principal: { AWS: MODELGATE }, Action: 'sagemaker:UpdateModelPackage' });
  });

  it("sagemaker-endpoint: the deploy role creates the model from R's package, deploys and smoke-tests one endpoint, passes only the execution role", () => {
    // Assess
    const perms = find(docs, 'staging[0] sagemaker-endpoint', 'identity-policy', ROLE.stagingPromoter);
    expect(perms.account).toBe(STAGING);
    expect(resourcesOf(statement(perms, 'CreateModelFromSourcePackage'))).toEqual([
      `arn:aws:sagemaker:eu-west-1:${STAGING}:model/*`,
      `arn:aws:sagemaker:eu-west-1:${R}:model-package/credit-risk-xgb/*`,
    ]);
    // SageMaker lower-cases names in ARNs; the policy says Credit-Risk-Staging.
    expect(resourcesOf(statement(perms, 'DeployEndpoint'))).toContain(`arn:aws:sagemaker:eu-west-1:${STAGING}:endpoint/credit-risk-staging`);
    expect(statement(perms, 'RollBackCreatedEndpoint')).toMatchObject({
      Action: 'sagemaker:DeleteEndpoint',
      Resource: `arn:aws:sagemaker:eu-west-1:${STAGING}:endpoint/credit-risk-staging`,
    });
    expect(statement(perms, 'SmokeTestEndpoint')).toMatchObject({
      Action: 'sagemaker:InvokeEndpoint',
      Resource: `arn:aws:sagemaker:eu-west-1:${STAGING}:endpoint/credit-risk-staging`,
    });
    expect(statement(perms, 'PassExecutionRoleToSageMaker')).toEqual({
      Sid: 'PassExecutionRoleToSageMaker',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: ROLE.stagingExec,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
  });

  it("sagemaker-endpoint: R's bucket, key and repository policies grant H's execution role, scoped to the prefix", () => {
    // Assess
    const id = 'staging[0] sagemaker-endpoint';
    const bucket = find(docs, id, 'bucket-policy');
    expect(bucket.account).toBe(R);
    expect(statement(bucket, `ExecutionRoleIn${STAGING}ReadArtifacts`)).toMatchObject({
      Principal: { AWS: ROLE.stagingExec },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::ml-artifacts-111111111111/credit-risk/*',
    });
    expect(statement(bucket, `ExecutionRoleIn${STAGING}ListArtifacts`)).toMatchObject({
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::ml-artifacts-111111111111',
      Condition: { StringLike: { 's3:prefix': ['credit-risk/*'] } },
    });
    const key = find(docs, id, 'key-policy');
    expect(key.where).toContain(KEYS.artifacts);
    expect(statement(key, `ExecutionRoleIn${STAGING}DecryptArtifacts`)).toMatchObject({
      Principal: { AWS: ROLE.stagingExec },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    });
    expect(statement(key, `SageMakerIn${STAGING}ReEncrypts`).Condition).toEqual({ StringEquals: { 'kms:ViaService': 'sagemaker.eu-west-1.amazonaws.com' } });
    const ecr = find(docs, id, 'repository-policy');
    expect(ecr.where).toContain(REPOSITORY);
    expect(statement(ecr, `ExecutionRoleIn${STAGING}PullImage`)).toMatchObject({
      Principal: { AWS: ROLE.stagingExec },
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    });
    const exec = find(docs, id, 'identity-policy', ROLE.stagingExec);
    expect(statement(exec, 'ReadArtifactObjects').Condition).toEqual({ StringEquals: { 'aws:ResourceAccount': R } });
  });

  it("sagemaker-registry: registers in H's own group and needs nothing in R but the artifacts for H's deployer", () => {
    // Assess
    const id = 'production[0] sagemaker-registry';
    const perms = find(docs, id, 'identity-policy', ROLE.prodPromoter);
    expect(resourcesOf(statement(perms, 'RegisterInHostingRegistry'))).toEqual([
      `arn:aws:sagemaker:eu-west-1:${PROD}:model-package-group/credit-risk-prod`,
      `arn:aws:sagemaker:eu-west-1:${PROD}:model-package/credit-risk-prod/*`,
    ]);
    expect(actionsOf(statement(perms, 'RegisterInHostingRegistry'))).toEqual(
      expect.arrayContaining(['sagemaker:CreateModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage']),
    );
    expect(
      policyOf(perms)
        .Statement.flatMap(resourcesOf)
        .filter((r) => r.includes(`:${R}:`)),
    ).toEqual([]);
    expect(docs.filter((d) => d.target === id && d.kind === 'resource-policy')).toEqual([]);
    // The deployer's execution role is not a target option: a placeholder, explained.
    const bucket = find(docs, id, 'bucket-policy');
    expect(statement(bucket, `ExecutionRoleIn${PROD}ReadArtifacts`).Principal).toEqual({ AWS: '<sagemaker-execution-role-arn>' });
    expect(bucket.unknown).toEqual([expect.stringMatching(/^<sagemaker-execution-role-arn>: .*the role the hosting team deploys with/)]);
  });

  it("eventbridge-forward: the role puts events on H's bus; the bus accepts R; the forwarding role in R is trusted by EventBridge", () => {
    // Assess
    const id = 'staging[1] eventbridge-forward';
    const bus = `arn:aws:events:eu-west-1:${STAGING}:event-bus/ml-deployments`;
    expect(statement(find(docs, id, 'identity-policy', ROLE.stagingEvents), 'PutEventsOnHostingBus')).toMatchObject({
      Action: 'events:PutEvents',
      Resource: bus,
    });
    const busPolicy = find(docs, id, 'bus-policy');
    expect(busPolicy.account).toBe(STAGING);
    expect(statement(busPolicy, `AllowForwardingFrom${R}`)).toEqual({
      Sid: `AllowForwardingFrom${R}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${R}:root` },
      Action: 'events:PutEvents',
      Resource: bus,
    });
    const forwardTrust = find(docs, id, 'trust-policy', '<event-forwarding-role-arn>');
    expect(forwardTrust.account).toBe(R);
    expect(statement(forwardTrust, 'EventBridgeAssumesForwardingRole')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': R } },
    });
  });

  it('bedrock-copy: the copier copies into the destination Region only; modelgate assumes the sharer in R, which shares through RAM; the keys allow it', () => {
    // Assess
    const id = 'production[1] bedrock-copy';
    const copier = find(docs, id, 'identity-policy', ROLE.prodBedrock);
    expect(statement(copier, 'CopySharedModelIntoRegion')).toMatchObject({
      Action: ['bedrock:CreateModelCopyJob', 'bedrock:GetModelCopyJob', 'bedrock:TagResource'],
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    });
    expect(resourcesOf(statement(copier, 'CopySharedModelIntoRegion'))).toContain(MODEL_ARN);
    expect(statement(copier, 'FindOwnCopyJobs')).toMatchObject({
      Action: ['bedrock:ListModelCopyJobs', 'bedrock:ListProvisionedModelThroughputs'],
      Resource: '*',
    });
    expect(actionsOf(statement(copier, 'BuyProvisionedThroughput'))).toContain('bedrock:CreateProvisionedModelThroughput');
    const copyKey = `arn:aws:kms:us-east-1:${PROD}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
    expect(statement(copier, 'EncryptCopyWithHostingKey').Resource).toBe(copyKey);
    expect(statement(find(docs, id, 'key-policy', copyKey), 'CopierEncryptsModelCopy')).toMatchObject({
      Principal: { AWS: ROLE.prodBedrock },
      Condition: { StringEquals: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com' } },
    });

    const sharerTrust = find(docs, id, 'trust-policy', ROLE.sharer);
    expect(sharerTrust.account).toBe(R);
    expect(statement(sharerTrust, 'AllowModelgateAssumeRoleWithExternalId')).toMatchObject({
      Principal: { AWS: MODELGATE },
      Condition: { StringEquals: { 'sts:ExternalId': 'modelgate-share' } },
    });
    const sharer = find(docs, id, 'identity-policy', ROLE.sharer);
    expect(sharer.account).toBe(R);
    expect(actionsOf(statement(sharer, 'ShareModelThroughRam'))).toEqual(['ram:CreateResourceShare', 'ram:AssociateResourceShare', 'ram:TagResource']);
    expect(resourcesOf(statement(sharer, 'ShareModelThroughRam'))).toEqual([MODEL_ARN, `arn:aws:ram:eu-west-1:${R}:resource-share/*`]);
    expect(statement(sharer, 'ReadAndShareCustomModel')).toMatchObject({
      Action: ['bedrock:GetCustomModel', 'bedrock:PutResourcePolicy', 'bedrock:GetResourcePolicy'],
      Resource: MODEL_ARN,
    });
    expect(find(docs, id, 'note', 'AWS RAM').document).toMatchObject({ resourceArns: [MODEL_ARN], principals: [PROD], allowExternalPrincipals: false });

    const sourceKey = find(docs, id, 'key-policy', KEYS.sourceModel);
    expect(sourceKey.account).toBe(R);
    expect(statement(sourceKey, `CopierIn${PROD}DecryptsSourceModel`)).toMatchObject({
      Principal: { AWS: ROLE.prodBedrock },
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': ['bedrock.eu-west-1.amazonaws.com', 'bedrock.us-east-1.amazonaws.com'] } },
    });
  });

  it("bedrock-import: the import role is trusted by Bedrock for H's jobs only and reads R's prefix; R's bucket and key grant it", () => {
    // Assess
    const id = 'production[2] bedrock-import';
    const trust = find(docs, id, 'trust-policy', ROLE.importRole);
    expect(statement(trust, 'BedrockAssumesImportRole')).toEqual({
      Sid: 'BedrockAssumesImportRole',
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': PROD }, ArnEquals: { 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${PROD}:model-import-job/*` } },
    });
    const importPerms = find(docs, id, 'identity-policy', ROLE.importRole);
    expect(statement(importPerms, 'ReadWeights')).toMatchObject({
      Resource: 'arn:aws:s3:::research-weights-111111111111/credit-llm/v3/*',
      Condition: { StringEquals: { 'aws:ResourceAccount': R } },
    });
    expect(statement(importPerms, 'DecryptWeights').Resource).toBe(KEYS.weights);
    const caller = find(docs, id, 'identity-policy', ROLE.prodBedrock);
    expect(actionsOf(statement(caller, 'RunModelImportJobs'))).toEqual([
      'bedrock:CreateModelImportJob',
      'bedrock:GetModelImportJob',
      'bedrock:GetImportedModel',
      'bedrock:TagResource',
    ]);
    expect(statement(caller, 'FindOwnImportJobs')).toMatchObject({ Action: 'bedrock:ListModelImportJobs', Resource: '*' });
    expect(statement(caller, 'PassImportRoleToBedrock')).toMatchObject({
      Resource: ROLE.importRole,
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
    const bucket = find(docs, id, 'bucket-policy');
    expect(bucket.account).toBe(R);
    expect(statement(bucket, `ImportRoleIn${PROD}ReadWeights`)).toMatchObject({
      Principal: { AWS: ROLE.importRole },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::research-weights-111111111111/credit-llm/v3/*',
    });
    expect(statement(find(docs, id, 'key-policy', KEYS.weights), `ImportRoleIn${PROD}DecryptsWeights`).Principal).toEqual({ AWS: ROLE.importRole });
  });

  it('writes every policy document in valid IAM shape: version, alphanumeric unique Sids, known actions, no wildcard action', () => {
    // Assess
    const policies = docs.filter((d) => d.kind !== 'note');
    expect(policies.length).toBeGreaterThan(25);
    expect(policies.flatMap((d) => iamShapeProblems(d).map((p) => `${d.target} ${d.title}: ${p}`))).toEqual([]);
    for (const d of docs) expect(d.account).toMatch(/^\d{12}$/);
  });

  it('leaves unknown only what neither the policy nor the flags say, and says how to fill it in', () => {
    // Assess
    const unknown = [...new Set(docs.flatMap((d) => d.unknown))].sort();
    expect(unknown).toEqual([
      expect.stringMatching(/^<event-forwarding-role-arn>: .*only for rule-based forwarding/),
      expect.stringMatching(/^<sagemaker-execution-role-arn>: /),
    ]);
    expect(find(docs, 'staging[1] eventbridge-forward', 'trust-policy', '<event-forwarding-role-arn>').title).toMatch(/only for forwarding with a rule/);
  });

  it('says which artifacts documents are conditional when the flags leave the bucket, key and repository out', () => {
    // Act
    const bare = requiredAccess(policy, { modelgateRoleArn: MODELGATE, registryAccount: R });
    // Assess
    const id = 'staging[0] sagemaker-endpoint';
    expect(find(bare, id, 'key-policy').title).toMatch(/only if the artifacts use a customer-managed key/);
    expect(find(bare, id, 'repository-policy').title).toMatch(/only if the inference image lives in the registry account/);
    expect(find(bare, id, 'bucket-policy').unknown).toEqual([expect.stringMatching(/^<artifact-bucket>: .*--artifacts s3:/)]);
  });
});

describe('requiredAccess: context and gaps', () => {
  const fixtureText = readFileSync(FIXTURE, 'utf8');

  it('adds aws:PrincipalOrgID to the trust policies when the organization is known', () => {
    // Act
    const docs = requiredAccess(loadFixture(), { ...CONTEXT, orgId: 'o-abcdef1234' });
    // Assess
    const trust = find(docs, 'staging[0] sagemaker-endpoint', 'trust-policy');
    expect(statement(trust, 'AllowModelgateAssumeRoleWithExternalId').Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'modelgate-staging', 'aws:PrincipalOrgID': 'o-abcdef1234' },
    });
  });

  it("does not grant modelgate anything in R's resource policies when modelgate runs in R", () => {
    // Act
    const docs = requiredAccess(loadFixture(), { ...CONTEXT, modelgateRoleArn: `arn:aws:iam::${R}:role/modelgate-service` });
    // Assess
    const group = find(docs, 'staging[0] sagemaker-endpoint', 'resource-policy');
    expect(policyOf(group).Statement.map((s) => s.Sid)).not.toContain('ModelgateSetsApprovalStatus');
    expect(policyOf(find(docs, 'staging[0] sagemaker-endpoint', 'bucket-policy')).Statement.map((s) => s.Sid)).not.toContain('ModelgateReadsEvidence');
  });

  it('uses placeholders for the deployment context it was not given, and lists them', () => {
    // Prepare: a sagemaker-endpoint target (every required option given: policy validation refuses
    // one left out), groups matched by a glob, no context
    const text = `apiVersion: modelgate/v1
kind: Policy
metadata: { name: bare, version: 1, owner: t@example.com }
match: { modelPackageGroups: ["credit-*"] }
checks: [{ use: model-quality }]
promotion:
  stages:
    - name: staging
      targets:
        - { kind: sagemaker-endpoint, account: "${STAGING}", region: eu-west-1, roleArn: "${ROLE.stagingPromoter}", externalId: x-1, endpointName: credit-staging, instanceType: ml.m5.large, executionRoleArn: "arn:aws:iam::${STAGING}:role/sm-exec" }
`;
    // Act
    const docs = requiredAccess(parsePolicy(text, 'bare.yaml'));
    // Assess
    const unknown = new Set(docs.flatMap((d) => d.unknown).map((u) => u.split(':')[0]));
    expect([...unknown].sort()).toEqual([
      '<artifact-bucket>',
      '<artifact-kms-key-arn>',
      '<ecr-repository-arn>',
      '<model-package-group>',
      '<modelgate-account>',
      '<modelgate-role-arn>',
      '<registry-account>',
    ]);
    // A group policy names one group; an identity policy may use the glob.
    const group = find(docs, 'staging[0] sagemaker-endpoint', 'resource-policy');
    expect(group.where).toContain('each model package group matching "credit-*"');
    expect(statement(group, `HostingAccount${STAGING}DescribeGroup`).Resource).toBe(
      'arn:aws:sagemaker:eu-west-1:<registry-account>:model-package-group/<model-package-group>',
    );
    const perms = find(docs, 'staging[0] sagemaker-endpoint', 'identity-policy', ROLE.stagingPromoter);
    expect(resourcesOf(statement(perms, 'ReadSourceModelPackage'))).toContain('arn:aws:sagemaker:eu-west-1:<registry-account>:model-package/credit-*/*');
    // No verify stage: no smoke-test permission.
    expect(policyOf(perms).Statement.map((s) => s.Sid)).not.toContain('SmokeTestEndpoint');
  });

  it('returns nothing for a policy without a promotion block', () => {
    // Prepare
    const withoutPromotion = fixtureText.slice(0, fixtureText.indexOf('promotion:'));
    // Act
    const docs = requiredAccess(parsePolicy(withoutPromotion, 'no-promotion.yaml'), { modelgateRoleArn: MODELGATE });
    // Assess
    expect(docs).toEqual([]);
  });
});

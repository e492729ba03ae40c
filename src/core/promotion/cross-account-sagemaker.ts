/**
 * SageMaker paths: a model package in the central registry R deployed (`sagemaker-endpoint`) or
 * registered (`sagemaker-registry`) in a hosting account H. Checklist: CROSS-ACCOUNT.md, "SageMaker:
 * central registry R → hosting H".
 *
 * Target options read here (docs/promotion-targets.md): `endpointName`, `executionRoleArn`
 * (sagemaker-endpoint), `modelPackageGroupName` (sagemaker-registry). The artifact bucket, its key and
 * the image repository belong to the model package group in R, not to a target: they come from the
 * context (`artifactsUri`, `artifactsKmsKeyArn`, `imageRepositoryArn`). A model package and the model
 * made from it live in one Region, so R's group is looked up in the target's Region.
 */
import type { TargetScope } from './cross-account.js';
import { accessDocument, iamPolicy, listPrefixCondition, objectsArn, option, parseS3Uri, type AccessDocument, type IamStatement } from './cross-account-iam.js';

/** SageMaker lower-cases resource names in ARNs. */
const smName = (name: string): string => (name.startsWith('<') ? name : name.toLowerCase());
const isGlob = (name: string): boolean => /[*?]/.test(name);

interface SageMakerScope extends TargetScope {
  executionRole: string;
  bucket: string;
  prefix: string;
  kmsKey: string;
  repository: string;
  sm(account: string, resource: string): string;
  sourceGroupArns: string[];
  sourcePackageArns: string[];
}

const scopeOf = (s: TargetScope, executionRole: string | undefined): SageMakerScope => {
  const artifacts = parseS3Uri(s.ctx.artifactsUri ?? '') ?? { bucket: '<artifact-bucket>', prefix: '' };
  const sm = (account: string, resource: string) => `arn:${s.partition}:sagemaker:${s.region}:${account}:${resource}`;
  return {
    ...s,
    executionRole: executionRole ?? '<sagemaker-execution-role-arn>',
    bucket: artifacts.bucket,
    prefix: artifacts.prefix,
    kmsKey: s.ctx.artifactsKmsKeyArn ?? '<artifact-kms-key-arn>',
    repository: s.ctx.imageRepositoryArn ?? '<ecr-repository-arn>',
    sm,
    sourceGroupArns: s.groups.map((g) => sm(s.registryAccount, `model-package-group/${smName(g)}`)),
    sourcePackageArns: s.groups.map((g) => sm(s.registryAccount, `model-package/${smName(g)}/*`)),
  };
};

const readSourcePackage = (s: SageMakerScope): IamStatement => ({
  Sid: 'ReadSourceModelPackage',
  Effect: 'Allow',
  Action: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages'],
  Resource: [...s.sourceGroupArns, ...s.sourcePackageArns],
});

/** R's model package group policy, one per group (PutModelPackageGroupPolicy names exactly one group). */
const groupPolicies = (s: SageMakerScope, packageActions: string[]): AccessDocument[] =>
  s.groups.map((glob) => {
    const group = isGlob(glob) ? '<model-package-group>' : smName(glob);
    const groupArn = s.sm(s.registryAccount, `model-package-group/${group}`);
    const packages = s.sm(s.registryAccount, `model-package/${group}/*`);
    const statements: IamStatement[] = [
      {
        Sid: `HostingAccount${s.hosting}DescribeGroup`,
        Effect: 'Allow',
        Principal: { AWS: s.target.roleArn },
        Action: 'sagemaker:DescribeModelPackageGroup',
        Resource: groupArn,
      },
      { Sid: `HostingAccount${s.hosting}UseModelPackages`, Effect: 'Allow', Principal: { AWS: s.target.roleArn }, Action: packageActions, Resource: packages },
    ];
    // Only the approving principal may change a version's status; inside R, modelgate's own IAM covers it.
    if (s.modelgateOutsideRegistry) {
      statements.push({
        Sid: 'ModelgateSetsApprovalStatus',
        Effect: 'Allow',
        Principal: { AWS: s.modelgateRole },
        Action: 'sagemaker:UpdateModelPackage',
        Resource: packages,
      });
    }
    const which = isGlob(glob) ? `each model package group matching "${glob}"` : `model package group ${group}`;
    return accessDocument(
      s.id,
      s.registryAccount,
      'resource-policy',
      `Registry: ${which} shares its versions with ${s.hosting}`,
      `PutModelPackageGroupPolicy on ${which} in ${s.registryAccount} (${s.region})`,
      iamPolicy(...statements),
    );
  });

/** R's artifact bucket policy, key policy and ECR repository policy, and H's execution role policy. */
const artifactDocuments = (s: SageMakerScope): AccessDocument[] => {
  const bucketArn = `arn:${s.partition}:s3:::${s.bucket}`;
  const objects = objectsArn(s.partition, s.bucket, s.prefix);
  const execRole = { AWS: s.executionRole };
  const bucketStatements: IamStatement[] = [
    {
      Sid: `ExecutionRoleIn${s.hosting}ListArtifacts`,
      Effect: 'Allow',
      Principal: execRole,
      Action: 's3:ListBucket',
      Resource: bucketArn,
      ...listPrefixCondition(s.prefix),
    },
    { Sid: `ExecutionRoleIn${s.hosting}ReadArtifacts`, Effect: 'Allow', Principal: execRole, Action: 's3:GetObject', Resource: objects },
  ];
  const keyStatements: IamStatement[] = [
    { Sid: `ExecutionRoleIn${s.hosting}DecryptArtifacts`, Effect: 'Allow', Principal: execRole, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
    {
      Sid: `SageMakerIn${s.hosting}ReEncrypts`,
      Effect: 'Allow',
      Principal: execRole,
      Action: ['kms:GenerateDataKey*', 'kms:CreateGrant'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `sagemaker.${s.region}.amazonaws.com` } },
    },
  ];
  if (s.modelgateOutsideRegistry) {
    bucketStatements.push({ Sid: 'ModelgateReadsEvidence', Effect: 'Allow', Principal: { AWS: s.modelgateRole }, Action: 's3:GetObject', Resource: objects });
    keyStatements.push({ Sid: 'ModelgateDecryptsEvidence', Effect: 'Allow', Principal: { AWS: s.modelgateRole }, Action: 'kms:Decrypt', Resource: '*' });
  }
  const kmsKnown = s.ctx.artifactsKmsKeyArn !== undefined;
  const ecrKnown = s.ctx.imageRepositoryArn !== undefined;
  const execPolicy = iamPolicy(
    {
      Sid: 'ListArtifactBucket',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringEquals: { 'aws:ResourceAccount': s.registryAccount } },
    },
    {
      Sid: 'ReadArtifactObjects',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects,
      Condition: { StringEquals: { 'aws:ResourceAccount': s.registryAccount } },
    },
    { Sid: 'DecryptArtifacts', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: s.kmsKey },
    { Sid: 'PullInferenceImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: s.repository },
    // GetAuthorizationToken has no resource-level permissions: IAM accepts only "*" for it.
    { Sid: 'GetEcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
  );
  return [
    accessDocument(
      s.id,
      s.registryAccount,
      'bucket-policy',
      `Artifacts: bucket ${s.bucket} lets ${s.hosting}'s execution role read the model`,
      `bucket policy of s3://${s.bucket} in ${s.registryAccount}`,
      iamPolicy(...bucketStatements),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'key-policy',
      `Artifacts: KMS key lets ${s.hosting}'s execution role decrypt${kmsKnown ? '' : ' (only if the artifacts use a customer-managed key)'}; the re-encrypt statement only if SageMaker re-encrypts with it`,
      `key policy of ${s.kmsKey} in ${s.registryAccount}`,
      iamPolicy(...keyStatements),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'repository-policy',
      `Image: ECR repository lets ${s.hosting}'s execution role pull${ecrKnown ? '' : ' (only if the inference image lives in the registry account)'}`,
      `repository policy (SetRepositoryPolicy) of ${s.repository} in ${s.registryAccount}`,
      iamPolicy({
        Sid: `ExecutionRoleIn${s.hosting}PullImage`,
        Effect: 'Allow',
        Principal: execRole,
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      }),
    ),
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Execution role in ${s.hosting} reads the artifacts across accounts`,
      `identity policy of ${s.executionRole}`,
      execPolicy,
    ),
  ];
};

/** `sagemaker-endpoint`: CreateModel from R's package, endpoint config, CreateEndpoint/UpdateEndpoint in H. */
export const sagemakerEndpointDocuments = (scope: TargetScope): AccessDocument[] => {
  const s = scopeOf(scope, option(scope.target, 'executionRoleArn'));
  const endpointName = smName(option(s.target, 'endpointName') ?? '<endpoint-name>');
  const endpointArn = s.sm(s.hosting, `endpoint/${endpointName}`);
  const configs = s.sm(s.hosting, 'endpoint-config/*');
  const statements: IamStatement[] = [
    readSourcePackage(s),
    {
      Sid: 'CreateModelFromSourcePackage',
      Effect: 'Allow',
      Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
      Resource: [s.sm(s.hosting, 'model/*'), ...s.sourcePackageArns],
    },
    {
      Sid: 'DeployEndpoint',
      Effect: 'Allow',
      Action: [
        'sagemaker:CreateEndpointConfig',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:CreateEndpoint',
        'sagemaker:UpdateEndpoint',
        'sagemaker:DescribeEndpoint',
        'sagemaker:ListTags',
        'sagemaker:AddTags',
      ],
      Resource: [endpointArn, configs],
    },
    // Rollback of an endpoint this promotion created deletes exactly that endpoint.
    { Sid: 'RollBackCreatedEndpoint', Effect: 'Allow', Action: 'sagemaker:DeleteEndpoint', Resource: endpointArn },
  ];
  if ((s.stage.verify ?? []).some((v) => v.use === 'endpoint-smoke')) {
    statements.push({ Sid: 'SmokeTestEndpoint', Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: endpointArn });
  }
  statements.push({
    Sid: 'PassExecutionRoleToSageMaker',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: s.executionRole,
    Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  });
  return [
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Permissions of ${s.target.roleArn}: deploy endpoint ${endpointName}`,
      `identity policy of ${s.target.roleArn} (merge with other targets that use this role)`,
      iamPolicy(...statements),
    ),
    ...groupPolicies(s, ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel']),
    ...artifactDocuments(s),
  ];
};

/**
 * `sagemaker-registry`: register the version, Approved, in H's own registry with the source's
 * InferenceSpecification (which modelgate already holds), so the role needs nothing in R; H's
 * deployer later reads R's artifacts and image.
 */
export const sagemakerRegistryDocuments = (scope: TargetScope): AccessDocument[] => {
  const s = scopeOf(scope, undefined);
  const named = option(s.target, 'modelPackageGroupName');
  const hostingGroups = named ? [named] : s.groups;
  const hostingArns = hostingGroups.flatMap((g) => [s.sm(s.hosting, `model-package-group/${smName(g)}`), s.sm(s.hosting, `model-package/${smName(g)}/*`)]);
  const permissions = iamPolicy({
    Sid: 'RegisterInHostingRegistry',
    Effect: 'Allow',
    Action: [
      'sagemaker:DescribeModelPackageGroup',
      'sagemaker:CreateModelPackageGroup',
      'sagemaker:ListModelPackages',
      'sagemaker:CreateModelPackage',
      'sagemaker:DescribeModelPackage',
      'sagemaker:UpdateModelPackage',
    ],
    Resource: hostingArns,
  });
  return [
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Permissions of ${s.target.roleArn}: register the version in ${s.hosting}'s registry`,
      `identity policy of ${s.target.roleArn} (merge with other targets that use this role)`,
      permissions,
    ),
    ...artifactDocuments(s),
  ];
};

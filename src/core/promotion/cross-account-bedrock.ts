/**
 * Bedrock paths. `bedrock-copy`: a custom model in R shared with H through AWS RAM (by a sharer role
 * in R that modelgate assumes), then copied by H into the target Region. `bedrock-import`: Custom
 * Model Import in H from safetensors weights in R's S3. Checklists: CROSS-ACCOUNT.md, "Bedrock Model
 * Share (RAM) + Model Copy" and "Bedrock Custom Model Import".
 *
 * Target options read here (docs/promotion-targets.md): bedrock-copy — `sourceModelArn`,
 * `sourceAccountRoleArn`, `sourceExternalId`, `modelKmsKeyId`, `provisionedThroughput`;
 * bedrock-import — `importRoleArn`, `s3Uri`, `importedModelKmsKeyId`. R's keys come from the
 * context (`sourceModelKmsKeyArn`, `weightsKmsKeyArn`).
 */
import type { TargetScope } from './cross-account.js';
import {
  accessDocument,
  iamPolicy,
  kmsKeyArn,
  listPrefixCondition,
  modelgateTrust,
  objectsArn,
  option,
  parseS3Uri,
  regionOf,
  type AccessDocument,
  type IamStatement,
} from './cross-account-iam.js';

const identityWhere = (role: string) => `identity policy of ${role} (merge with other targets that use this role)`;

/** `bedrock-copy`: share from R (RAM), copy in H's destination Region, optionally buy provisioned throughput. */
export const bedrockCopyDocuments = (s: TargetScope): AccessDocument[] => {
  const modelArn = option(s.target, 'sourceModelArn') ?? '<custom-model-arn>';
  const sourceRegion = regionOf(modelArn) ?? '<source-region>';
  const dest = s.region;
  const bedrock = (resource: string) => `arn:${s.partition}:bedrock:${dest}:${s.hosting}:${resource}`;
  const copier = s.target.roleArn;
  const sharer = option(s.target, 'sourceAccountRoleArn') ?? '<share-role-arn>';
  const sharerIds = s.externalIdsOf(sharer);
  const copyKeyRef = option(s.target, 'modelKmsKeyId');
  const copyKey = copyKeyRef ? kmsKeyArn(copyKeyRef, s.partition, dest, s.hosting, '<copy-kms-key-arn>') : undefined;
  const sourceKey = s.ctx.sourceModelKmsKeyArn;
  const throughput = s.target['provisionedThroughput'] !== undefined;
  const inDest = { StringEquals: { 'aws:RequestedRegion': dest } };

  const copierStatements: IamStatement[] = [
    // List calls find a job or throughput a retried step made; they take no resource-level permissions.
    {
      Sid: 'FindOwnCopyJobs',
      Effect: 'Allow',
      Action: throughput ? ['bedrock:ListModelCopyJobs', 'bedrock:ListProvisionedModelThroughputs'] : 'bedrock:ListModelCopyJobs',
      Resource: '*',
      Condition: inDest,
    },
    {
      Sid: 'CopySharedModelIntoRegion',
      Effect: 'Allow',
      Action: ['bedrock:CreateModelCopyJob', 'bedrock:GetModelCopyJob', 'bedrock:TagResource'],
      Resource: [modelArn, bedrock('model-copy-job/*'), bedrock('custom-model/*')],
      Condition: inDest,
    },
  ];
  if (throughput) {
    copierStatements.push({
      Sid: 'BuyProvisionedThroughput',
      Effect: 'Allow',
      Action: ['bedrock:CreateProvisionedModelThroughput', 'bedrock:GetProvisionedModelThroughput', 'bedrock:TagResource'],
      Resource: [bedrock('custom-model/*'), bedrock('provisioned-model/*')],
      Condition: inDest,
    });
  }
  if (copyKey) {
    copierStatements.push({
      Sid: 'EncryptCopyWithHostingKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
      Resource: copyKey,
    });
  }
  const shareRequest = {
    name: 'modelgate-{group}-v{version}-{digest} (one share per promoted version)',
    resourceArns: [modelArn],
    principals: [s.hosting],
    allowExternalPrincipals: false,
  };
  const docs: AccessDocument[] = [
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Permissions of ${copier}: copy the shared model into ${dest}`,
      identityWhere(copier),
      iamPolicy(...copierStatements),
    ),
    modelgateTrust({
      target: s.id,
      account: s.registryAccount,
      roleArn: sharer,
      modelgateRole: s.modelgateRole,
      externalIds: sharerIds.length > 0 ? sharerIds : ['<source-external-id>'],
      ...(s.orgId ? { orgId: s.orgId } : {}),
      purpose: 'the sharer in the model owner account',
    }),
    accessDocument(
      s.id,
      s.registryAccount,
      'identity-policy',
      `Permissions of the sharer ${sharer}: share the custom model with ${s.hosting} through AWS RAM`,
      identityWhere(sharer),
      iamPolicy(
        {
          Sid: 'ShareModelThroughRam',
          Effect: 'Allow',
          Action: ['ram:CreateResourceShare', 'ram:AssociateResourceShare', 'ram:TagResource'],
          Resource: [modelArn, `arn:${s.partition}:ram:${sourceRegion}:${s.registryAccount}:resource-share/*`],
        },
        { Sid: 'FindOwnResourceShares', Effect: 'Allow', Action: ['ram:GetResourceShares', 'ram:GetResourceShareAssociations'], Resource: '*' },
        {
          Sid: 'ReadAndShareCustomModel',
          Effect: 'Allow',
          Action: ['bedrock:GetCustomModel', 'bedrock:PutResourcePolicy', 'bedrock:GetResourcePolicy'],
          Resource: modelArn,
        },
      ),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'note',
      `AWS RAM resource share that the sharer creates (CreateResourceShare in ${sourceRegion})`,
      `AWS RAM in ${s.registryAccount}, Region ${sourceRegion}`,
      shareRequest,
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'key-policy',
      `Source model key lets ${s.hosting}'s copier decrypt through Bedrock${sourceKey ? '' : ' (only if the source model uses a customer-managed key)'}`,
      `key policy of ${sourceKey ?? '<source-model-kms-key-arn>'} in ${s.registryAccount}`,
      iamPolicy({
        Sid: `CopierIn${s.hosting}DecryptsSourceModel`,
        Effect: 'Allow',
        Principal: { AWS: copier },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': [...new Set([`bedrock.${sourceRegion}.amazonaws.com`, `bedrock.${dest}.amazonaws.com`])] } },
      }),
    ),
  ];
  if (copyKey) {
    docs.push(
      accessDocument(
        s.id,
        s.hosting,
        'key-policy',
        `Copy key in ${s.hosting} lets the copier encrypt the copy`,
        `key policy of ${copyKey}`,
        iamPolicy({
          Sid: 'CopierEncryptsModelCopy',
          Effect: 'Allow',
          Principal: { AWS: copier },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': `bedrock.${dest}.amazonaws.com` } },
        }),
      ),
    );
  }
  docs.push(
    accessDocument(
      s.id,
      s.hosting,
      'note',
      'Before the first copy',
      `accounts ${s.registryAccount} and ${s.hosting}`,
      `${s.registryAccount} and ${s.hosting} must be in one AWS Organization with resource sharing through AWS RAM enabled (the share does not allow external principals). ` +
        `The copy job is started by ${copier} in the destination Region ${dest} and emits no completion event: modelgate polls GetModelCopyJob. ` +
        'Sharing alone does not make the model usable: it must be copied, then provisioned throughput bought (CreateProvisionedModelThroughput) before it can be invoked; ' +
        `check that ${dest} supports provisioned throughput for this model, or the copy is refused.`,
    ),
  );
  return docs;
};

/** `bedrock-import`: Custom Model Import in H reading R's bucket through H's import execution role. */
export const bedrockImportDocuments = (s: TargetScope): AccessDocument[] => {
  const caller = s.target.roleArn;
  const importRole = option(s.target, 'importRoleArn') ?? '<bedrock-import-role-arn>';
  const weights = parseS3Uri(option(s.target, 's3Uri') ?? '') ?? { bucket: '<weights-bucket>', prefix: '' };
  const key = s.ctx.weightsKmsKeyArn;
  const modelKeyRef = option(s.target, 'importedModelKmsKeyId');
  const modelKey = modelKeyRef ? kmsKeyArn(modelKeyRef, s.partition, s.region, s.hosting, '<imported-model-kms-key-arn>') : undefined;
  const bucketArn = `arn:${s.partition}:s3:::${weights.bucket}`;
  const objects = objectsArn(s.partition, weights.bucket, weights.prefix);
  const bedrock = (resource: string) => `arn:${s.partition}:bedrock:${s.region}:${s.hosting}:${resource}`;
  const inR = { 'aws:ResourceAccount': s.registryAccount };
  const prefixCondition = listPrefixCondition(weights.prefix).Condition ?? {};
  const callerStatements: IamStatement[] = [
    {
      Sid: 'FindOwnImportJobs',
      Effect: 'Allow',
      Action: 'bedrock:ListModelImportJobs',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': s.region } },
    },
    {
      Sid: 'RunModelImportJobs',
      Effect: 'Allow',
      Action: ['bedrock:CreateModelImportJob', 'bedrock:GetModelImportJob', 'bedrock:GetImportedModel', 'bedrock:TagResource'],
      Resource: [bedrock('model-import-job/*'), bedrock('imported-model/*')],
    },
    {
      Sid: 'PassImportRoleToBedrock',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: importRole,
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    },
  ];
  if (modelKey) {
    callerStatements.push({
      Sid: 'EncryptImportedModel',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: modelKey,
    });
  }
  const docs: AccessDocument[] = [
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Permissions of ${caller}: run Custom Model Import in ${s.region}`,
      identityWhere(caller),
      iamPolicy(...callerStatements),
    ),
    accessDocument(
      s.id,
      s.hosting,
      'trust-policy',
      `Import execution role in ${s.hosting}: trusted by Bedrock for this account's import jobs only`,
      `trust policy of ${importRole}`,
      iamPolicy({
        Sid: 'BedrockAssumesImportRole',
        Effect: 'Allow',
        Principal: { Service: 'bedrock.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': s.hosting }, ArnEquals: { 'aws:SourceArn': bedrock('model-import-job/*') } },
      }),
    ),
    accessDocument(
      s.id,
      s.hosting,
      'identity-policy',
      `Import execution role reads the weights in ${s.registryAccount}`,
      `identity policy of ${importRole}`,
      iamPolicy(
        { Sid: 'ListWeightsBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { ...prefixCondition, StringEquals: inR } },
        { Sid: 'ReadWeights', Effect: 'Allow', Action: 's3:GetObject', Resource: objects, Condition: { StringEquals: inR } },
        { Sid: 'DecryptWeights', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: key ?? '<weights-kms-key-arn>' },
      ),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'bucket-policy',
      `Weights: bucket ${weights.bucket} lets ${s.hosting}'s import role read the model`,
      `bucket policy of s3://${weights.bucket} in ${s.registryAccount}`,
      iamPolicy(
        {
          Sid: `ImportRoleIn${s.hosting}ListWeights`,
          Effect: 'Allow',
          Principal: { AWS: importRole },
          Action: 's3:ListBucket',
          Resource: bucketArn,
          ...listPrefixCondition(weights.prefix),
        },
        { Sid: `ImportRoleIn${s.hosting}ReadWeights`, Effect: 'Allow', Principal: { AWS: importRole }, Action: 's3:GetObject', Resource: objects },
      ),
    ),
    accessDocument(
      s.id,
      s.registryAccount,
      'key-policy',
      `Weights key lets ${s.hosting}'s import role decrypt${key ? '' : ' (only if the bucket uses a customer-managed key)'}`,
      `key policy of ${key ?? '<weights-kms-key-arn>'} in ${s.registryAccount}`,
      iamPolicy({
        Sid: `ImportRoleIn${s.hosting}DecryptsWeights`,
        Effect: 'Allow',
        Principal: { AWS: importRole },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
      }),
    ),
  ];
  if (modelKey) {
    docs.push(
      accessDocument(
        s.id,
        s.hosting,
        'key-policy',
        `Imported model key in ${s.hosting} lets the import caller encrypt the imported model`,
        `key policy of ${modelKey}`,
        iamPolicy({
          Sid: 'ImportCallerEncryptsImportedModel',
          Effect: 'Allow',
          Principal: { AWS: caller },
          Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': `bedrock.${s.region}.amazonaws.com` } },
        }),
      ),
    );
  }
  docs.push(
    accessDocument(
      s.id,
      s.hosting,
      'note',
      'Import jobs',
      `account ${s.hosting}, Region ${s.region}`,
      `The weights are Hugging Face safetensors under s3://${weights.bucket}/${weights.prefix}. Import jobs emit no completion event: modelgate polls GetModelImportJob until it completes or fails.`,
    ),
  );
  return docs;
};

/* global module */
/**
 * Values serverless.yml derives from its parameters (osls resolves `${file(./serverless/params.cjs):name}`
 * by calling the function with `resolveVariable`). Each one checks its parameter, so a typo fails
 * `osls package` with a message instead of deploying a rule that matches nothing or an IAM policy
 * that grants the wrong thing.
 */

const GROUP_PREFIX = /^[a-zA-Z0-9-]*$/;
const BUCKET_NAME = /^[a-z0-9${}:A-Z.-]{3,}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-zA-Z0-9-]+$/;

const listParam = async (resolveVariable, name) =>
  String((await resolveVariable(`param:${name}`)) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const fail = (name, value, expected) => {
  throw new Error(`parameter ${name} is ${JSON.stringify(value)} (expected ${expected})`);
};

/** The model package group prefix ('' = every group). */
const groupPrefix = async (resolveVariable) => {
  const prefix = String((await resolveVariable('param:modelPackageGroupPrefix')) ?? '');
  if (!GROUP_PREFIX.test(prefix))
    fail('modelPackageGroupPrefix', prefix, 'the start of a model package group name: letters, digits and hyphens, or empty for every group');
  return prefix;
};

/** An inline policy of the evaluate role (a separate resource, so that it can be absent). */
const evaluatePolicy = (logicalId, policyName, statement) => ({
  Resources: {
    [logicalId]: {
      Type: 'AWS::IAM::RolePolicy',
      Properties: {
        RoleName: { Ref: 'EvaluateRole' },
        PolicyName: policyName,
        PolicyDocument: { Version: '2012-10-17', Statement: [statement] },
      },
    },
  },
});

module.exports = {
  /**
   * The `detail` of the evaluate rule's pattern. PendingManualApproval only: modelgate's own
   * UpdateModelPackage emits a new state-change event, which must not trigger the gate again.
   */
  evaluateDetail: async ({ resolveVariable }) => {
    const prefix = await groupPrefix(resolveVariable);
    return {
      ModelApprovalStatus: ['PendingManualApproval'],
      ModelPackageStatus: ['Completed'],
      ...(prefix ? { ModelPackageGroupName: [{ prefix }] } : {}),
    };
  },

  /** `s3:GetObject` resources: every object of each evidence bucket (names or bucket ARNs). */
  evidenceObjectArns: async ({ resolveVariable }) => {
    const buckets = await listParam(resolveVariable, 'evidenceBuckets');
    if (buckets.length === 0) fail('evidenceBuckets', '', 'at least one bucket that holds model evidence (comma-separated names or ARNs)');
    return buckets.map((bucket) => {
      const name = bucket.startsWith('arn:') ? bucket.replace(/^arn:[^:]+:s3:::/, '') : bucket;
      if (!BUCKET_NAME.test(name) || name.includes('*') || name.includes('/'))
        fail('evidenceBuckets', bucket, 'bucket names or bucket ARNs, no wildcards or key paths');
      return { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${name}/*` };
    });
  },

  /**
   * An extra policy for SSE-KMS evidence: `kms:Decrypt` on the given keys, only through S3. No
   * resource at all (null) when the parameter is empty.
   */
  evidenceKmsPolicy: async ({ resolveVariable }) => {
    const keys = await listParam(resolveVariable, 'evidenceKmsKeyArns');
    if (keys.length === 0) return null;
    for (const key of keys)
      if (!KMS_KEY_ARN.test(key)) fail('evidenceKmsKeyArns', key, 'KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>), comma-separated');
    return evaluatePolicy('EvaluateEvidenceKmsPolicy', 'evidence-kms', {
      Sid: 'DecryptEvidenceThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: keys,
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    });
  },

  /** `kms:Sign` on the decision signing key, when there is one (null otherwise: no resource). */
  signingPolicy: async ({ resolveVariable }) => {
    const key = String((await resolveVariable('param:signingKeyArn')) ?? '').trim();
    if (key === '') return null;
    if (!KMS_KEY_ARN.test(key)) fail('signingKeyArn', key, 'the ARN of an asymmetric SIGN_VERIFY KMS key (arn:aws:kms:<region>:<account>:key/<id>)');
    return evaluatePolicy('EvaluateSigningPolicy', 'sign-decisions', { Sid: 'SignDecisions', Effect: 'Allow', Action: ['kms:Sign'], Resource: key });
  },
};

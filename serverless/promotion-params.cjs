/* global module */
/**
 * Values serverless/promotion.yml derives from its parameters (resolved by osls as
 * `${file(./serverless/promotion-params.cjs):name}`). Each one checks its parameter, so a typo fails
 * `osls package` instead of deploying a rule that matches nothing or a role that may assume the
 * wrong thing. Unset parameters give values that match nothing: promotion is refused until the
 * deployment names its hosting accounts and roles (docs/promotion.md, "Deployment").
 */

const GROUP_PREFIX = /^[a-zA-Z0-9-]*$/;
const ACCOUNT = /^[0-9]{12}$/;
/** A role ARN, `*` / `?` allowed in the name part only (IAM accepts wildcards in resource ARNs). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/*?-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-zA-Z0-9-]+$/;
/** IAM resources that match nothing, for an unset parameter (a statement must name some resource). */
const NO_ROLE = 'arn:aws:iam::000000000000:role/modelgate-promotion-roles-not-configured';
const NO_KEY = 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000';

/** A parameter as a list; an undefined parameter is an empty list. */
const listParam = async (resolveVariable, name) => {
  let value;
  try {
    value = await resolveVariable(`param:${name}`);
  } catch {
    value = '';
  }
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
};

const fail = (name, value, expected) => {
  throw new Error(`parameter ${name} is ${JSON.stringify(value)} (expected ${expected})`);
};

module.exports = {
  /** The `detail` of the promote rule: Approved and Completed, in the gated groups. */
  promoteDetail: async ({ resolveVariable }) => {
    const prefix = String((await resolveVariable('param:modelPackageGroupPrefix')) ?? '');
    if (!GROUP_PREFIX.test(prefix)) fail('modelPackageGroupPrefix', prefix, 'letters, digits and hyphens, or empty for every group');
    return {
      ModelApprovalStatus: ['Approved'],
      ModelPackageStatus: ['Completed'],
      ...(prefix ? { ModelPackageGroupName: [{ prefix }] } : {}),
    };
  },

  /** MODELGATE_PROMOTION_ACCOUNTS: the hosting accounts promotion may reach ('' = none). */
  promotionAccounts: async ({ resolveVariable }) => {
    const accounts = await listParam(resolveVariable, 'promotionAccounts');
    for (const a of accounts) if (!ACCOUNT.test(a)) fail('promotionAccounts', a, 'comma-separated 12-digit account ids');
    return accounts.join(',');
  },

  /** MODELGATE_PROMOTION_ROLES: the role ARNs (globs) promotion may assume, as one string. */
  promotionRoles: async ({ resolveVariable }) => (await module.exports.promotionRoleArns({ resolveVariable })).filter((r) => r !== NO_ROLE).join(','),

  /** `sts:AssumeRole` resources: exactly the allow-listed role ARNs, or a role that does not exist. */
  promotionRoleArns: async ({ resolveVariable }) => {
    const roles = await listParam(resolveVariable, 'promotionRoleArns');
    for (const r of roles) if (!ROLE_ARN.test(r)) fail('promotionRoleArns', r, 'comma-separated IAM role ARNs (wildcards only in the role name)');
    return roles.length > 0 ? roles : [NO_ROLE];
  },

  /** `kms:Verify` resources: the signing key and the rotated-out keys still trusted. */
  verifyKeyArns: async ({ resolveVariable }) => {
    const keys = [...(await listParam(resolveVariable, 'signingKeyArn')), ...(await listParam(resolveVariable, 'trustedSigningKeyArns'))];
    for (const k of keys) if (!KMS_KEY_ARN.test(k)) fail('signingKeyArn/trustedSigningKeyArns', k, 'KMS key ARNs');
    return keys.length > 0 ? keys : [NO_KEY];
  },
};

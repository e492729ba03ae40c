/**
 * The allow-list rule every role assumption obeys, in one place: preflight checks each role a
 * promotion will assume before any stage starts, and the STS role assumer checks again at assume
 * time. Pure (no AWS): `modelgate doctor`, preflight and the targets share it.
 */
import type { PromotionTarget } from '../policy/types.js';
import type { PromotionAllowList } from './types.js';

/** What assuming needs from a target (a bedrock-copy's source-account role has the same shape). */
export type RoleTarget = Pick<PromotionTarget, 'account' | 'region' | 'roleArn' | 'externalId'>;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** The account of an IAM role ARN, or `undefined` when `arn` is not one. */
export const roleArnAccount = (arn: unknown): string | undefined => (typeof arn === 'string' ? ROLE_ARN.exec(arn)?.[1] : undefined);

/**
 * A role ARN glob as an anchored regular expression: `*` any run of characters (also across `/`,
 * so `role/modelgate/*` admits role paths), `?` one.
 */
export const roleGlob = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/**
 * Why assuming `target`'s role is not allowed (empty when it is): the account is not allow-listed,
 * the role is not an IAM role ARN, lives in another account than the target says, or matches no
 * allow-listed glob, or the ExternalId is missing.
 */
export const allowListProblems = (allowList: PromotionAllowList, target: RoleTarget): string[] => {
  const problems: string[] = [];
  const account = String(target.account ?? '');
  if (!allowList.accounts.includes(account)) {
    problems.push(
      `account ${account || '(none)'} is not on the promotion allow-list (allowed: ${allowList.accounts.join(', ') || 'none'}; ` +
        'set MODELGATE_PROMOTION_ACCOUNTS or .modelgate/promotion.json)',
    );
  }
  const roleAccount = roleArnAccount(target.roleArn);
  if (roleAccount === undefined) {
    problems.push(`roleArn ${JSON.stringify(target.roleArn)} is not an IAM role ARN (expected arn:aws:iam::<12 digits>:role/<name>)`);
  } else {
    if (roleAccount !== account) problems.push(`role ${target.roleArn} is in account ${roleAccount}, not in the target's account ${account}`);
    if (allowList.roles.length > 0 && !allowList.roles.some((glob) => roleGlob(glob).test(target.roleArn))) {
      problems.push(`role ${target.roleArn} matches none of the allow-listed roles (${allowList.roles.join(', ')})`);
    }
  }
  if (typeof target.externalId !== 'string' || target.externalId.trim() === '') {
    problems.push('has no externalId (externalId is missing or empty; every role assumption uses one: set it in the policy and in the role trust policy)');
  }
  return problems;
};

/**
 * Everything a promotion is checked for before its first stage starts: each target has an adapter,
 * valid options, an allow-listed account, a role in that account that the allow-list admits, and an
 * ExternalId; each `verify` entry names a known verifier with a valid config. One problem anywhere
 * refuses the whole promotion up front, so a bad production target never lets staging deploy.
 */
import type { PromotionStage, PromotionTarget } from '../../core/policy/types.js';
import type { PromotionAllowList } from '../../core/promotion/types.js';
import type { PromotionServices } from '../services.js';
import { adapterFor, verifierFor } from './steps.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/;

/**
 * A role ARN glob: `*` any run of characters (also across `/`, so `role/modelgate/*` admits role
 * paths), `?` one. The same dialect as the STS role assumer, which checks again at assume time.
 */
const roleGlobMatches = (glob: string, arn: string): boolean =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(arn);

/** Problems with one target's account, role and ExternalId against the allow-list (empty = allowed). */
export const allowListProblems = (allowList: PromotionAllowList, target: PromotionTarget): string[] => {
  const problems: string[] = [];
  const account = String(target.account ?? '');
  if (!allowList.accounts.includes(account)) {
    problems.push(
      `account ${account || '(none)'} is not on the promotion allow-list (allowed: ${allowList.accounts.join(', ') || 'none'}; ` +
        'set MODELGATE_PROMOTION_ACCOUNTS or .modelgate/promotion.json)',
    );
  }
  const roleArn = typeof target.roleArn === 'string' ? target.roleArn : '';
  const roleAccount = ROLE_ARN.exec(roleArn)?.[1];
  if (roleAccount === undefined) {
    problems.push(`roleArn ${JSON.stringify(target.roleArn)} is not an IAM role ARN (expected arn:aws:iam::<account>:role/<name>)`);
  } else {
    if (roleAccount !== account) problems.push(`role ${roleArn} is in account ${roleAccount}, not in the target's account ${account}`);
    if (allowList.roles.length > 0 && !allowList.roles.some((glob) => roleGlobMatches(glob, roleArn))) {
      problems.push(`role ${roleArn} matches none of the allow-listed roles (${allowList.roles.join(', ')})`);
    }
  }
  if (typeof target.externalId !== 'string' || target.externalId.trim() === '') {
    problems.push('has no externalId (every role assumption uses one; set externalId in the policy and the role trust policy)');
  }
  return problems;
};

/**
 * Every problem that must refuse a promotion through `stages` before anything is created, each
 * naming the stage and target (`stage staging, target 1 (sagemaker-endpoint in 222222222222): ...`).
 */
export const preflightProblems = (promotion: PromotionServices, stages: PromotionStage[]): string[] => {
  if (stages.length === 0) return ['the policy names no promotion stages'];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) problems.push(`stage ${stage.name} is named twice (stage names identify steps in the ledger)`);
    seen.add(stage.name);
    if (stage.targets.length === 0) problems.push(`stage ${stage.name} has no targets`);
    stage.targets.forEach((target, i) => {
      const where = `stage ${stage.name}, target ${i} (${String(target.kind)} in ${String(target.account)})`;
      const adapter = adapterFor(promotion, String(target.kind));
      const found = [
        ...allowListProblems(promotion.allowList, target),
        ...(adapter ? adapter.validate(target) : [`no adapter for target kind "${String(target.kind)}" in this deployment (available: ${promotion.targets.map((t) => t.kind).join(', ') || 'none'})`]),
      ];
      problems.push(...found.map((p) => `${where}: ${p}`));
    });
    (stage.verify ?? []).forEach((entry, i) => {
      const where = `stage ${stage.name}, verify ${i} (${entry.use})`;
      const verifier = verifierFor(promotion, entry.use);
      const found = verifier ? verifier.validate(entry.with ?? {}) : [`no verifier "${entry.use}" in this deployment (available: ${promotion.verifiers.map((v) => v.id).join(', ') || 'none'})`];
      problems.push(...found.map((p) => `${where}: ${p}`));
    });
  }
  return problems;
};

/**
 * Everything a promotion is checked for before its first stage starts: each target has an adapter,
 * valid options, an allow-listed account, a role in that account that the allow-list admits, and an
 * ExternalId — for every role it assumes, so also the model owner's role a `bedrock-copy` shares
 * the model with; each `verify` entry names a known verifier with a valid config. One problem
 * anywhere refuses the whole promotion up front, so a bad production target never lets staging deploy.
 */
import type { PromotionStage, PromotionTarget } from '../../core/policy/types.js';
import { allowListProblems, roleArnAccount, type RoleTarget } from '../../core/promotion/allow-list.js';
import type { PromotionAllowList } from '../../core/promotion/types.js';
import type { PromotionServices } from '../services.js';
import { adapterFor, verifierFor } from './steps.js';

export { allowListProblems };

/**
 * Every role a target makes modelgate assume, with the option names to blame: the target's own
 * role, and for `bedrock-copy` also the model owner's role that shares the model (in the account
 * its ARN names).
 */
const rolesOf = (target: PromotionTarget): Array<{ label: string; role: RoleTarget }> => {
  const roles: Array<{ label: string; role: RoleTarget }> = [{ label: '', role: target }];
  if (target.kind === 'bedrock-copy') {
    const roleArn = target['sourceAccountRoleArn'];
    roles.push({
      label: 'source role (sourceAccountRoleArn, sourceExternalId): ',
      role: { account: roleArnAccount(roleArn) ?? '', region: target.region, roleArn: roleArn as string, externalId: target['sourceExternalId'] as string },
    });
  }
  return roles;
};

/** Allow-list problems of every role `target` assumes, each prefixed with the options it came from. */
const roleProblems = (allowList: PromotionAllowList, target: PromotionTarget): string[] =>
  rolesOf(target).flatMap(({ label, role }) => allowListProblems(allowList, role).map((p) => `${label}${p}`));

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
        ...roleProblems(promotion.allowList, target),
        ...(adapter
          ? adapter.validate(target)
          : [
              `no adapter for target kind "${String(target.kind)}" in this deployment (available: ${promotion.targets.map((t) => t.kind).join(', ') || 'none'})`,
            ]),
      ];
      problems.push(...found.map((p) => `${where}: ${p}`));
    });
    (stage.verify ?? []).forEach((entry, i) => {
      const where = `stage ${stage.name}, verify ${i} (${entry.use})`;
      const verifier = verifierFor(promotion, entry.use);
      const found = verifier
        ? verifier.validate(entry.with ?? {})
        : [`no verifier "${entry.use}" in this deployment (available: ${promotion.verifiers.map((v) => v.id).join(', ') || 'none'})`];
      problems.push(...found.map((p) => `${where}: ${p}`));
    });
  }
  return problems;
};

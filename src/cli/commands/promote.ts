/**
 * `modelgate promote <runId> [--dry-run]`: walks the policy's promotion stages for an approved run.
 * `--dry-run` prints the plan (verification, the checks made before any stage starts, every
 * target's plan) and records nothing. Otherwise: on the embedded stack the local driver runs the
 * promotion to its end (dry-run targets: nothing is created); deployed (MODELGATE_LEDGER_TABLE set)
 * the promotion is recorded and handed to the state machine, and its id printed.
 * Exit 0 succeeded (or started, or a plan that would promote), 1 a stage failed, 77 refused.
 */
import { stageSummaries } from '../../app/promotion/events.js';
import { runPromotionLocally } from '../../app/promotion/local-driver.js';
import { planPromotion, type PromotionPlan } from '../../app/promotion/plan-promotion.js';
import { startPromotion } from '../../app/promotion/start-promotion.js';
import { promotionLedgerOf, promotionServicesOf } from '../../app/promotion/steps.js';
import { wantsAws } from '../../compose.js';
import { InvalidInputError } from '../../core/errors.js';
import type { PromotionRecord, PromotionStep } from '../../core/promotion/record.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { openServices } from '../services.js';

export const PROMOTE_USAGE = 'modelgate promote <runId> [--dry-run] [--as <identity>] [--format text|json]';

const renderPlan = (plan: PromotionPlan): string => {
  const label = plan.subject ? `${plan.subject.group}/${plan.subject.version}` : '(unknown subject)';
  const v = plan.verification;
  const lines = [
    `Promotion plan for ${label} (run ${plan.runId}; promotion ${plan.promotionId})`,
    v.ok ? `Verification: OK (${v.basis}) ${v.note ?? ''}`.trimEnd() : `Verification: REFUSED: ${v.reason}`,
    plan.problems.length === 0
      ? 'Checks before any stage starts: ok (allow-list, ExternalId, target options, verifiers)'
      : 'Checks before any stage starts: REFUSED',
    ...plan.problems.map((p) => `  - ${p}`),
  ];
  plan.stages.forEach((stage, i) => {
    lines.push(`Stage ${i + 1}: ${stage.name}${i > 0 ? ` (starts only after ${plan.stages[i - 1]!.name} verified)` : ''}`);
    for (const t of stage.targets) {
      lines.push(`  target ${t.index}: ${t.kind} in ${t.account}/${t.region} as ${t.roleArn}`);
      for (const line of t.lines) lines.push(`    - ${line}`);
    }
    for (const verify of stage.verify) lines.push(`  verify: ${verify.use} ${JSON.stringify(verify.with)}`);
  });
  if (plan.stages.length === 0) lines.push('No stages: the policy names nowhere to promote.');
  lines.push(
    plan.dryRunOnly
      ? 'This is the embedded stack: its targets are dry runs, so even a real run creates nothing in any hosting account.'
      : 'Deployed, these steps run in the hosting accounts through the promotion state machine.',
    `--dry-run: nothing was recorded or created. ${plan.wouldPromote ? 'The promotion would proceed.' : 'The promotion would be refused.'}`,
  );
  return `${lines.join('\n')}\n`;
};

const renderResult = (record: PromotionRecord, steps: PromotionStep[], state: string, reason: string | undefined, duplicate: boolean): string => {
  const lines = [
    `Promotion ${record.promotionId} of ${record.subject.group}/${record.subject.version} (run ${record.runId}): ${state.toUpperCase()}${duplicate ? ' (this run was promoted before: nothing was started again)' : ''}`,
    `Approval: ${record.approval.basis}${record.approval.by ? ` by ${record.approval.by}` : ''}: ${record.approval.note}`,
  ];
  for (const stage of stageSummaries(record, steps)) {
    lines.push(`  ${stage.name}: ${stage.state}`);
    for (const t of stage.targets) lines.push(`    ${t.kind} in ${t.account}/${t.region}: ${t.state}${t.message ? ` (${t.message})` : ''}`);
  }
  if (reason) lines.push(`Reason: ${reason}`);
  if (record.dryRun) lines.push('Dry run: nothing was created in any hosting account.');
  lines.push(`Look closer: modelgate runs show ${record.runId}`);
  return `${lines.join('\n')}\n`;
};

export const promoteCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { 'dry-run': { type: 'boolean' }, as: { type: 'string' }, format: { type: 'string' } },
    PROMOTE_USAGE,
    { min: 1, max: 1, names: '<runId>' },
  );
  if (values.help) return (io.stdout(`${PROMOTE_USAGE}\n`), EXIT.ok);
  const format = oneOf(values.format, ['text', 'json'] as const, '--format', PROMOTE_USAGE) ?? 'text';
  const runId = positionals[0]!;
  const stack = await openServices(io);
  try {
    const { services } = stack;
    if (values['dry-run']) {
      const plan = await planPromotion(services, runId);
      io.stdout(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
      return plan.wouldPromote ? EXIT.ok : EXIT.refused;
    }
    const runner = promotionServicesOf(services).runner;
    if (wantsAws(io.env) && !runner) {
      throw new InvalidInputError('MODELGATE_PROMOTION_STATE_MACHINE_ARN is not set', 'environment', 'the promotion state machine that runs promotions in AWS');
    }
    const actor = values.as ?? io.env['USER'];
    // RefusedError (exit 77) after it is recorded: run-cli maps it.
    const started = await startPromotion(services, { runId, ...(actor ? { actor } : {}), trigger: { source: 'cli' } });
    const { promotionId } = started.promotion;
    if (wantsAws(io.env)) {
      await runner!.start(promotionId);
      io.stdout(
        format === 'json'
          ? `${JSON.stringify({ promotionId, runId, state: 'started', duplicate: started.duplicate }, null, 2)}\n`
          : `Promotion ${promotionId} started (state machine execution ${promotionId}). Follow it: modelgate runs show ${runId}\n`,
      );
      return EXIT.ok;
    }
    if (io.isTTY && format === 'text') io.stderr(`promoting ${started.promotion.subject.group}/${started.promotion.subject.version}…\n`);
    const result = await runPromotionLocally(services, promotionId);
    const view = await promotionLedgerOf(services).getPromotion(promotionId);
    const steps = view?.steps ?? [];
    const reason = result.state === 'failed' ? result.reason : undefined;
    io.stdout(
      format === 'json'
        ? `${JSON.stringify({ promotionId, runId, state: result.state, ...(reason ? { reason } : {}), duplicate: started.duplicate, record: started.promotion, steps }, null, 2)}\n`
        : renderResult(started.promotion, steps, result.state, reason, started.duplicate),
    );
    return result.state === 'succeeded' ? EXIT.ok : EXIT.failed;
  } finally {
    await stack.close();
  }
};

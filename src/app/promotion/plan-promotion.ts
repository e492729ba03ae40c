/**
 * planPromotion (`modelgate promote <runId> --dry-run`): what a promotion of a run would do — the
 * verification result, the checks made before any stage starts, and every target's plan lines —
 * without recording or creating anything.
 */
import type { PromotionBasis } from '../../core/promotion/record.js';
import { promotionIdOf } from '../../core/promotion/record.js';
import type { TargetContext } from '../../core/promotion/types.js';
import type { Subject } from '../../core/subject.js';
import type { AppServices } from '../services.js';
import { preflightProblems } from './preflight.js';
import { adapterFor, promotionServicesOf, stepTokenOf } from './steps.js';
import { verifyPromotion } from './verify-approval.js';

export interface PromotionPlan {
  runId: string;
  promotionId: string;
  subject: Subject | null;
  verification: { ok: boolean; reason?: string; basis?: PromotionBasis; by?: string; note?: string };
  /** Problems found before any stage would start (allow-list, ExternalId, target options, verifiers). */
  problems: string[];
  /** The promotion would run and deploy (when not `dryRunOnly`). */
  wouldPromote: boolean;
  /** The deployment only plans and records (the embedded stack). */
  dryRunOnly: boolean;
  stages: Array<{
    name: string;
    targets: Array<{ index: number; kind: string; account: string; region: string; roleArn: string; lines: string[] }>;
    verify: Array<{ use: string; with: Record<string, unknown> }>;
  }>;
}

/**
 * The plan for promoting `runId`. Records nothing; a refusal shows as `verification.ok: false`.
 *
 * @throws NotFoundError for an unknown run id.
 */
export const planPromotion = async (services: AppServices, runId: string): Promise<PromotionPlan> => {
  const promotion = promotionServicesOf(services);
  const v = await verifyPromotion(services, { runId });
  const promotionId = promotionIdOf(runId);
  const stages = v.policy?.doc.promotion?.stages ?? [];
  const problems = stages.length > 0 ? preflightProblems(promotion, stages) : [];
  const planned = await Promise.all(
    stages.map(async (stage) => ({
      name: stage.name,
      targets: await Promise.all(
        stage.targets.map(async (target, index) => {
          const adapter = adapterFor(promotion, String(target.kind));
          let lines: string[];
          if (!adapter) lines = [`(no adapter for kind "${String(target.kind)}": nothing can be planned)`];
          else if (!v.pkg || !v.run) lines = ['(no plan: the model package is not in the registry)'];
          else {
            const ctx: TargetContext = {
              runId,
              promotionId,
              subject: v.run.subject,
              modelPackage: v.pkg,
              stage: stage.name,
              stepToken: stepTokenOf(promotionId, stage.name, `target/${index}`),
              dryRun: true,
            };
            try {
              lines = adapter.plan(target, ctx);
            } catch (err) {
              lines = [`(plan failed: ${(err as Error).message})`];
            }
          }
          return { index, kind: String(target.kind), account: String(target.account), region: String(target.region), roleArn: String(target.roleArn), lines };
        }),
      ),
      verify: (stage.verify ?? []).map((e) => ({ use: e.use, with: e.with ?? {} })),
    })),
  );
  return {
    runId,
    promotionId,
    subject: v.run?.subject ?? null,
    verification: {
      ok: v.ok,
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
      ...(v.approval ? { basis: v.approval.basis, note: v.approval.note, ...(v.approval.by ? { by: v.approval.by } : {}) } : {}),
    },
    problems,
    wouldPromote: v.ok && problems.length === 0,
    dryRunOnly: promotion.dryRunOnly,
    stages: planned,
  };
};

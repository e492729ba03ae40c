/**
 * The bookkeeping every promotion use case shares: timing defaults, the deterministic step token a
 * target uses as client token and in resource names, the target context, and the `StepBook` that
 * writes steps under optimistic concurrency.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, NotBuiltError } from '../../core/errors.js';
import type { ModelPackage } from '../../core/model-package.js';
import type { PromotionTarget } from '../../core/policy/types.js';
import type { PromotionRecord, PromotionStep, PromotionStepState, PromotionTiming } from '../../core/promotion/record.js';
import type { HostingTarget, StageVerifier, TargetContext } from '../../core/promotion/types.js';
import type { Clock, Ledger, PromotionLedger } from '../../core/ports.js';
import type { AppServices, PromotionServices } from '../services.js';

/** Consecutive throws of a target's start/poll (or a rollback's poll) before it counts as failed (transient errors are retried on the next poll). */
export const MAX_TARGET_ERRORS = 3;

export const DEFAULT_TIMING: PromotionTiming = { stageDeadlineSeconds: 3600, initialWaitSeconds: 15, maxWaitSeconds: 60 };

/** The timing of a new promotion: the configured values over the defaults, each checked. */
export const timingOf = (configured: Partial<PromotionTiming> = {}): PromotionTiming => {
  const timing = { ...DEFAULT_TIMING, ...configured };
  for (const [name, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value <= 0) throw new InvalidInputError(`got ${value}`, `promotion timing ${name}`, 'a positive number of seconds');
  }
  if (timing.maxWaitSeconds < timing.initialWaitSeconds) {
    throw new InvalidInputError(
      `${timing.maxWaitSeconds} is below initialWaitSeconds ${timing.initialWaitSeconds}`,
      'promotion timing maxWaitSeconds',
      'at least initialWaitSeconds',
    );
  }
  return timing;
};

/** The wait before poll number `polls` (1-based): the initial wait, doubled each time, capped. */
export const backoffSeconds = (timing: PromotionTiming, polls: number): number =>
  Math.min(timing.maxWaitSeconds, timing.initialWaitSeconds * 2 ** Math.max(0, polls - 1));

/**
 * Deterministic per (promotion, stage, target): `mg-<stage, up to 20 chars>-<12 hex>`, at most 36
 * characters of `[a-z0-9-]`, so it fits client-token and resource-name limits (endpoint names: 63).
 */
export const stepTokenOf = (promotionId: string, stage: string, slot: string): string => {
  const hash = createHash('sha256').update(`${promotionId}\n${stage}\n${slot}`).digest('hex').slice(0, 12);
  const readable = stage
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 20)
    .replace(/^-+|-+$/g, '');
  return readable ? `mg-${readable}-${hash}` : `mg-${hash}`;
};

export const targetContextOf = (record: PromotionRecord, pkg: ModelPackage, stage: string, slot: string): TargetContext => ({
  runId: record.runId,
  promotionId: record.promotionId,
  subject: record.subject,
  modelPackage: pkg,
  stage,
  stepToken: stepTokenOf(record.promotionId, stage, slot),
  dryRun: record.dryRun,
});

/** `kind in account/region` for messages. */
export const describeTarget = (t: PromotionTarget): string => `${t.kind} in ${t.account}/${t.region}`;

/** The promotion services, or a plain error saying they are not configured here. */
export const promotionServicesOf = (services: AppServices): PromotionServices => {
  if (!services.promotion) {
    throw new InvalidInputError(
      'promotion is not configured in this deployment',
      'services.promotion',
      'hosting targets, verifiers and an allow-list (src/compose.ts)',
    );
  }
  return services.promotion;
};

/** The ledger, when it records promotions (the DynamoDB ledger does; a benchmark's in-memory one may not). */
export const promotionLedgerOf = (services: AppServices): Ledger & PromotionLedger => {
  const l = services.ledger;
  if (!l.claimPromotion || !l.getPromotion || !l.listPromotions || !l.putPromotionStep) {
    throw new NotBuiltError('promotion records on this ledger (it has no claimPromotion, getPromotion, listPromotions, putPromotionStep)');
  }
  return l as Ledger & PromotionLedger;
};

export const adapterFor = (promotion: PromotionServices, kind: string): HostingTarget | undefined => promotion.targets.find((t) => t.kind === kind);

export const verifierFor = (promotion: PromotionServices, id: string): StageVerifier | undefined => promotion.verifiers.find((v) => v.id === id);

/**
 * The steps of one promotion as last read, and the only way to write them: each write is the next
 * version of its step and succeeds only when nobody wrote that step since it was read.
 */
export class StepBook {
  readonly #steps = new Map<string, PromotionStep>();

  constructor(
    private readonly ledger: PromotionLedger,
    private readonly clock: Clock,
    readonly promotionId: string,
    steps: PromotionStep[],
  ) {
    for (const s of steps) this.#steps.set(s.key, s);
  }

  get(key: string): PromotionStep | undefined {
    return this.#steps.get(key);
  }

  all(): PromotionStep[] {
    return [...this.#steps.values()];
  }

  /** Writes the next version of `key`; `false` when another writer got there first (the book then re-reads that step). */
  async write(key: string, state: PromotionStepState, message: string, data: Record<string, unknown>): Promise<boolean> {
    const step: PromotionStep = { key, version: (this.#steps.get(key)?.version ?? 0) + 1, state, message, updatedAt: this.clock.now().toISOString(), data };
    if (await this.ledger.putPromotionStep(this.promotionId, step)) {
      this.#steps.set(key, step);
      return true;
    }
    await this.refresh();
    return false;
  }

  /** Re-reads the steps; a concurrent write of this book is never replaced by an older version. */
  async refresh(): Promise<void> {
    const view = await this.ledger.getPromotion(this.promotionId);
    for (const s of view?.steps ?? []) {
      const known = this.#steps.get(s.key);
      if (!known || s.version >= known.version) this.#steps.set(s.key, s);
    }
  }
}

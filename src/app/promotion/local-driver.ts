/**
 * The embedded stack's stand-in for the Step Functions state machine: the same loop — advance,
 * wait, advance — in-process, with short waits. On AWS the state machine in
 * serverless/promotion.yml runs this loop, and no Lambda ever sleeps.
 */
import type { PromotionRunner } from '../../core/promotion/record.js';
import type { AppServices } from '../services.js';
import { advancePromotion, type AdvanceResult } from './advance-promotion.js';

export interface LocalDriverOptions {
  /** How to wait (injectable for tests); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Waits are cut to this many seconds locally (default 1): dry-run targets finish at once. */
  maxWaitSeconds?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Advances a promotion until it succeeds or fails. Terminates: every stage has a deadline, after
 * which `advancePromotion` fails the promotion.
 *
 * @example
 * ```ts
 * const result = await runPromotionLocally(services, promotion.promotionId, { sleep: async () => undefined });
 * ```
 */
export const runPromotionLocally = async (
  services: AppServices,
  promotionId: string,
  opts: LocalDriverOptions = {},
): Promise<Exclude<AdvanceResult, { state: 'waiting' }>> => {
  const sleep = opts.sleep ?? realSleep;
  const cap = opts.maxWaitSeconds ?? 1;
  for (;;) {
    const result = await advancePromotion(services, promotionId);
    if (result.state !== 'waiting') return result;
    await sleep(Math.min(result.waitSeconds, cap) * 1000);
  }
};

/** A PromotionRunner that runs the promotion to its end before `start` returns (the embedded stack, the CLI). */
export const localPromotionRunner = (services: AppServices, opts: LocalDriverOptions = {}): PromotionRunner => ({
  start: async (promotionId) => {
    await runPromotionLocally(services, promotionId, opts);
  },
});

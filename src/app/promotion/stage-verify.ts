/**
 * A stage's `verify` entries, run once all its targets succeeded. Each verdict is recorded as a
 * step, so a retried advance reuses it instead of invoking the endpoint again.
 */
import type { PromotionStage } from '../../core/policy/types.js';
import { stepKeys } from '../../core/promotion/record.js';
import type { TargetProgress } from '../../core/promotion/types.js';
import type { Advance, TargetStanding } from './advance-promotion.js';
import { targetContextOf, verifierFor } from './steps.js';

export interface VerifyVerdict {
  use: string;
  passed: boolean;
  message: string;
}

/** Runs (or reads back) every verifier of `stage`, in order; stops at the first that does not pass. */
export const runStageVerifiers = async (a: Advance, stage: PromotionStage, standings: TargetStanding[]): Promise<VerifyVerdict[]> => {
  const verdicts: VerifyVerdict[] = [];
  for (const [k, entry] of (stage.verify ?? []).entries()) {
    const key = stepKeys.verify(stage.name, k);
    const known = a.book.get(key);
    if (known && (known.state === 'succeeded' || known.state === 'failed')) {
      verdicts.push({ use: entry.use, passed: known.state === 'succeeded', message: known.message });
    } else {
      const verifier = verifierFor(a.promotion, entry.use);
      let result: { passed: boolean; message: string; metrics: Record<string, number> };
      if (!verifier) {
        result = { passed: false, message: `no verifier "${entry.use}" in this deployment`, metrics: {} };
      } else {
        try {
          const targets = standings.map((s) => ({ target: s.target, progress: s.progress as TargetProgress }));
          result = await verifier.run(entry.with ?? {}, targetContextOf(a.record, a.pkg, stage.name, `verify/${k}`), targets);
        } catch (err) {
          result = { passed: false, message: `${entry.use} threw: ${(err as Error).message}`, metrics: {} };
        }
      }
      const won = await a.book.write(key, result.passed ? 'succeeded' : 'failed', result.message, { use: entry.use, metrics: result.metrics });
      const stored = a.book.get(key)!;
      if (won)
        await a.audit('promotion.verify', { stage: stage.name, use: entry.use, passed: result.passed, message: result.message, metrics: result.metrics });
      verdicts.push({ use: entry.use, passed: stored.state === 'succeeded', message: stored.message });
    }
    if (!verdicts[verdicts.length - 1]!.passed) break;
  }
  return verdicts;
};

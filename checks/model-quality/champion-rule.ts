/**
 * A `vsChampion` rule judged by the paired comparison: the candidate holds when, with the chosen
 * confidence, it is worse than the champion by at most the allowance — `worseningBound ≤
 * maxWorsening` and `worseningBound ≤ maxRelativeWorsening × |champion|`. Stricter than the
 * point difference by design: "not worse than the champion by more than δ with 95% confidence".
 */
import type { ChampionRule } from '../../src/core/thresholds.js';
import { fmt } from '../../src/core/thresholds.js';
import type { PairedComparison } from '../../src/metrics/quality/index.js';

export interface PairedRuleVerdict {
  /** Full sentences, one per broken allowance. */
  violations: string[];
  /** One sentence on the comparison when every allowance holds. */
  holds?: string;
}

const percent = (confidence: number): string => `${fmt(confidence * 100)}%`;

/** `worse by at most 0.034` or `better by at least 0.01`. */
const describeBound = (bound: number, champion: number, relative: boolean): string => {
  const rel = relative && champion !== 0 ? ` (${fmt((Math.abs(bound) / Math.abs(champion)) * 100)}%)` : '';
  return bound > 0 ? `worse by at most ${fmt(bound)}${rel}` : bound < 0 ? `better by at least ${fmt(-bound)}${rel}` : 'not worse';
};

/**
 * Applies `rule` to a comparison whose `worseningBound` is a number.
 *
 * @example
 * ```ts
 * pairedRuleVerdict('accuracy', 0.81, 0.83, { maxWorsening: 0.01 }, { worseningBound: 0.034, ... }, 0.95).violations;
 * // ['accuracy is 0.81 vs champion 0.83: worse by at most 0.034 at 95% confidence, more than maxWorsening 0.01']
 * ```
 */
export const pairedRuleVerdict = (
  name: string,
  value: number,
  champion: number,
  rule: ChampionRule,
  comparison: PairedComparison & { worseningBound: number },
  confidence: number,
): PairedRuleVerdict => {
  const bound = comparison.worseningBound;
  const head = `${name} is ${fmt(value)} vs champion ${fmt(champion)}`;
  const conf = `at ${percent(confidence)} confidence`;
  const violations: string[] = [];
  const allowed: string[] = [];
  if (rule.maxWorsening !== undefined) {
    if (bound > rule.maxWorsening)
      violations.push(`${head}: ${describeBound(bound, champion, false)} ${conf}, more than maxWorsening ${fmt(rule.maxWorsening)}`);
    else allowed.push(`maxWorsening ${fmt(rule.maxWorsening)}`);
  }
  if (rule.maxRelativeWorsening !== undefined) {
    // Relative to |champion|, as the point rule: a signed denominator would flip it for negative metrics.
    const allowance = rule.maxRelativeWorsening * Math.abs(champion);
    const pct = `${fmt(rule.maxRelativeWorsening * 100)}%`;
    if (bound > allowance) violations.push(`${head}: ${describeBound(bound, champion, true)} ${conf}, more than maxRelativeWorsening ${pct}`);
    else allowed.push(`maxRelativeWorsening ${pct}`);
  }
  if (violations.length > 0) return { violations };
  return {
    violations,
    holds: `${head}: ${describeBound(bound, champion, rule.maxRelativeWorsening !== undefined)} ${conf} (paired, same rows), within ${allowed.join(' and ')}`,
  };
};

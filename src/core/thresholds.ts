/**
 * The threshold vocabulary shared by every check (POLICY-AND-CLI.md): `min`, `max` (inclusive),
 * `maxAbs` (|value| ≤ x), and `vsChampion` with `maxWorsening` (absolute) or
 * `maxRelativeWorsening` (a fraction of |champion|).
 */

export interface ChampionRule {
  maxWorsening?: number;
  maxRelativeWorsening?: number;
}

export interface Threshold {
  min?: number;
  max?: number;
  maxAbs?: number;
  vsChampion?: ChampionRule;
}

export interface ThresholdOptions {
  /** Whether higher values are better (from the metric library, or `greaterIsBetter` in config). */
  greaterIsBetter: boolean;
  /** The champion's value: a number, `null` when not computable for the champion, `undefined` when there is no champion. */
  champion?: number | null;
  /** A confidence interval for `value`. */
  interval?: [number, number];
  /**
   * Fail only when the whole interval lies beyond a bound (the evidence is conclusive); otherwise
   * the point value decides.
   */
  failOnlyWhenIntervalCrosses?: boolean;
  /**
   * The policy accepts that this metric may be not computable (`allowNotComputable: true` in its
   * rule). Only then may a ±Infinity value be judged: it fails a bound it lies beyond. Without the
   * opt-in every non-finite value is simply not computable, which a check never counts as a pass.
   */
  allowNotComputable?: boolean;
}

export interface ThresholdVerdict {
  /** `true` all rules hold, `false` a rule is broken, `null` nothing could be evaluated. */
  passed: boolean | null;
  /** One phrase per broken rule: `below min 0.8`. */
  violations: string[];
  /** Rules that could not be applied, with why: `vsChampion not applicable: no champion`. */
  notApplicable: string[];
}

/** Formats a number for a message: at most 4 decimals, no trailing zeros. */
export const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6 || (Math.abs(n) < 1e-4 && n !== 0)) return n.toExponential(3);
  return String(Number(n.toFixed(4)));
};

/** Whether `value` is a number a rule can be held against: finite (not null, NaN or ±Infinity). */
export const isComputable = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * A non-finite value against the bounds: never a pass. With `allowNotComputable`, ±Infinity
 * beyond a bound fails it (DI = Infinity is above any `max`); anything else is not computable.
 */
const notComputableVerdict = (value: number | null, t: Threshold, opts: ThresholdOptions): ThresholdVerdict => {
  const what = value === null || Number.isNaN(value) ? 'not computable' : `not computable (${value > 0 ? 'Infinity' : '-Infinity'})`;
  const violations: string[] = [];
  if (opts.allowNotComputable === true && value !== null && !Number.isNaN(value)) {
    if (t.min !== undefined && value < t.min) violations.push(`below min ${fmt(t.min)}`);
    if (t.max !== undefined && value > t.max) violations.push(`above max ${fmt(t.max)}`);
    if (t.maxAbs !== undefined) violations.push(`beyond maxAbs ${fmt(t.maxAbs)}`);
  }
  return { passed: violations.length > 0 ? false : null, violations, notApplicable: [what] };
};

/**
 * Applies a threshold to a value. Pure; messages are short phrases meant to follow "<metric> is <value>, ".
 * A value that is not finite (null, NaN, ±Infinity) is never a pass: `passed` is `null` (not
 * computable) or, with `allowNotComputable`, `false` when an infinite value lies beyond a bound.
 * A champion that is not finite makes `vsChampion` not applicable, never a pass of it.
 */
export const evaluateThreshold = (value: number | null, t: Threshold, opts: ThresholdOptions): ThresholdVerdict => {
  const violations: string[] = [];
  const notApplicable: string[] = [];
  let evaluated = 0;
  if (!isComputable(value)) return notComputableVerdict(value, t, opts);
  // An interval with a non-finite end says nothing: the point value decides.
  const useInterval = opts.failOnlyWhenIntervalCrosses === true && opts.interval !== undefined && opts.interval.every(Number.isFinite);
  const [lo, hi] = useInterval ? opts.interval! : [value, value];
  const within = useInterval ? ` (interval ${fmt(lo)}..${fmt(hi)})` : '';

  if (t.min !== undefined) {
    evaluated++;
    if (hi < t.min) violations.push(`below min ${fmt(t.min)}${within}`);
  }
  if (t.max !== undefined) {
    evaluated++;
    if (lo > t.max) violations.push(`above max ${fmt(t.max)}${within}`);
  }
  if (t.maxAbs !== undefined) {
    evaluated++;
    // The smallest |x| the evidence allows: 0 when the interval straddles zero.
    const smallestAbs = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
    if (smallestAbs > t.maxAbs) violations.push(`beyond maxAbs ${fmt(t.maxAbs)}${within}`);
  }
  const vc = t.vsChampion;
  if (vc && (vc.maxWorsening !== undefined || vc.maxRelativeWorsening !== undefined)) {
    if (opts.champion === undefined) {
      notApplicable.push('vsChampion not applicable: no champion');
    } else if (!isComputable(opts.champion)) {
      notApplicable.push("vsChampion not applicable: the champion's value is not computable");
    } else {
      evaluated++;
      const champion: number = opts.champion;
      const worsening = opts.greaterIsBetter ? champion - value : value - champion;
      if (vc.maxWorsening !== undefined && worsening > vc.maxWorsening) {
        violations.push(`worse than the champion (${fmt(champion)}) by ${fmt(worsening)}, more than maxWorsening ${fmt(vc.maxWorsening)}`);
      }
      if (vc.maxRelativeWorsening !== undefined) {
        // Relative to |champion|: a signed denominator would flip the rule for negative metrics.
        const allowed = vc.maxRelativeWorsening * Math.abs(champion);
        if (worsening > allowed) {
          const rel = champion === 0 ? 'from 0' : `${fmt((worsening / Math.abs(champion)) * 100)}%`;
          violations.push(`worse than the champion (${fmt(champion)}) by ${rel}, more than maxRelativeWorsening ${fmt(vc.maxRelativeWorsening * 100)}%`);
        }
      }
    }
  }
  return { passed: evaluated === 0 ? null : violations.length === 0, violations, notApplicable };
};

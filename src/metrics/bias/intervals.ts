/**
 * 95% confidence intervals for the rate-based bias metrics (docs/metrics/bias.md, "Intervals"):
 * Wilson score for a proportion, Newcombe's hybrid score (method 10) for a difference of two
 * independent proportions, and the Katz log method for a ratio of proportions (DI).
 */

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for `x` successes in `n` trials (`n > 0`), clamped to [0, 1]. */
export const wilson = (x: number, n: number, z = Z95): [number, number] => {
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
};

/**
 * Newcombe's hybrid score interval for p1 − p2 = x1/n1 − x2/n2 (both `n > 0`): combines the
 * Wilson intervals of each proportion. Good coverage for small samples and rates near 0 or 1.
 */
export const newcombe = (x1: number, n1: number, x2: number, n2: number, z = Z95): [number, number] => {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
};

/**
 * Katz log interval for the ratio (x1/n1)/(x2/n2), requiring `x2 > 0`. When `x1 = 0` the ratio is
 * 0 and its log undefined: the lower limit is 0 and the upper limit comes from the same method
 * with ½ added to every cell of the 2×2 table (Haldane–Anscombe).
 */
export const katzRatio = (x1: number, n1: number, x2: number, n2: number, z = Z95): [number, number] => {
  if (x1 > 0) {
    const ratio = x1 / n1 / (x2 / n2);
    const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
    return [ratio * Math.exp(-z * se), ratio * Math.exp(z * se)];
  }
  const a = x1 + 0.5;
  const m = n1 + 1;
  const b = x2 + 0.5;
  const k = n2 + 1;
  const se = Math.sqrt(1 / a - 1 / m + 1 / b - 1 / k);
  return [0, (a / m / (b / k)) * Math.exp(z * se)];
};

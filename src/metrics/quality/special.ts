/**
 * The complementary error function, to double precision, for the p-value of McNemar's χ² test:
 * P(χ²₁ > s) = erfc(√(s/2)).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erfc(x) = 1 − erf(x). Absolute error below 1e-15; relative error below 1e-14 for x ≥ 0. */
export const erfc = (x: number): number => {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π · e^{-x²} · Σ_n (2x²)^n · x / (1·3·…·(2n+1)): every term positive, no cancellation.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 0; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 3);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  // Laplace's continued fraction erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
  // evaluated by the modified Lentz method; it converges fast for x ≥ 2 (under ~100 terms to full precision).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    const a = j / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
};

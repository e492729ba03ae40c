/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) and Poisson(1)
 * draws. Seeded so that a gate decision is reproducible: the same rows in the same order give the
 * same bootstrap bound.
 */

/** xoshiro128**: 128 bits of state, period 2^128 − 1, passes BigCrush; plenty for resampling weights. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 spreads any 32-bit seed (0 included) over the four state words.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** The four state words, for a hot loop that inlines the generator (see OnlineBootstrap). */
  snapshot(): Int32Array {
    return Int32Array.of(this.s0, this.s1, this.s2, this.s3);
  }

  /** A uniform double in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

// Poisson(1) by inversion on a 32-bit uniform u: K = #{k : u ≥ 2^32 · P(K ≤ k)}. Beyond k = 12 the
// tail P(K > 12) ≈ 1e-10 falls below the 2^-32 resolution of u, so the table stops there (a
// weight of 13 or more never occurs; the variance lost is of order 1e-9). On average ≈ 2 comparisons.
const POISSON1_THRESHOLDS: Float64Array = (() => {
  const t = new Float64Array(13);
  let term = Math.exp(-1);
  let acc = 0;
  for (let k = 0; k < t.length; k++) {
    acc += term;
    t[k] = Math.floor(acc * 4294967296);
    term /= k + 1;
  }
  return t;
})();

/** A Poisson(1) draw from a uniform 32-bit unsigned integer. */
export const poissonFromUint32 = (u: number): number => {
  let k = 0;
  while (k < 12 && u >= POISSON1_THRESHOLDS[k]!) k++;
  return k;
};

/** A Poisson(1) draw. */
export const poisson1 = (rng: Xoshiro128): number => poissonFromUint32(rng.nextUint32());

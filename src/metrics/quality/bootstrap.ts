/**
 * The online paired bootstrap. Instead of resampling rows (which needs them all in memory), every
 * row gets an independent Poisson(1) weight in each of B replicates as it streams past — the
 * Poisson limit of multinomial resampling (Oza & Russell 2001; Hanley & MacGibbon 2006). Each
 * replicate keeps the weighted sufficient statistics of both models, so memory is O(B · S) for S
 * statistics, independent of the row count; time is O(rows · B). The same weight applies to the
 * candidate and the champion on a row: that pairing is what cancels the shared row-to-row noise.
 */
import { poissonFromUint32, Xoshiro128 } from './prng.js';

export const DEFAULT_REPLICATES = 200;
export const DEFAULT_SEED = 20240601;

export class OnlineBootstrap {
  readonly replicates: number;
  readonly statSize: number;
  /** Replicate r's statistics live at [r · statSize, (r + 1) · statSize). */
  readonly stats: Float64Array;
  // xoshiro128** state, inlined in addRow: this loop runs rows × B times and a method call per
  // draw made it several times slower.
  private readonly state: Int32Array;

  constructor(statSize: number, replicates = DEFAULT_REPLICATES, seed = DEFAULT_SEED) {
    if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`bootstrap: replicates must be an integer ≥ 2, got ${replicates}`);
    this.replicates = replicates;
    this.statSize = statSize;
    this.stats = new Float64Array(replicates * statSize);
    this.state = new Xoshiro128(seed).snapshot();
  }

  /**
   * Adds one row whose contribution is `val[k]` to statistic `idx[k]` for k < count. Draws exactly
   * B weights per row, in row order, so any split into batches gives identical replicates.
   */
  addRow(idx: Int32Array, val: Float64Array, count: number): void {
    const { stats, statSize, replicates, state } = this;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    for (let r = 0, base = 0; r < replicates; r++, base += statSize) {
      const u = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const w = poissonFromUint32(u);
      if (w === 0) continue;
      for (let k = 0; k < count; k++) stats[base + idx[k]!]! += w * val[k]!;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }

  replicate(r: number): Float64Array {
    return this.stats.subarray(r * this.statSize, (r + 1) * this.statSize);
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Linear-interpolation quantile (type 7) of sorted values. */
export const quantileSorted = (sorted: ArrayLike<number>, q: number): number => {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
};

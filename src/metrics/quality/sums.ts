/**
 * Compensated summation (Neumaier's variant of Kahan). A plain running sum over millions of rows
 * loses digits once the total dwarfs each term; the compensation keeps the error at about one
 * rounding of the final total, independent of the row count.
 */
export class CompensatedSum {
  private sum = 0;
  private comp = 0;

  add(x: number): void {
    const t = this.sum + x;
    // Whichever operand is larger in magnitude keeps its low-order bits; recover the other's.
    if (Math.abs(this.sum) >= Math.abs(x)) this.comp += this.sum - t + x;
    else this.comp += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.comp;
  }
}

/**
 * Welford's running mean and sum of squared deviations: the numerically stable way to get
 * Σ(y − ȳ)² in one pass (the textbook Σy² − (Σy)²/n cancels catastrophically for large means).
 */
export class RunningMoments {
  n = 0;
  mean = 0;
  /** Σ (y − mean)². Exactly 0 when every y is equal. */
  m2 = 0;

  add(y: number): void {
    this.n++;
    const delta = y - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (y - this.mean);
  }
}

/** Input to a quality accumulator that the formulas cannot accept (a NaN label, a score outside [0, 1]). */
export class QualityInputError extends Error {
  /** 0-based row index over every row added to the accumulator so far. */
  readonly row: number;
  constructor(row: number, message: string) {
    super(`row ${row}: ${message}`);
    this.name = 'QualityInputError';
    this.row = row;
  }
}

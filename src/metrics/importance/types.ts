/** A number, or `null` with why it is not computable. */
export interface MetricOutcome {
  value: number | null;
  reason?: string;
}

/**
 * Numbers as ML tools actually write them. Python's `json.dumps` emits bare `NaN`, `Infinity` and
 * `-Infinity` (strict-json.ts reads them as the strings `"NaN"` etc.); SageMaker writes `"NaN"` as
 * a string; Clarify writes `"Infinity"` or `null` with an `error`. `toNumber` maps all of them to
 * numbers, so that a check compares like with like.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A numeric field, leniently: a number, `"NaN"`, `"Infinity"`, `"-Infinity"`, a numeric string
 * (for fields that are strings by format, such as Clarify's `value_or_threshold`), or `null`.
 * Returns `null` for anything else. Metric values use {@link toReportNumber}.
 */
export const toNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'NaN') return Number.NaN;
    if (s === 'Infinity' || s === '+Infinity') return Number.POSITIVE_INFINITY;
    if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
    // A decimal number as JSON writes it: Number() alone would also take "0x10", "0b1" and "".
    if (DECIMAL.test(s)) return Number(s);
  }
  return null;
};

/**
 * A value a report states as a number: a JSON number, or one of the tokens ML tools write for the
 * non-finite ones (`"NaN"`, `"Infinity"`, `"-Infinity"`). A number written as a string (`"0.93"`)
 * is not accepted: no tool that writes these reports does so, and a report that quotes its numbers
 * has been edited by hand or produced by something modelgate has not seen — invalid evidence, not
 * a value to gate on. Returns `null` for anything else.
 *
 * @example
 * ```ts
 * toReportNumber(0.93);       // 0.93
 * toReportNumber('Infinity'); // Infinity
 * toReportNumber('0.93');     // null
 * ```
 */
export const toReportNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NON_FINITE.has(v.trim())) return toNumber(v);
  return null;
};

const NON_FINITE = new Set(['NaN', 'Infinity', '+Infinity', '-Infinity']);

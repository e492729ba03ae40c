/**
 * Numbers as ML tools actually write them. Python's `json.dumps` emits bare `NaN`, `Infinity` and
 * `-Infinity` (strict-json.ts reads them as the strings `"NaN"` etc.); SageMaker writes `"NaN"` as
 * a string; Clarify writes `"Infinity"` or `null` with an `error`. `toNumber` maps all of them to
 * numbers, so that a check compares like with like.
 */

/**
 * A numeric field of a report: a number, `"NaN"`, `"Infinity"`, `"-Infinity"`, a numeric string,
 * or `null`. Returns `null` for anything else (absent, `null`, not numeric).
 */
export const toNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'NaN') return Number.NaN;
    if (s === 'Infinity' || s === '+Infinity') return Number.POSITIVE_INFINITY;
    if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  }
  return null;
};

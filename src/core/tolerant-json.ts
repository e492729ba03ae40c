/**
 * JSON as ML tools actually write it. Python's `json.dumps` emits bare `NaN`, `Infinity` and
 * `-Infinity`; SageMaker writes `"NaN"` as a string; Clarify writes `"Infinity"` or `null` with an
 * `error`. `parseTolerantJson` accepts the bare tokens (outside strings) and `toNumber` maps all of
 * them to numbers, so that a check compares like with like.
 */

const BARE = /NaN|-?Infinity/y;

/** Parses JSON, accepting bare `NaN`/`Infinity`/`-Infinity` tokens as the strings `"NaN"` etc. */
export const parseTolerantJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Only rewrite when a bare token is present: keep the fast path for valid JSON.
    if (!/NaN|Infinity/.test(text)) throw first;
    let out = '';
    let i = 0;
    let last = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        // Skip the string, honouring escapes.
        i++;
        while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
        i++;
        continue;
      }
      if (c === 78 /* N */ || c === 73 /* I */ || c === 45 /* - */) {
        BARE.lastIndex = i;
        const m = BARE.exec(text);
        if (m) {
          out += text.slice(last, i) + `"${m[0]}"`;
          i += m[0].length;
          last = i;
          continue;
        }
      }
      i++;
    }
    return JSON.parse(out + text.slice(last));
  }
};

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

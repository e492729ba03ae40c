/**
 * Facets: which rows are the sensitive group d, how a facet is named in results (`slice`), and how
 * a value read from a dataset is compared with a value written in a policy.
 */
import type { FacetSpec, FacetValue } from './types.js';

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Whether a dataset value (as text) is the policy value `wanted`. Compared as strings, so `1`,
 * `"1"` and `"yes"` all work as written; two numerals are also equal when their numbers are
 * (`"1.0"` is `1`); a boolean matches `true`/`false` in any letter case.
 */
export const sameValue = (text: string, wanted: FacetValue): boolean => {
  if (typeof wanted === 'boolean') return text.trim().toLowerCase() === String(wanted);
  const w = String(wanted);
  if (text === w) return true;
  return NUMERIC.test(text) && NUMERIC.test(w) && Number(text) === Number(w);
};

export const isNumericFacet = (f: FacetSpec): f is { column: string; sensitiveAtLeast: number } => 'sensitiveAtLeast' in f;

/** `sex=F`, `race=B|C`, `age>=60` (POLICY-AND-CLI.md). */
export const sliceOf = (f: FacetSpec): string =>
  isNumericFacet(f) ? `${f.column}>=${f.sensitiveAtLeast}` : `${f.column}=${f.sensitive.map(String).join('|')}`;

/** The groups in words, for reasons and findings: `d = rows with age ≥ 60; a = all other rows`. */
export const describeGroups = (f: FacetSpec): { d: string; a: string } =>
  isNumericFacet(f)
    ? { d: `rows with ${f.column} ≥ ${f.sensitiveAtLeast}`, a: `rows with ${f.column} < ${f.sensitiveAtLeast}` }
    : {
        d: `rows with ${f.column} ${f.sensitive.length === 1 ? `= ${String(f.sensitive[0])}` : `in {${f.sensitive.map(String).join(', ')}}`}`,
        a: `rows with any other ${f.column}`,
      };

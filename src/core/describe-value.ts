/**
 * How a value read from an untrusted document shows in an error message: by its kind and size,
 * never by its content (a string in a report might be anything, a secret included). Numbers,
 * booleans and null are shown as they are: they carry no text and are what a reader needs to fix
 * a metric ("value is 1.5").
 *
 * @example
 * ```ts
 * describeValue('sk-live-123');  // 'a string of 11 characters'
 * describeValue(1.5);            // '1.5'
 * describeValue({ a: 1 });       // 'an object with 1 key'
 * ```
 */
const NON_FINITE_TOKENS = new Set(['NaN', 'Infinity', '+Infinity', '-Infinity']);

export const describeValue = (v: unknown): string => {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // The tokens ML tools write for non-finite numbers are vocabulary, not content.
  if (typeof v === 'string' && NON_FINITE_TOKENS.has(v)) return JSON.stringify(v);
  if (typeof v === 'string') return v === '' ? 'an empty string' : `a string of ${v.length} character${v.length === 1 ? '' : 's'}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') {
    const n = Object.keys(v).length;
    return `an object with ${n} key${n === 1 ? '' : 's'}`;
  }
  return `a ${typeof v}`;
};

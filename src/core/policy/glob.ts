/**
 * The glob dialect of policies: `*` (any run of characters) and `?` (one character); everything
 * else is literal. Neither wildcard crosses `/`, so a waiver subject `credit-*` never matches the
 * `group/version` form by accident — write `credit-*\/*`.
 */

const cache = new Map<string, RegExp>();

const escapeRegExp = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** The anchored regular expression of `glob` (compiled once per distinct glob). */
export const globToRegExp = (glob: string): RegExp => {
  let re = cache.get(glob);
  if (!re) {
    const body = [...glob].map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escapeRegExp(c))).join('');
    re = new RegExp(`^${body}$`);
    cache.set(glob, re);
  }
  return re;
};

/** Whether `text` matches `glob`. */
export const globMatches = (glob: string, text: string): boolean => globToRegExp(glob).test(text);

/** Whether `glob` has no wildcard (it names exactly one string). */
export const isLiteralGlob = (glob: string): boolean => !/[*?]/.test(glob);

/** The number of literal (non-wildcard) characters: the tie-breaker between globs. */
export const literalLength = (glob: string): number => glob.replace(/[*?]/g, '').length;

/**
 * A string that both globs match, or `null` when their languages are disjoint. Used to prove that
 * two policies can collide and to show the user an example of where.
 */
export const globOverlapWitness = (a: string, b: string): string | null => {
  const memo = new Map<number, string | null>();
  // Each step advances i or j, so the recursion terminates; the memo keeps it O(|a|·|b|).
  const go = (i: number, j: number): string | null => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const ca = a[i];
    const cb = b[j];
    const single = (c: string): string => (c === '?' ? 'x' : c);
    const consumed = (c: string | undefined, next: () => string | null): string | null => {
      if (c === undefined || c === '/') return null;
      const rest = next();
      return rest === null ? null : single(c) + rest;
    };
    let out: string | null = null;
    if (ca === undefined && cb === undefined) out = '';
    else if (ca === '*') {
      out = go(i + 1, j) ?? (cb === '*' ? go(i, j + 1) : consumed(cb, () => go(i, j + 1)));
    } else if (cb === '*') {
      out = go(i, j + 1) ?? consumed(ca, () => go(i + 1, j));
    } else if (ca !== undefined && cb !== undefined) {
      const compatible = ca === cb || (ca === '?' && cb !== '/') || (cb === '?' && ca !== '/');
      if (compatible) {
        const rest = go(i + 1, j + 1);
        if (rest !== null) out = (ca === '?' ? single(cb) : ca) + rest;
      }
    }
    memo.set(key, out);
    return out;
  };
  return go(0, 0);
};

/**
 * Which policy governs a subject. A policy matches when every condition of its `match:` holds: one
 * of its `modelPackageGroups` globs matches the group (or it lists none) and every listed tag is on
 * the subject with exactly that value. Among matching policies the most specific wins; two equally
 * specific winners are a configuration error, never a coin toss.
 *
 * Specificity is compared in this order (the first difference decides):
 *  1. the group condition: an exact group name > a glob > no group condition;
 *  2. between globs, more literal (non-wildcard) characters win (`credit-risk-*` > `credit-*`);
 *  3. more tag conditions win.
 * A policy with several group patterns is as specific as the best pattern that matches the subject.
 * `match: {}` matches everything with the lowest specificity: the catch-all default policy.
 */
import { PolicyError } from '../errors.js';
import { globMatches, globOverlapWitness, isLiteralGlob, literalLength } from './glob.js';
import type { LoadedPolicy, PolicyDocument } from './types.js';

/** What matching looks at. */
export interface MatchSubject {
  group: string;
  tags?: Record<string, string>;
}

/** `[group rank (2 exact, 1 glob, 0 none), literal characters, tag conditions]`, compared in order. */
export type Specificity = readonly [number, number, number];

const compare = (a: Specificity, b: Specificity): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

const patternSpecificity = (pattern: string | null): [number, number] =>
  pattern === null ? [0, 0] : isLiteralGlob(pattern) ? [2, pattern.length] : [1, literalLength(pattern)];

const describeSpecificity = (s: Specificity): string => {
  const group = s[0] === 2 ? 'exact group name' : s[0] === 1 ? `group glob with ${s[1]} literal characters` : 'no group condition';
  return `${group}, ${s[2]} tag condition${s[2] === 1 ? '' : 's'}`;
};

/** How specifically `match` selects `subject`, or `null` when it does not match. */
export const matchSpecificity = (match: PolicyDocument['match'], subject: MatchSubject): Specificity | null => {
  const tags = Object.entries(match.tags ?? {});
  if (!tags.every(([k, v]) => subject.tags?.[k] === v)) return null;
  const groups = match.modelPackageGroups;
  if (groups === undefined) return [0, 0, tags.length];
  const best = groups
    .filter((g) => globMatches(g, subject.group))
    .map(patternSpecificity)
    .sort((a, b) => b[0] - a[0] || b[1] - a[1])[0];
  return best ? [best[0], best[1], tags.length] : null;
};

const describeSubject = (s: MatchSubject): string => {
  const tags = Object.entries(s.tags ?? {}).map(([k, v]) => `${k}=${v}`);
  return `group "${s.group}"${tags.length > 0 ? ` with tags ${tags.join(', ')}` : ' (no tags)'}`;
};

const label = (p: LoadedPolicy): string => `"${p.doc.metadata.name}" (${p.file})`;

/**
 * The policy that governs `subject`.
 *
 * @returns the winning policy, or `policy: null` with a sentence saying why none matched
 * @throws PolicyError when two policies match with the same, highest specificity (names both files)
 * @example
 * ```ts
 * const chosen = selectPolicy(policies, { group: 'credit-risk-xgb', tags: { team: 'risk' } });
 * if (!chosen.policy) console.log(chosen.reason);
 * ```
 */
export const selectPolicy = (policies: LoadedPolicy[], subject: MatchSubject): { policy: LoadedPolicy } | { policy: null; reason: string } => {
  if (policies.length === 0) return { policy: null, reason: `no policy governs ${describeSubject(subject)}: no policies are loaded` };
  const candidates = policies
    .map((policy) => ({ policy, spec: matchSpecificity(policy.doc.match, subject) }))
    .filter((c): c is { policy: LoadedPolicy; spec: Specificity } => c.spec !== null)
    .sort((a, b) => compare(b.spec, a.spec));
  const [first, second] = candidates;
  if (!first) {
    return {
      policy: null,
      reason: `no policy governs ${describeSubject(subject)}: none of the ${policies.length} loaded ${policies.length === 1 ? 'policy matches' : 'policies match'} it`,
    };
  }
  if (second && compare(first.spec, second.spec) === 0) {
    throw new PolicyError(first.policy.file, [
      `policies ${label(first.policy)} and ${label(second.policy)} both match ${describeSubject(subject)} with equal specificity (${describeSpecificity(first.spec)}); make one match more specific or narrow the other`,
    ]);
  }
  return { policy: first.policy };
};

/** Two tag conditions can hold together unless they demand different values for one key. */
const tagsCompatible = (a: Record<string, string>, b: Record<string, string>): boolean => Object.entries(a).every(([k, v]) => b[k] === undefined || b[k] === v);

const overlapProblem = (a: LoadedPolicy, b: LoadedPolicy): string | null => {
  const ta = a.doc.match.tags ?? {};
  const tb = b.doc.match.tags ?? {};
  if (Object.keys(ta).length !== Object.keys(tb).length || !tagsCompatible(ta, tb)) return null;
  const pa = a.doc.match.modelPackageGroups ?? [null];
  const pb = b.doc.match.modelPackageGroups ?? [null];
  for (const x of pa) {
    for (const y of pb) {
      const sx = patternSpecificity(x);
      const sy = patternSpecificity(y);
      if (sx[0] !== sy[0] || sx[1] !== sy[1]) continue;
      // Equal ranks mean both are null or both are patterns.
      const witness = x === null || y === null ? 'any group' : globOverlapWitness(x, y);
      if (witness === null) continue;
      const example = x === null ? 'any group' : `e.g. group "${witness}"`;
      const what = x === null ? 'neither has a group condition' : x === y ? `both list "${x}"` : `"${x}" and "${y}" are equally specific`;
      const tags = Object.keys({ ...ta, ...tb }).length;
      return `policies ${label(a)} and ${label(b)} can match the same subject with equal specificity: ${what}${tags > 0 ? ` and their ${Object.keys(ta).length} tag condition(s) can hold together` : ''} (${example}); make one match more specific or narrow the other`;
    }
  }
  return null;
};

/**
 * Static checks across a set of policies, for `modelgate policy validate`: duplicate
 * `metadata.name`, and pairs of policies that some subject would match with equal specificity.
 *
 * Limits: the check compares pattern against pattern. It can report a pair whose tie is always
 * broken by a more specific pattern elsewhere in one of the two policies (a false alarm, rare), and
 * it proves overlap only for the glob dialect (`*`, `?`). Subjects' tags are unknown until run time,
 * so two tag sets that could both be present count as overlapping. `selectPolicy` still refuses
 * any tie it meets at run time.
 *
 * @returns problem lines naming both files; empty when none
 */
export const findMatchConflicts = (policies: LoadedPolicy[]): string[] => {
  const problems: string[] = [];
  const byName = new Map<string, LoadedPolicy>();
  for (const p of policies) {
    const other = byName.get(p.doc.metadata.name);
    if (other) problems.push(`policy name "${p.doc.metadata.name}" is used by both ${other.file} and ${p.file}; names must be unique`);
    else byName.set(p.doc.metadata.name, p);
  }
  for (let i = 0; i < policies.length; i++) {
    for (let j = i + 1; j < policies.length; j++) {
      const problem = overlapProblem(policies[i]!, policies[j]!);
      if (problem) problems.push(problem);
    }
  }
  return problems;
};

/**
 * The part of policy validation that needs the check modules: does every `use:` name a registered
 * check, and does every `with:` satisfy that check's config schema. Written against the shape of
 * the check registry, not the registry itself, so that policy code does not load check modules.
 */
import type { LoadedPolicy } from './types.js';

/** What `validatePolicyChecks` needs from the check registry (`src/core/check-registry.ts`). */
export interface CheckConfigResolver {
  ids(): string[];
  /** Validates `with` (defaults applied); `problems` are complete sentences naming `where`. */
  resolveConfig(id: string, with_: Record<string, unknown> | undefined, where: string): { config: unknown; problems: string[] };
}

/**
 * Every problem with the checks a policy names: unknown ids and invalid `with:` blocks.
 * The `where` handed to the registry is the same the engine uses (`<file> at /checks/<i>/with`),
 * so `policy validate` and a gate run word a bad config the same way.
 *
 * @returns problem lines; empty when every check is known and configured correctly
 * @example
 * ```ts
 * validatePolicyChecks(policy, registry);
 * // ['policies/a.yaml at /checks/2/use: unknown check "foo"; known checks: bias, model-quality']
 * ```
 */
export const validatePolicyChecks = (policy: LoadedPolicy, registry: CheckConfigResolver): string[] => {
  const known = new Set(registry.ids());
  const knownList = [...known].sort().join(', ');
  return policy.doc.checks.flatMap((entry, i) => {
    if (!known.has(entry.use)) {
      return [`${policy.file} at /checks/${i}/use: unknown check "${entry.use}"; known checks: ${knownList || '(none registered)'}`];
    }
    return registry.resolveConfig(entry.use, entry.with, `${policy.file} at /checks/${i}/with`).problems;
  });
};

/**
 * The registry of check modules: lookup by id, and the one way a policy's `with:` block becomes a
 * check's config (shallow merge over `defaultConfig`, then ajv strict validation). Schemas are
 * compiled once, when the registry is built, so a malformed check fails at start-up rather than
 * while a model is being gated.
 */
import type { ValidateFunction } from 'ajv';
import type { CheckDefinition } from './check.js';
import { createAjv, problemsOf } from './schema.js';

/** A check of any config type; the registry validates configs at run time, not compile time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheckDefinition = CheckDefinition<any>;

export interface ResolvedConfig {
  /** The merged config; meaningful only when `problems` is empty. */
  config: unknown;
  /** One line per problem: `<where> at <JSON path>: <what is wrong>`. Empty when valid. */
  problems: string[];
}

export interface CheckRegistry {
  /** The check with this id, or `undefined`. */
  get(id: string): AnyCheckDefinition | undefined;
  /** Every check, sorted by id. */
  list(): AnyCheckDefinition[];
  /** Every id, sorted. */
  ids(): string[];
  /**
   * Merges `withConfig` shallowly over the check's `defaultConfig` and validates the result
   * against its `configSchema`, then against the check's own `validateConfig` rules (known metric
   * names, ...), whose problems read `<where>/metrics/x: ...`. `where` names the source in problems (a policy file and the
   * check's position in it).
   */
  resolveConfig(id: string, withConfig: Record<string, unknown> | undefined, where: string): ResolvedConfig;
}

/**
 * Builds a registry. Throws when two checks share an id or a config schema does not compile in
 * ajv strict mode.
 *
 * @example
 * ```ts
 * import checks from '../../checks/index.js';
 * const registry = createCheckRegistry(checks);
 * const { config, problems } = registry.resolveConfig('model-quality', policy.checks[0].with, 'policies/credit.yaml checks[0].with');
 * if (problems.length > 0) throw new PolicyError('policies/credit.yaml', problems);
 * ```
 */
export const createCheckRegistry = (
  checks: readonly AnyCheckDefinition[],
  options: {
    /**
     * Validators compiled at build time, by check id (src/generated/validators.ts). A check without
     * one is compiled here; a contract test proves the generated ones match the schemas.
     */
    precompiled?: Readonly<Record<string, unknown>>;
  } = {},
): CheckRegistry => {
  let ajv: ReturnType<typeof createAjv> | undefined;
  const byId = new Map<string, { check: AnyCheckDefinition; validate: ValidateFunction }>();
  for (const check of checks) {
    if (byId.has(check.id)) throw new Error(`check registry: duplicate check id "${check.id}" (expected each id once)`);
    const precompiled = options.precompiled?.[check.id];
    if (typeof precompiled === 'function') {
      byId.set(check.id, { check, validate: precompiled as ValidateFunction });
      continue;
    }
    let validate: ValidateFunction;
    try {
      ajv ??= createAjv();
      validate = ajv.compile(check.configSchema);
    } catch (cause) {
      throw new Error(`check ${check.id}: configSchema does not compile in ajv strict mode: ${(cause as Error).message}`, { cause });
    }
    byId.set(check.id, { check, validate });
  }
  const ids = [...byId.keys()].sort();

  return {
    get: (id) => byId.get(id)?.check,
    list: () => ids.map((id) => byId.get(id)!.check),
    ids: () => [...ids],
    resolveConfig(id, withConfig, where) {
      const entry = byId.get(id);
      if (!entry) {
        return { config: undefined, problems: [`${where}: unknown check "${id}" (expected one of ${ids.join(', ') || 'no registered check'})`] };
      }
      if (withConfig !== undefined && (typeof withConfig !== 'object' || withConfig === null || Array.isArray(withConfig))) {
        return { config: undefined, problems: [`${where} at /: must be object`] };
      }
      const defaults = entry.check.defaultConfig as Record<string, unknown> | undefined;
      // A structured clone keeps `run` from mutating the module's defaults across runs.
      const config = structuredClone({ ...(defaults ?? {}), ...(withConfig ?? {}) });
      const problems = problemsOf(entry.validate, config, where);
      // The check's own rules read a config of the schema's shape: only once the schema holds.
      if (problems.length === 0 && entry.check.validateConfig) {
        for (const p of entry.check.validateConfig(config)) problems.push(`${where}${p.path}: ${p.message}`);
      }
      return { config, problems };
    },
  };
};

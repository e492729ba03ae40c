/**
 * The check contract. A check module in `checks/<id>/index.ts` default-exports
 * `defineCheck({...})`. The engine validates its config, hands it evidence and a context, and
 * turns throws, timeouts and missing evidence into an `error` result.
 *
 * @example
 * ```ts
 * export default defineCheck<MyConfig>({
 *   id: 'my-check', version: '1.0.0', title: 'My check', description: '...',
 *   evidence: [{ name: 'model-quality-statistics', description: '...', required: true }],
 *   configSchema, defaultConfig: {},
 *   async run(input, config, ctx) {
 *     const report = await input.evidence['model-quality-statistics']!.json();
 *     return { status: 'pass', summary: 'ok', metrics: [], findings: [] };
 *   },
 * });
 * ```
 */
import type { EvidenceSet, EvidenceSpec } from './evidence.js';
import type { ModelPackage } from './model-package.js';
import type { Subject } from './subject.js';
import type { Threshold } from './thresholds.js';

/** What a check itself may return. */
export type CheckOutcomeStatus = 'pass' | 'fail' | 'warn' | 'not_applicable';
/** What a check result can be once the engine has run it. */
export type CheckStatus = CheckOutcomeStatus | 'error';

export type Severity = 'blocking' | 'advisory';

/** One number a check computed, with what it was held against. */
export interface MetricResult {
  /** Short name from METRICS.md (`auc`, `DI`, `DPPL`, ...). */
  name: string;
  /** `null` when not computable; `reason` then says why. */
  value: number | null;
  reason?: string;
  /** `"<column>=<value>"`, `"<column>=B|C"` or `"<column>>=<t>"`; absent for the whole population. */
  slice?: string;
  threshold?: Threshold;
  /** The champion's value of the same metric, when compared. */
  champion?: number | null;
  /** A confidence interval `[low, high]` (95% unless the check says otherwise). */
  interval?: [number, number];
  /** `true` within bounds, `false` out of bounds, `null` not evaluated/not computable. */
  passed?: boolean | null;
}

export interface Finding {
  severity: 'error' | 'warning' | 'info';
  /** A sentence a person reads: "DI for sex=F is 0.62, below min 0.8". */
  message: string;
  metric?: string;
  slice?: string;
}

/** What `run()` returns. */
export interface CheckOutcome {
  status: CheckOutcomeStatus;
  summary: string;
  metrics: MetricResult[];
  findings: Finding[];
}

/** A model version with its evidence, as handed to a check. */
export interface CheckSubject {
  subject: Subject;
  modelPackage: ModelPackage;
  evidence: EvidenceSet;
}

export interface CheckInput extends CheckSubject {
  /** The newest Approved version of the same group, or `null` (first version). */
  champion: CheckSubject | null;
}

export interface CheckLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** Everything with side effects that a check may use. A check never builds a client itself. */
export interface CheckContext {
  logger: CheckLogger;
  /** Aborted when the check's timeout elapses: stop reading and return. */
  signal: AbortSignal;
  now(): Date;
}

/** One problem a check finds in its own (schema-valid) config. */
export interface ConfigProblem {
  /** JSON Pointer inside `with:` (`/metrics/constructor`). */
  path: string;
  /** What is wrong and what is expected, as a sentence fragment. */
  message: string;
}

export interface CheckDefinition<C = unknown> {
  /** kebab-case; equals the folder name under `checks/`. */
  id: string;
  /** semver; recorded with every result. */
  version: string;
  title: string;
  description: string;
  evidence: EvidenceSpec[];
  /** JSON Schema for `with:`; must set `additionalProperties: false`. */
  configSchema: Record<string, unknown>;
  defaultConfig: C;
  /**
   * Rules a JSON Schema cannot say clearly (a metric name must be one the check knows, or vouched
   * for by another key). Called after the schema passed, on the merged config, both at
   * `policy validate` and before every run; problems make the policy invalid. Pure, no I/O.
   */
  validateConfig?(config: C): ConfigProblem[];
  run(input: CheckInput, config: C, ctx: CheckContext): Promise<CheckOutcome>;
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * Declares a check module. Validates the static parts of the definition so that a malformed
 * module fails when it is loaded, not when a model is gated.
 */
export const defineCheck = <C>(def: CheckDefinition<C>): CheckDefinition<C> => {
  if (!ID.test(def.id)) throw new TypeError(`check id "${def.id}" is not kebab-case`);
  if (!SEMVER.test(def.version)) throw new TypeError(`check ${def.id}: version "${def.version}" is not semver`);
  if (!def.title || !def.description) throw new TypeError(`check ${def.id}: title and description are required`);
  if (def.configSchema['additionalProperties'] !== false) {
    throw new TypeError(`check ${def.id}: configSchema must set additionalProperties: false`);
  }
  if (typeof def.run !== 'function') throw new TypeError(`check ${def.id}: run must be a function`);
  if (def.validateConfig !== undefined && typeof def.validateConfig !== 'function') throw new TypeError(`check ${def.id}: validateConfig must be a function`);
  return Object.freeze({ ...def });
};

/** The result of one check in a run, as recorded and printed. */
export interface CheckResult {
  /** The policy entry's id (`id:`, default `use:`), unique within the run; waivers name it. */
  id: string;
  /** The check module that ran; absent in runs recorded before entries had ids (then `id` is the module). */
  use?: string;
  version: string;
  severity: Severity;
  status: CheckStatus;
  summary: string;
  metrics: MetricResult[];
  findings: Finding[];
  /** For `error`: what went wrong (`missing evidence: ...`, `timed out after 30000 ms`, ...). */
  error?: { kind: 'exception' | 'timeout' | 'missing_evidence' | 'invalid_config' | 'unknown_check'; message: string };
  durationMs: number;
}

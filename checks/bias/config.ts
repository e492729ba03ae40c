/** The bias check's configuration (the policy's `with:` block; schema in config.schema.json). */
import type { Threshold } from '../../src/core/thresholds.js';
import type { ConfigProblem } from '../../src/core/check.js';
import {
  BIAS_METRIC_ALIASES,
  BIAS_METRIC_NAMES,
  canonicalBiasMetric,
  type BiasMetricName,
  type FacetSpec,
  type FacetValue,
} from '../../src/metrics/bias/index.js';

/** A bound on one bias metric, and whether the policy accepts that it may be not computable. */
export interface BiasRule extends Pick<Threshold, 'min' | 'max' | 'maxAbs'> {
  /** Not computable is reported with a warning and not counted, instead of an error. Default false. */
  allowNotComputable?: boolean;
}

export interface BiasConfig {
  columns?: { label?: string; prediction?: string; score?: string; group?: string };
  positiveLabel?: FacetValue;
  scoreThreshold?: number;
  facets?: FacetSpec[];
  metrics?: Record<string, BiasRule>;
  minGroupSize?: number;
  failOnlyWhenIntervalCrosses?: boolean;
  notComputable?: 'error' | 'ignore';
  format?: 'auto' | 'csv' | 'jsonl';
}

/** The four-fifths band on DI and the common ±0.1 band on DPPL (METRICS.md, "Thresholds people use"). */
export const defaultConfig: BiasConfig = {
  positiveLabel: 1,
  facets: [],
  metrics: { DI: { min: 0.8, max: 1.25 }, DPPL: { maxAbs: 0.1 } },
  minGroupSize: 30,
  failOnlyWhenIntervalCrosses: false,
  notComputable: 'error',
};

export const DEFAULT_COLUMNS = { label: 'label', prediction: 'prediction', score: 'score', group: 'group' } as const;

/**
 * Every metric name the policy gives that is not a bias metric (METRICS.md / Clarify short names,
 * or the alias `DCA`), with the names it could have meant.
 */
export const validateBiasConfig = (config: BiasConfig): ConfigProblem[] => {
  const known = [...BIAS_METRIC_NAMES, ...Object.keys(BIAS_METRIC_ALIASES)].join(', ');
  return Object.keys(config.metrics ?? {})
    .filter((name) => canonicalBiasMetric(name) === null)
    .map((name) => ({
      path: `/metrics/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      message: `unknown bias metric "${name}"; known: ${known} (names are case-sensitive, as in METRICS.md and Clarify reports)`,
    }));
};

/** The configured thresholds by canonical metric name (`DCA` read as `DCAcc`; the canonical key wins a tie). */
export const thresholdsOf = (config: BiasConfig): [BiasMetricName, BiasRule][] => {
  const out = new Map<BiasMetricName, BiasRule>();
  for (const [name, t] of Object.entries(config.metrics ?? {})) {
    const canonical = canonicalBiasMetric(name);
    if (!canonical) continue;
    if (out.has(canonical) && name !== canonical) continue;
    out.set(canonical, t);
  }
  return [...out];
};

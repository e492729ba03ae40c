/** The bias check's configuration (the policy's `with:` block; schema in config.schema.json). */
import type { Threshold } from '../../src/core/thresholds.js';
import { canonicalBiasMetric, type BiasMetricName, type FacetSpec, type FacetValue } from '../../src/metrics/bias/index.js';

export interface BiasConfig {
  columns?: { label?: string; prediction?: string; score?: string; group?: string };
  positiveLabel?: FacetValue;
  scoreThreshold?: number;
  facets?: FacetSpec[];
  metrics?: Record<string, Pick<Threshold, 'min' | 'max' | 'maxAbs'>>;
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

/** The configured thresholds by canonical metric name (`DCA` read as `DCAcc`; the canonical key wins a tie). */
export const thresholdsOf = (config: BiasConfig): [BiasMetricName, Threshold][] => {
  const out = new Map<BiasMetricName, Threshold>();
  for (const [name, t] of Object.entries(config.metrics ?? {})) {
    const canonical = canonicalBiasMetric(name);
    if (!canonical) continue;
    if (out.has(canonical) && name !== canonical) continue;
    out.set(canonical, t);
  }
  return [...out];
};

/** The `with:` block of the model-quality check, as `config.schema.json` validates it. */
import type { Threshold } from '../../src/core/thresholds.js';
import type { QualityProblemType } from '../../src/metrics/quality-report.js';

/** The shared threshold vocabulary, plus the direction of a metric modelgate does not know. */
export interface MetricRule extends Threshold {
  greaterIsBetter?: boolean;
}

/** Dataset columns, used when quality is computed from a predictions dataset. */
export interface QualityColumns {
  label?: string;
  prediction?: string;
  score?: string;
}

export interface ModelQualityConfig {
  problemType?: QualityProblemType;
  columns?: QualityColumns;
  metrics: Record<string, MetricRule>;
  applyRegisteredConstraints?: boolean;
  scoreThreshold?: number;
}

export const defaultConfig: ModelQualityConfig = { metrics: {}, applyRegisteredConstraints: false };

/**
 * The model-quality config rules a schema cannot word clearly: every metric a policy names is one
 * modelgate knows (docs/metrics/quality.md) or a custom metric the policy vouches for with
 * `greaterIsBetter`. A typo or a prototype key (`constructor`) is refused when the policy is
 * validated, instead of being looked up — and silently "found" — in a report.
 */
import type { ConfigProblem } from '../../src/core/check.js';
import { greaterIsBetter, knownQualityMetrics } from '../../src/metrics/metric-direction.js';
import { qualityDomain, qualityDomainNames } from '../../src/metrics/metric-domain.js';
import { jsonPointer } from '../../src/metrics/quality-report.js';
import type { ModelQualityConfig } from './config.js';

/** Whether modelgate knows `name` (a direction or a domain; any case; `<metric>_best_constant_classifier` too). */
export const isKnownQualityMetric = (name: string): boolean => greaterIsBetter(name) !== undefined || qualityDomain(name) !== undefined;

/** Problems with the metric names of a schema-valid config; empty when every name is usable. */
export const validateQualityConfig = (config: ModelQualityConfig): ConfigProblem[] => {
  const known = [...new Set([...knownQualityMetrics(), ...qualityDomainNames()])].sort().join(', ');
  const problems: ConfigProblem[] = [];
  for (const [name, rule] of Object.entries(config.metrics)) {
    if (isKnownQualityMetric(name) || rule.greaterIsBetter !== undefined) continue;
    problems.push({
      path: jsonPointer('metrics', name),
      message:
        `unknown quality metric "${name}"; known: ${known} (and <metric>_best_constant_classifier); ` +
        'a custom metric the report carries needs greaterIsBetter: true or false in its rule',
    });
  }
  return problems;
};

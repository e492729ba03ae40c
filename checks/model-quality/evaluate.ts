/**
 * The pure part of model-quality: a parsed report, the policy's rules, the registered constraints
 * and the champion's report in; one metric result per rule and one finding per broken or
 * unevaluable rule out. No I/O, so every verdict is testable from plain objects.
 */
import type { Finding, MetricResult } from '../../src/core/check.js';
import { evaluateThreshold, fmt, isComputable, type Threshold } from '../../src/core/thresholds.js';
import { greaterIsBetter } from '../../src/metrics/metric-direction.js';
import { outOfDomain, qualityDomain } from '../../src/metrics/metric-domain.js';
import type { PairedComparison } from '../../src/metrics/quality/index.js';
import { constraintAsThreshold, describeConstraint, violatesConstraint, type QualityConstraint } from '../../src/metrics/quality-constraints.js';
import type { QualityReport } from '../../src/metrics/quality-report.js';
import { pairedRuleVerdict } from './champion-rule.js';
import type { ComputedMetric } from './computed-report.js';
import type { MetricRule } from './config.js';

/** The champion as far as quality is concerned. */
export type ChampionQuality =
  | { kind: 'none' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'report'; report: QualityReport }
  /** Both models scored on the same rows: vsChampion rules use the paired worsening bound. */
  | { kind: 'paired'; report: QualityReport; comparison: Record<string, PairedComparison>; confidence: number };

export interface QualityEvaluation {
  metrics: MetricResult[];
  findings: Finding[];
  /** Findings for broken rules: any of them makes the check fail. */
  violations: string[];
  /** Rules that could not be evaluated although they apply: the check is incomplete (error). */
  incomplete: string[];
  /** Values outside their metric's domain: invalid evidence, the check is an error whatever else holds. */
  invalid: string[];
  /** Not computable, and the rule says `allowNotComputable: true`: reported, not counted. */
  allowedNotComputable: string[];
  /** vsChampion rules skipped because there is no champion (first version): informational. */
  notApplicable: string[];
}

// z for a two-sided 95% normal interval.
const Z95 = 1.959964;

const hasChampionRule = (rule: MetricRule | undefined): boolean =>
  rule?.vsChampion?.maxWorsening !== undefined || rule?.vsChampion?.maxRelativeWorsening !== undefined;

const thresholdOf = (rule: MetricRule | undefined, constraint: QualityConstraint | undefined): Threshold | undefined => {
  const t: Threshold = {};
  if (rule?.min !== undefined) t.min = rule.min;
  if (rule?.max !== undefined) t.max = rule.max;
  if (rule?.maxAbs !== undefined) t.maxAbs = rule.maxAbs;
  if (hasChampionRule(rule)) t.vsChampion = { ...rule!.vsChampion };
  if (constraint) {
    // Shown as the tighter of the two bounds; the constraint's own operator decides its verdict.
    const c = constraintAsThreshold(constraint);
    if (c.min !== undefined) t.min = t.min === undefined ? c.min : Math.max(t.min, c.min);
    if (c.max !== undefined) t.max = t.max === undefined ? c.max : Math.min(t.max, c.max);
  }
  return Object.keys(t).length > 0 ? t : undefined;
};

/** A metric of a report by name, never from the prototype chain (`constructor`, `__proto__`, ...). */
const ownMetric = <M>(metrics: Record<string, M>, name: string): M | undefined => (Object.hasOwn(metrics, name) ? metrics[name] : undefined);

const championValue = (champion: ChampionQuality, name: string): { value: number | null | undefined; reason?: string } => {
  switch (champion.kind) {
    case 'none':
      return { value: undefined };
    case 'unavailable':
      return { value: null, reason: champion.reason };
    case 'report':
    case 'paired': {
      const m: ComputedMetric | undefined = ownMetric(champion.report.metrics, name);
      const what = champion.kind === 'paired' ? 'metrics computed from its predictions' : 'model quality statistics';
      if (!m) return { value: null, reason: `the champion's ${what} have no ${name}` };
      if (!isComputable(m.value)) return { value: null, reason: `the champion's ${name} is not computable (${m.reason ?? String(m.value)})` };
      const bad = outOfDomain(`the champion's ${name}`, m.value, qualityDomain(name));
      if (bad) return { value: null, reason: `invalid evidence: ${bad}` };
      return { value: m.value };
    }
  }
};

// Ranking metrics are not functions of fixed-size counts: the online bootstrap does not cover them.
const RANKING = new Set(['auc', 'average_precision']);

type PairedUse = { use: 'bound'; comparison: PairedComparison & { worseningBound: number } } | { use: 'point'; why: string } | { use: 'none'; why: string };

/** How a vsChampion rule on `name` is judged when the champion was scored on the same rows. */
const pairedUse = (comparison: Record<string, PairedComparison>, name: string): PairedUse => {
  const c = ownMetric(comparison, name);
  if (!c || RANKING.has(name)) return { use: 'point', why: c?.reason ?? `the paired bootstrap does not cover ${name}` };
  if (c.worseningBound === null) return { use: 'none', why: c.reason ?? 'the paired bound is not computable' };
  return { use: 'bound', comparison: { ...c, worseningBound: c.worseningBound } };
};

const withoutChampionRule = (rule: MetricRule): MetricRule => {
  const { vsChampion: _ignored, ...rest } = rule;
  return rest;
};

/** An infinite value the policy accepts as not computable still fails a bound it lies beyond. */
const infiniteBeyondBounds = (name: string, value: number, rule: MetricRule, constraint: QualityConstraint | undefined): string[] => {
  if (Number.isNaN(value)) return [];
  const shown = value > 0 ? 'Infinity' : '-Infinity';
  const direction = rule.greaterIsBetter ?? greaterIsBetter(name) ?? true;
  const verdict = evaluateThreshold(value, withoutChampionRule(rule), { greaterIsBetter: direction, allowNotComputable: true });
  const out = verdict.violations.map((phrase) => `${name} is ${shown}, ${phrase}`);
  if (constraint && violatesConstraint(value, constraint)) {
    out.push(
      `${name} is ${shown}, breaks the registered constraint ${constraint.comparisonOperator} ${fmt(constraint.threshold)} (must be ${describeConstraint(constraint)})`,
    );
  }
  return out;
};

/** Names in the order a reader expects: the policy's metrics as written, then constraint-only ones. */
const metricNames = (rules: Record<string, MetricRule>, constraints: QualityConstraint[]): string[] => {
  const names = Object.keys(rules);
  for (const c of constraints) if (!Object.hasOwn(rules, c.metric)) names.push(c.metric);
  return names;
};

/**
 * Applies the policy's metric rules and the registered constraints to `report`. With a `paired`
 * champion, vsChampion rules use the one-sided worsening bound where the bootstrap covers the
 * metric, and the point difference (with an info finding saying so) where it does not.
 *
 * @param source names the report in messages: `the model quality statistics`, or
 * `the metrics computed from predictions.csv`.
 *
 * @example
 * ```ts
 * const e = evaluateQuality(report, { auc: { min: 0.8 } }, [], { kind: 'none' });
 * e.violations; // ['auc is 0.72, below min 0.8']
 * ```
 */
export const evaluateQuality = (
  report: QualityReport,
  rules: Record<string, MetricRule>,
  constraints: QualityConstraint[],
  champion: ChampionQuality,
  source = 'the model quality statistics',
): QualityEvaluation => {
  const out: QualityEvaluation = { metrics: [], findings: [], violations: [], incomplete: [], invalid: [], allowedNotComputable: [], notApplicable: [] };
  const constraintOf = new Map(constraints.map((c) => [c.metric, c]));
  const available = Object.keys(report.metrics).sort().join(', ') || 'none';

  for (const name of metricNames(rules, constraints)) {
    const rule = ownMetric(rules, name);
    const constraint = constraintOf.get(name);
    const threshold = thresholdOf(rule, constraint);
    const compares = hasChampionRule(rule) && champion.kind !== 'none';
    const champ = compares ? championValue(champion, name) : { value: undefined };
    const result: MetricResult = { name, value: null, ...(threshold ? { threshold } : {}) };
    if (compares) result.champion = champ.value ?? null;
    out.metrics.push(result);

    const incomplete = (message: string) => {
      out.incomplete.push(message);
      out.findings.push({ severity: 'error', message, metric: name });
    };
    const m: ComputedMetric | undefined = ownMetric(report.metrics, name);
    if (!m) {
      result.reason = `absent from ${source}`;
      result.passed = null;
      incomplete(`${name} is absent from ${source} (they report: ${available})`);
      continue;
    }
    if (!isComputable(m.value)) {
      // NaN, null and ±Infinity alike: never a pass unless the rule opts in.
      const shown = Number.isNaN(m.value) ? 'NaN' : m.value > 0 ? 'Infinity' : '-Infinity';
      const why = m.reason ?? `${source} give ${shown}`;
      result.reason = `not computable: ${m.reason ?? `the report gives ${shown}`}`;
      result.passed = null;
      if (rule?.allowNotComputable !== true) {
        incomplete(`${name} is not computable: ${why}`);
        continue;
      }
      const broken = infiniteBeyondBounds(name, m.value, rule, constraint);
      if (broken.length > 0) {
        result.passed = false;
        for (const message of broken) {
          out.violations.push(message);
          out.findings.push({ severity: 'error', message, metric: name });
        }
        continue;
      }
      const message = `${name} is not computable (${why}); the policy accepts that (allowNotComputable: true), so it is not counted`;
      out.allowedNotComputable.push(message);
      out.findings.push({ severity: 'warning', message, metric: name });
      continue;
    }
    const value = m.value;
    const bad = outOfDomain(name, value, qualityDomain(name));
    if (bad) {
      result.value = value;
      result.reason = `invalid evidence: ${bad}`;
      result.passed = null;
      out.invalid.push(bad);
      out.findings.push({ severity: 'error', message: `invalid evidence: ${bad} in ${source}`, metric: name });
      continue;
    }
    result.value = value;
    if (m.standardDeviation !== null) result.interval = [value - Z95 * m.standardDeviation, value + Z95 * m.standardDeviation];
    else if (m.interval) result.interval = m.interval;

    // Full sentences, one per broken rule.
    const broken: string[] = [];
    let evaluated = false;
    let unevaluated = false;
    if (rule) {
      const direction = rule.greaterIsBetter ?? greaterIsBetter(name) ?? true;
      const champValue = champ.value;
      const paired = champion.kind === 'paired' && hasChampionRule(rule) && typeof champValue === 'number' ? pairedUse(champion.comparison, name) : undefined;
      const pointRule = paired?.use === 'bound' ? withoutChampionRule(rule) : rule;
      const verdict = evaluateThreshold(value, pointRule, { greaterIsBetter: direction, ...(compares ? { champion: champValue ?? null } : {}) });
      broken.push(...verdict.violations.map((phrase) => `${name} is ${fmt(value)}, ${phrase}`));
      if (verdict.passed !== null) evaluated = true;
      if (hasChampionRule(rule)) {
        if (champion.kind === 'none') {
          const message = `${name}: vsChampion not applicable: no champion (the first approved version of the group)`;
          out.notApplicable.push(message);
          out.findings.push({ severity: 'info', message, metric: name });
        } else if (champValue === null || champValue === undefined) {
          unevaluated = true;
          incomplete(`${name}: cannot compare with the champion: ${champ.reason ?? 'no value'}`);
        } else if (paired?.use === 'bound' && champion.kind === 'paired') {
          evaluated = true;
          const v = pairedRuleVerdict(name, value, champValue, rule.vsChampion!, paired.comparison, champion.confidence);
          broken.push(...v.violations);
          if (v.holds) out.findings.push({ severity: 'info', message: v.holds, metric: name });
        } else if (paired?.use === 'point') {
          out.findings.push({
            severity: 'info',
            message: `${name}: compared with the champion by the point difference, not a paired bound: ${paired.why}`,
            metric: name,
          });
        } else if (paired?.use === 'none') {
          // A point comparison would be weaker than what the policy asked for: not evaluable, fail closed.
          unevaluated = true;
          incomplete(`${name}: cannot bound the worsening against the champion: ${paired.why}`);
        }
      }
    }
    if (constraint) {
      evaluated = true;
      if (violatesConstraint(value, constraint)) {
        broken.push(
          `${name} is ${fmt(value)}, breaks the registered constraint ${constraint.comparisonOperator} ${fmt(constraint.threshold)} (must be ${describeConstraint(constraint)})`,
        );
      }
    }
    for (const message of broken) {
      out.violations.push(message);
      out.findings.push({ severity: 'error', message, metric: name });
    }
    result.passed = broken.length > 0 ? false : unevaluated || !evaluated ? null : true;
  }
  return out;
};

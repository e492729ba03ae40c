/**
 * The rules of the feature-importance check as a pure function of the candidate's importance, the
 * champion's (if any) and the config. Every rule adds its metric; a broken rule adds a violation,
 * a rule that cannot be computed adds an `incomplete` reason (the check then errors, fail closed).
 */
import type { Finding, MetricResult } from '../../src/core/check.js';
import { fmt } from '../../src/core/thresholds.js';
import { kendallTopK, ndcg, rankFeatures, type RankedFeature } from '../../src/metrics/importance/index.js';
import type { FeatureImportanceConfig } from './config.js';

export type ChampionImportance =
  { kind: 'none' } | { kind: 'unavailable'; reason: string } | { kind: 'report'; version: string; importance: ReadonlyMap<string, number> };

export interface Evaluation {
  metrics: MetricResult[];
  findings: Finding[];
  violations: string[];
  incomplete: string[];
  /** Rules applied (with a computable value), whether they held or not. */
  evaluated: number;
  /** The deterministic ranking of the candidate, `null` when its total importance is 0. */
  ranked: RankedFeature[] | null;
}

const slice = (feature: string): string => `feature=${feature}`;

export const evaluateImportance = (candidate: ReadonlyMap<string, number>, champion: ChampionImportance, config: FeatureImportanceConfig): Evaluation => {
  const e: Evaluation = { metrics: [], findings: [], violations: [], incomplete: [], evaluated: 0, ranked: rankFeatures(candidate) };
  const violate = (message: string, metric: string, feature?: string): void => {
    e.violations.push(message);
    e.findings.push({ severity: 'error', message, metric, ...(feature !== undefined ? { slice: slice(feature) } : {}) });
  };
  const k = config.topK;
  const ranked = e.ranked;
  const sharesNeeded = config.protected.length > 0 || config.maxShare?.anySingleFeature !== undefined;

  if (ranked === null) {
    if (sharesNeeded) e.incomplete.push('the total importance is 0 (or no feature is reported): ranks and shares are not computable');
  } else {
    const byName = new Map(ranked.map((r) => [r.feature, r]));
    const positiveCount = ranked.filter((r) => r.importance > 0).length;
    for (const feature of config.protected) {
      let r = byName.get(feature);
      if (r === undefined) {
        if (config.absentProtectedMeans !== 'zero') {
          const reason = `protected feature ${feature} is not in the importance report (set absentProtectedMeans: zero if it was removed from the model)`;
          e.incomplete.push(reason);
          e.metrics.push({ name: 'rank', slice: slice(feature), value: null, reason, passed: null });
          continue;
        }
        r = { feature, importance: 0, share: 0, rank: positiveCount + 1 };
        e.findings.push({
          severity: 'info',
          message: `protected feature ${feature} is not in the report: counted as importance 0 (absentProtectedMeans: zero)`,
          slice: slice(feature),
        });
      }
      // A feature with no importance does not drive the model, whatever its position.
      const inTop = r.importance > 0 && r.rank <= k;
      e.evaluated++;
      e.metrics.push({ name: 'rank', slice: slice(feature), value: r.rank, passed: !inTop });
      if (inTop) violate(`protected feature ${feature} ranks ${r.rank} (top ${k})`, 'rank', feature);
      const max = config.maxShare?.protected;
      const above = max !== undefined && r.share > max;
      if (max !== undefined) e.evaluated++;
      e.metrics.push({ name: 'share', slice: slice(feature), value: r.share, ...(max !== undefined ? { threshold: { max }, passed: !above } : {}) });
      if (above) violate(`protected feature ${feature} holds ${fmt(r.share)} of total importance, above max ${fmt(max)}`, 'share', feature);
    }

    const tau = config.maxShare?.anySingleFeature;
    const top = ranked[0]!;
    e.metrics.push({
      name: 'maxShare',
      slice: slice(top.feature),
      value: top.share,
      ...(tau !== undefined ? { threshold: { max: tau }, passed: top.share <= tau } : {}),
    });
    if (tau !== undefined) {
      e.evaluated++;
      for (const r of ranked) {
        if (r.share > tau)
          violate(`feature ${r.feature} holds ${fmt(r.share)} of total importance, above ${fmt(tau)} (leakage suspicion)`, 'maxShare', r.feature);
      }
    }
  }

  compareWithChampion(candidate, champion, config, e);
  return e;
};

const compareWithChampion = (candidate: ReadonlyMap<string, number>, champion: ChampionImportance, config: FeatureImportanceConfig, e: Evaluation): void => {
  const minNdcg = config.vsChampion?.minNdcg;
  const minTau = config.vsChampion?.minKendallTau;
  const ruled = minNdcg !== undefined || minTau !== undefined;
  if (champion.kind === 'none') {
    if (ruled) e.findings.push({ severity: 'info', message: 'vsChampion not applicable: no champion (first approved version)' });
    return;
  }
  if (champion.kind === 'unavailable') {
    if (ruled) {
      e.incomplete.push(champion.reason);
      if (minNdcg !== undefined) e.metrics.push({ name: 'ndcg', value: null, reason: champion.reason, threshold: { min: minNdcg }, passed: null });
      if (minTau !== undefined) e.metrics.push({ name: 'kendallTau', value: null, reason: champion.reason, threshold: { min: minTau }, passed: null });
    }
    return;
  }
  // Computed even without a rule: the ranking diff against the champion is what on-call looks at.
  const k = config.topK;
  const rules: { name: string; label: string; min: number | undefined; value: number | null; reason?: string }[] = [];
  const n = ndcg(candidate, champion.importance);
  rules.push({ name: 'ndcg', label: 'nDCG vs champion', min: minNdcg, ...n });
  const t = kendallTopK(candidate, champion.importance, k);
  rules.push({ name: 'kendallTau', label: `Kendall tau-b vs champion (top ${k})`, min: minTau, value: t.value, ...(t.reason ? { reason: t.reason } : {}) });
  for (const r of rules) {
    const metric: MetricResult = { name: r.name, value: r.value, ...(r.reason ? { reason: r.reason } : {}) };
    if (r.min !== undefined) {
      metric.threshold = { min: r.min };
      if (r.value === null) {
        metric.passed = null;
        e.incomplete.push(`${r.label} is not computable: ${r.reason ?? 'unknown reason'}`);
      } else {
        e.evaluated++;
        metric.passed = r.value >= r.min;
        if (!metric.passed) {
          const message = `${r.label} ${fmt(r.value)}, below ${fmt(r.min)}`;
          e.violations.push(message);
          e.findings.push({ severity: 'error', message, metric: r.name });
        }
      }
    }
    e.metrics.push(metric);
  }
};

/**
 * feature-importance: reads the model's global feature importance (a SageMaker Clarify
 * explainability report, or a plain importance file) and fails when a protected feature ranks in
 * the top K or holds too large a share, when one feature dominates (leakage suspicion), or when
 * the ranking moved too far from the champion's (nDCG, Kendall tau-b). Never passes on a protected
 * feature it cannot find or a comparison it cannot compute. See README.md.
 */
import { defineCheck, type CheckInput, type CheckOutcome } from '../../src/core/check.js';
import { IncompleteCheckError, MissingEvidenceError } from '../../src/core/errors.js';
import { fmt } from '../../src/core/thresholds.js';
import { defaultConfig, type FeatureImportanceConfig } from './config.js';
import configSchema from './config.schema.json' with { type: 'json' };
import { evaluateImportance, type ChampionImportance } from './evaluate.js';
import { CLARIFY, CUSTOM, loadImportance } from './load.js';

export type { FeatureImportanceConfig } from './config.js';

const loadChampion = async (input: CheckInput, config: FeatureImportanceConfig): Promise<ChampionImportance> => {
  const champion = input.champion;
  if (!champion) return { kind: 'none' };
  const version = champion.subject.version;
  const loaded = await loadImportance(champion.evidence, config.labelKey, `champion (version ${version}) `);
  if (!loaded) return { kind: 'unavailable', reason: `the champion (version ${version}) has neither ${CUSTOM} nor ${CLARIFY} evidence` };
  return { kind: 'report', version, importance: loaded.importance };
};

const featureImportance = defineCheck<FeatureImportanceConfig>({
  id: 'feature-importance',
  version: '1.0.0',
  title: 'Feature importance',
  description:
    "Keeps protected features out of the top K and below a share of total importance, flags a single dominant feature (leakage suspicion), and holds the importance ranking close to the champion's (nDCG, Kendall tau-b).",
  evidence: [
    {
      name: CLARIFY,
      description: 'ModelMetrics.Explainability.Report: a SageMaker Clarify explainability report (analysis.json with kernel_shap global SHAP values).',
    },
    {
      name: CUSTOM,
      description:
        'A plain importance file: { "<feature>": number } or [{ "feature": "<name>", "importance": number }]. Preferred over the Clarify report when both are present.',
    },
  ],
  configSchema,
  defaultConfig,
  async run(input, config, ctx) {
    const candidate = await loadImportance(input.evidence, config.labelKey, '');
    if (!candidate) throw new MissingEvidenceError([CLARIFY, CUSTOM], `missing evidence: ${CLARIFY} or ${CUSTOM}`);
    ctx.signal.throwIfAborted();
    const champion = await loadChampion(input, config);
    const e = evaluateImportance(candidate.importance, champion, config);
    const keys = candidate.labelKeys.length > 1 ? ` (mean over label keys ${candidate.labelKeys.join(', ')})` : '';
    const findings = [
      { severity: 'info' as const, message: `importance read from ${candidate.evidence}${keys}, ${candidate.importance.size} feature(s)` },
      ...e.findings,
    ];
    const base = { metrics: e.metrics, findings };

    if (e.violations.length > 0) {
      const more = e.violations.length > 1 ? ` (and ${e.violations.length - 1} more)` : '';
      return { status: 'fail', summary: `${e.violations[0]}${more}`, ...base };
    }
    if (e.incomplete.length > 0) {
      const outcome: CheckOutcome = { status: 'warn', summary: `feature importance incomplete: ${e.incomplete.join('; ')}`, ...base };
      throw new IncompleteCheckError(outcome.summary, outcome);
    }
    const top = e.ranked
      ? e.ranked
          .slice(0, config.topK)
          .map((r) => `${r.feature} ${fmt(r.share)}`)
          .join(', ')
      : 'none';
    if (e.evaluated === 0) {
      const why =
        champion.kind === 'none' && config.vsChampion ? 'vsChampion not applicable: no champion, and no other rule is configured' : 'no rule is configured';
      return { status: 'not_applicable', summary: `${why}; top ${config.topK}: ${top}`, ...base };
    }
    return { status: 'pass', summary: `${e.evaluated} importance rule(s) hold; top ${config.topK} by share: ${top}`, ...base };
  },
});

export default featureImportance;

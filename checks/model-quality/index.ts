/**
 * model-quality: holds a model version's quality metrics (from its SageMaker Model Monitor model
 * quality statistics, or computed from a predictions dataset) to the policy's bounds, to its own
 * registered Model Monitor constraints when asked, and to the current champion — by a paired
 * bound when both were scored on the same rows. Fails on any broken rule; never passes on a
 * metric the policy names but the evidence does not give. See README.md.
 */
import { defineCheck, type CheckInput, type CheckOutcome, type Finding, type MetricResult } from '../../src/core/check.js';
import { IncompleteCheckError, InvalidInputError, MissingEvidenceError } from '../../src/core/errors.js';
import { fmt } from '../../src/core/thresholds.js';
import { greaterIsBetter } from '../../src/metrics/metric-direction.js';
import type { QualityConstraint } from '../../src/metrics/quality-constraints.js';
import type { QualityReport } from '../../src/metrics/quality-report.js';
import { isComputed } from './computed-report.js';
import { defaultConfig, type ModelQualityConfig } from './config.js';
import configSchema from './config.schema.json' with { type: 'json' };
import { evaluateQuality, type ChampionQuality } from './evaluate.js';
import { CONSTRAINTS, loadConstraints, loadQuality, PREDICTIONS, STATISTICS } from './load.js';
import { pairedQualityFromPredictions, type PairedQuality } from './paired.js';
import { validateQualityConfig } from './validate-config.js';

export type { ModelQualityConfig } from './config.js';

/** Rules that cannot be applied whatever the evidence says: a policy mistake, reported before reading anything. */
const assertRulesUsable = (config: ModelQualityConfig): void => {
  const names = Object.keys(config.metrics);
  if (names.length === 0 && config.applyRegisteredConstraints !== true) {
    throw new InvalidInputError('no rule to apply', 'with', 'metrics with at least one bound, or applyRegisteredConstraints: true');
  }
  // Also here, not only at validation: a config handed to run() directly gets the same guard.
  const [problem] = validateQualityConfig(config);
  if (problem) throw new InvalidInputError(problem.message, `with${problem.path}`);
  for (const name of names) {
    const rule = config.metrics[name]!;
    const comparesChampion = rule.vsChampion !== undefined;
    if (comparesChampion && rule.greaterIsBetter === undefined && greaterIsBetter(name) === undefined) {
      throw new InvalidInputError(
        `modelgate does not know whether a higher ${name} is better, and vsChampion needs to know`,
        `with.metrics.${name}`,
        'greaterIsBetter: true or false',
      );
    }
  }
};

const loadChampion = async (input: CheckInput, config: ModelQualityConfig, signal: AbortSignal, problemType: string): Promise<ChampionQuality> => {
  const champion = input.champion;
  if (!champion) return { kind: 'none' };
  const version = champion.subject.version;
  const report = await loadQuality(champion.evidence, config, signal, `champion (version ${version}) `);
  if (!report) return { kind: 'unavailable', reason: `the champion (version ${version}) has neither ${STATISTICS} nor ${PREDICTIONS} evidence` };
  if (report.problemType !== problemType) {
    return { kind: 'unavailable', reason: `the champion (version ${version}) reports ${report.problemType} metrics, the candidate ${problemType}` };
  }
  return { kind: 'report', report };
};

/** Whether vsChampion rules use the paired comparison (both models' predictions, same rows). */
const usesPairedComparison = (input: CheckInput, config: ModelQualityConfig): boolean => {
  const champion = input.champion;
  const onlyPredictions = (e: CheckInput['evidence']) => e[STATISTICS] === undefined && e[PREDICTIONS] !== undefined;
  const both = champion !== null && onlyPredictions(input.evidence) && onlyPredictions(champion.evidence);
  const mode = config.championComparison ?? (both ? 'paired' : 'point');
  if (mode === 'point' || champion === null) return false;
  if (both) return true;
  const why = [
    input.evidence[STATISTICS] !== undefined ? `the candidate has ${STATISTICS} (used instead of its ${PREDICTIONS})` : '',
    input.evidence[PREDICTIONS] === undefined ? `the candidate has no ${PREDICTIONS} dataset` : '',
    champion.evidence[STATISTICS] !== undefined
      ? `the champion (version ${champion.subject.version}) has ${STATISTICS} (used instead of its ${PREDICTIONS})`
      : '',
    champion.evidence[PREDICTIONS] === undefined ? `the champion (version ${champion.subject.version}) has no ${PREDICTIONS} dataset` : '',
  ].filter(Boolean);
  throw new InvalidInputError(
    `championComparison is paired, but ${why.join(' and ')}`,
    'with.championComparison',
    `${PREDICTIONS} datasets and no statistics reports for both the candidate and the champion, or championComparison: point`,
  );
};

/** McNemar's test as an informational metric and a sentence (classifiers only). */
const mcnemarExtras = (paired: PairedQuality, named: boolean): { metrics: MetricResult[]; findings: Finding[] } => {
  const t = paired.mcnemar;
  if (!t) return { metrics: [], findings: [] };
  const message =
    `McNemar's test on accuracy (informational): the candidate alone is right on ${t.candidateOnlyCorrect} rows, the champion alone on ${t.championOnlyCorrect} ` +
    `(of ${t.n}); two-sided p = ${fmt(t.pValue)} (${t.method === 'exact' ? 'exact binomial' : 'χ² with continuity correction'}), one-sided p that the candidate is less accurate = ${fmt(t.pValueCandidateWorse)}`;
  return { metrics: named ? [] : [{ name: 'mcnemar_p', value: t.pValue }], findings: [{ severity: 'info', message, metric: 'mcnemar_p' }] };
};

interface Loaded {
  report: QualityReport;
  champion: ChampionQuality;
  paired?: PairedQuality;
}

/** The candidate's report and the champion's, read or computed; one lockstep pass when paired. */
const loadReports = async (input: CheckInput, config: ModelQualityConfig, signal: AbortSignal, needsChampion: boolean): Promise<Loaded> => {
  if (needsChampion && usesPairedComparison(input, config)) {
    const champion = input.champion!;
    const paired = await pairedQualityFromPredictions(
      input.evidence[PREDICTIONS]!,
      champion.evidence[PREDICTIONS]!,
      config,
      signal,
      `champion (version ${champion.subject.version}) `,
    );
    const report = paired.mcnemar
      ? { ...paired.candidate, metrics: { ...paired.candidate.metrics, mcnemar_p: { value: paired.mcnemar.pValue, standardDeviation: null } } }
      : paired.candidate;
    return { report, champion: { kind: 'paired', report: paired.champion, comparison: paired.comparison, confidence: paired.confidence }, paired };
  }
  const report = await loadQuality(input.evidence, config, signal);
  if (!report) throw new MissingEvidenceError([STATISTICS], `missing evidence: ${STATISTICS} (or a ${PREDICTIONS} dataset)`);
  if (config.problemType !== undefined && config.problemType !== report.problemType) {
    throw new InvalidInputError(
      `the policy says ${config.problemType} but the model quality statistics report ${report.problemType} metrics`,
      'with.problemType',
      `the report's problem type (${report.problemType}), or no problemType`,
    );
  }
  signal.throwIfAborted();
  const champion = needsChampion ? await loadChampion(input, config, signal, report.problemType) : ({ kind: 'none' } as const);
  return { report, champion };
};

const modelQuality = defineCheck<ModelQualityConfig>({
  id: 'model-quality',
  version: '1.1.0',
  title: 'Model quality',
  description:
    "Holds the model quality metrics (SageMaker Model Monitor model quality statistics, or computed from a predictions dataset) to the policy's bounds, to the registered Model Monitor constraints and to the champion (a paired bound when both were scored on the same rows).",
  evidence: [
    { name: STATISTICS, description: 'ModelMetrics.ModelQuality.Statistics: Model Monitor model quality statistics (JSON).' },
    {
      name: PREDICTIONS,
      description: 'A predictions dataset (CSV or JSON Lines, optionally gzipped; label, prediction, score per row), used when there is no statistics report.',
    },
    { name: CONSTRAINTS, description: 'ModelMetrics.ModelQuality.Constraints, read when applyRegisteredConstraints is true.' },
  ],
  configSchema,
  defaultConfig,
  validateConfig: validateQualityConfig,
  async run(input, config, ctx) {
    assertRulesUsable(config);
    const needsChampion = Object.values(config.metrics).some((r) => r.vsChampion !== undefined);
    const { report, champion, paired } = await loadReports(input, config, ctx.signal, needsChampion);

    let constraints: QualityConstraint[] = [];
    if (config.applyRegisteredConstraints === true) {
      const registered = await loadConstraints(input.evidence);
      if (!registered) throw new MissingEvidenceError([CONSTRAINTS], `missing evidence: ${CONSTRAINTS} (applyRegisteredConstraints is true)`);
      if (registered.problemType !== report.problemType) {
        throw new InvalidInputError(
          `the registered constraints are for ${registered.problemType}, the statistics report ${report.problemType} metrics`,
          CONSTRAINTS,
          'constraints for the same problem type as the statistics',
        );
      }
      constraints = registered.constraints;
    }

    const source = isComputed(report) ? `the metrics computed from ${report.source}` : undefined;
    const e = evaluateQuality(report, config.metrics, constraints, champion, source);
    const notes = [
      ...(isComputed(report) ? report.notes : []),
      ...((champion.kind === 'report' || champion.kind === 'paired') && isComputed(champion.report) ? champion.report.notes : []),
    ];
    const extras = paired ? mcnemarExtras(paired, Object.hasOwn(config.metrics, 'mcnemar_p')) : { metrics: [], findings: [] };
    const base = { metrics: [...e.metrics, ...extras.metrics], findings: [...notes, ...e.findings, ...extras.findings] };
    if (e.invalid.length > 0) {
      // Invalid evidence decides nothing, not even a fail: a person must look at the report.
      const more = e.invalid.length > 1 ? ` (and ${e.invalid.length - 1} more)` : '';
      const outcome: CheckOutcome = { status: 'warn', summary: `invalid evidence: ${e.invalid[0]}${more}`, ...base };
      throw new IncompleteCheckError(outcome.summary, outcome);
    }
    if (e.violations.length > 0) {
      const more = e.violations.length > 1 ? ` (and ${e.violations.length - 1} more)` : '';
      return { status: 'fail', summary: `${e.violations[0]}${more}`, ...base };
    }
    // Opting in to "not computable" accepts a gap, not a check that judged nothing at all.
    const nothingJudged = e.metrics.length > 0 && e.allowedNotComputable.length === e.metrics.length;
    if (e.incomplete.length > 0 || e.metrics.length === 0 || nothingJudged) {
      const reasons =
        e.metrics.length === 0
          ? ['the registered constraints list no metric and the policy names none']
          : nothingJudged
            ? ['no configured metric is computable (allowNotComputable accepts a gap, not an empty verdict)']
            : e.incomplete;
      const outcome: CheckOutcome = { status: 'warn', summary: `model quality incomplete: ${reasons.join('; ')}`, ...base };
      throw new IncompleteCheckError(outcome.summary, outcome);
    }
    const values = e.metrics.map((m) => `${m.name} ${m.value === null ? m.reason : fmt(m.value)}`).join(', ');
    const allowed = e.allowedNotComputable.length > 0 ? `; ${e.allowedNotComputable.length} not computable (allowed by policy)` : '';
    const skipped = `${e.notApplicable.length > 0 ? '; vsChampion not applicable: no champion' : ''}${allowed}`;
    return { status: 'pass', summary: `${e.metrics.length} quality metric(s) within bounds: ${values}${skipped}`, ...base };
  },
});

export default modelQuality;

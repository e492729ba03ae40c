/**
 * bias: the bias metrics of METRICS.md (pre-training CI, DPL, KL, JS, LP, TVD, KS, CDDL;
 * post-training DPPL, DI, DCAcc, DCR, RD, SD, DAR, DRR, AD, CDDPL, TE, GE) per facet, held against
 * the policy's bounds. Computed in one streaming pass from a predictions dataset, or read from
 * SageMaker Clarify bias reports. Not computable is never a pass. See README.md.
 */
import { defineCheck, type CheckOutcome } from '../../src/core/check.js';
import { IncompleteCheckError, InvalidInputError, MissingEvidenceError } from '../../src/core/errors.js';
import { defaultConfig, thresholdsOf, validateBiasConfig, type BiasConfig } from './config.js';
import configSchema from './config.schema.json' with { type: 'json' };
import { evaluateBias } from './evaluate.js';
import { CLARIFY_REPORTS, PREDICTIONS, fromClarify, fromPredictions } from './sources.js';

export type { BiasConfig } from './config.js';

const bias = defineCheck<BiasConfig>({
  id: 'bias',
  version: '1.0.0',
  title: 'Bias',
  description:
    "Holds pre- and post-training bias metrics (DI, DPPL, CI, ... per METRICS.md) of each sensitive facet within the policy's bounds, computed from a predictions dataset or read from a SageMaker Clarify bias report; small groups and zero denominators are not computable, never a pass.",
  evidence: [
    {
      name: PREDICTIONS,
      description:
        'A CSV or JSON Lines file (optionally gzipped), one row per scored example: label, prediction and/or score, the facet columns, optionally a group column. Preferred when present.',
    },
    { name: 'bias-report', description: 'ModelMetrics.Bias.Report: a SageMaker Clarify analysis.json with pre- and/or post-training bias metrics.' },
    { name: 'bias-pre-training-report', description: 'ModelMetrics.Bias.PreTrainingReport: a Clarify analysis.json with pre_training_bias_metrics.' },
    { name: 'bias-post-training-report', description: 'ModelMetrics.Bias.PostTrainingReport: a Clarify analysis.json with post_training_bias_metrics.' },
  ],
  configSchema,
  defaultConfig,
  validateConfig: validateBiasConfig,
  async run(input, config, ctx) {
    const [problem] = validateBiasConfig(config);
    if (problem) throw new InvalidInputError(problem.message, `with${problem.path}`);
    const predictions = input.evidence[PREDICTIONS];
    const reports = CLARIFY_REPORTS.filter((n) => input.evidence[n] !== undefined);
    if (!predictions && reports.length === 0) {
      throw new MissingEvidenceError([PREDICTIONS, ...CLARIFY_REPORTS], `missing evidence: ${PREDICTIONS} or one of ${CLARIFY_REPORTS.join(', ')}`);
    }
    const loaded = predictions ? await fromPredictions(predictions, config, ctx.signal) : await fromClarify(input.evidence, config);
    ctx.signal.throwIfAborted();
    const ignored = predictions && reports.length > 0 ? `; ${reports.join(', ')} not read: the predictions dataset wins` : '';
    const thresholds = thresholdsOf(config);
    const e = evaluateBias(loaded.slices, thresholds, {
      failOnlyWhenIntervalCrosses: config.failOnlyWhenIntervalCrosses ?? false,
      notComputable: config.notComputable ?? 'error',
    });
    const findings = [...loaded.findings, ...e.findings];
    if (ignored) findings.unshift({ severity: 'info', message: `the predictions dataset was used${ignored}` });
    const base = { metrics: e.metrics, findings };
    const from = `from ${loaded.source}${ignored}`;

    if (e.invalid.length > 0) {
      // Invalid evidence decides nothing, not even a fail: a person must look at the report.
      const more = e.invalid.length > 1 ? ` (and ${e.invalid.length - 1} more)` : '';
      const outcome: CheckOutcome = { status: 'warn', summary: `invalid evidence: ${e.invalid[0]}${more}; ${from}`, ...base };
      throw new IncompleteCheckError(outcome.summary, outcome);
    }
    if (e.violations.length > 0) {
      const more = e.violations.length > 1 ? ` (and ${e.violations.length - 1} more)` : '';
      return { status: 'fail', summary: `${e.violations[0]}${more}; ${from}`, ...base };
    }
    if (e.incomplete.length > 0 && (config.notComputable ?? 'error') === 'error') {
      const more = e.incomplete.length > 1 ? ` (and ${e.incomplete.length - 1} more)` : '';
      const outcome: CheckOutcome = { status: 'warn', summary: `${e.incomplete[0]}${more}; ${from}`, ...base };
      throw new IncompleteCheckError(outcome.summary, outcome);
    }
    if (thresholds.length === 0) return { status: 'not_applicable', summary: `no bias metric is configured (with.metrics); ${from}`, ...base };
    if (e.evaluated === 0) {
      if (e.allowed.length > 0 && e.incomplete.length === 0) {
        // allowNotComputable accepts a gap, not a check that judged nothing at all.
        const outcome: CheckOutcome = {
          status: 'warn',
          summary: `no configured bias metric is computable (allowNotComputable accepts a gap, not an empty verdict): ${e.allowed[0]}; ${from}`,
          ...base,
        };
        throw new IncompleteCheckError(outcome.summary, outcome);
      }
      return { status: 'not_applicable', summary: `no configured bias metric could be evaluated (notComputable: ignore); ${from}`, ...base };
    }
    const gaps = e.incomplete.length + e.allowed.length;
    const skipped = gaps > 0 ? `, ${gaps} not computable (ignored by policy)` : '';
    return { status: 'pass', summary: `${e.evaluated} bias metric value(s) within bounds${skipped}; ${from}`, ...base };
  },
});

export default bias;

/**
 * Where the bias check gets its numbers: a predictions dataset (computed here, in one streaming
 * pass) or SageMaker Clarify bias reports (read). Both end as SliceValues for the evaluator.
 */
import type { Finding } from '../../src/core/check.js';
import type { EvidenceHandle, EvidenceSet } from '../../src/core/evidence.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { fmt } from '../../src/core/thresholds.js';
import { biasFromDataset, POPULATION_METRICS, REPORT_ONLY_METRICS, type BiasMetricName } from '../../src/metrics/bias/index.js';
import { matchClarifyFacet, mergeClarifyBiasReports, readClarifyBiasReport } from '../../src/metrics/clarify/bias-report.js';
import { formatFromName } from '../../src/metrics/dataset/index.js';
import { DEFAULT_COLUMNS, type BiasConfig } from './config.js';
import type { SliceValues } from './evaluate.js';

export const PREDICTIONS = 'predictions';
export const CLARIFY_REPORTS = ['bias-report', 'bias-pre-training-report', 'bias-post-training-report'] as const;

export interface Loaded {
  slices: SliceValues[];
  findings: Finding[];
  /** One phrase: where the numbers came from. */
  source: string;
}

const baseName = (uri: string): string => {
  const path = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || uri;
};

/** Computes every facet's metrics from the predictions dataset. */
export const fromPredictions = async (handle: EvidenceHandle, config: BiasConfig, signal: AbortSignal): Promise<Loaded> => {
  const facets = config.facets ?? [];
  if (facets.length === 0) {
    throw new InvalidInputError(
      'no facets are configured',
      'bias check config at /facets',
      'at least one facet, e.g. { column: sex, sensitive: [F] } or { column: age, sensitiveAtLeast: 60 }',
    );
  }
  const given = config.columns ?? {};
  const name = baseName(handle.ref.uri);
  const format = config.format && config.format !== 'auto' ? config.format : formatFromName(name);
  const result = await biasFromDataset(handle.stream(), {
    columns: { ...DEFAULT_COLUMNS, ...given },
    required: (['prediction', 'score', 'group'] as const).filter((k) => given[k] !== undefined),
    positiveLabel: config.positiveLabel ?? 1,
    ...(config.scoreThreshold !== undefined ? { scoreThreshold: config.scoreThreshold } : {}),
    facets,
    minGroupSize: config.minGroupSize ?? 30,
    format,
    sourceName: name,
    signal,
  });
  const facetOnly = (m: BiasMetricName): boolean => !POPULATION_METRICS.includes(m);
  const slices: SliceValues[] = result.facets.map((f) => ({
    slice: f.slice,
    offers: facetOnly,
    absent: (m) =>
      REPORT_ONLY_METRICS.includes(m as 'FT') ? `${m} needs the model itself; it is only read from a Clarify bias report` : `${m} was not computed`,
    values: f.metrics,
  }));
  slices.push({ offers: (m) => POPULATION_METRICS.includes(m), absent: (m) => `${m} was not computed`, values: result.population });
  const p = result.predictedFrom;
  const predicted = p === null ? 'no predicted labels' : p.kind === 'prediction' ? `ŷ from column "${p.column}"` : `ŷ = ${p.column} ≥ ${fmt(p.threshold)}`;
  const sizes = result.facets.map((f) => `${f.slice}: d ${f.sizes.d}, a ${f.sizes.a}`).join('; ');
  const findings: Finding[] = [
    {
      severity: 'info',
      message: `computed from ${name}: ${result.rows} rows, ${predicted}, positive label ${JSON.stringify(config.positiveLabel ?? 1)}; group sizes ${sizes}`,
    },
    ...result.notes.map((message): Finding => ({ severity: 'warning', message })),
  ];
  return { slices, findings, source: `${name} (${result.rows} rows)` };
};

/** Reads the Clarify bias reports present and picks the entries the policy's facets name (all entries when none are named). */
export const fromClarify = async (evidence: EvidenceSet, config: BiasConfig): Promise<Loaded> => {
  const present = CLARIFY_REPORTS.filter((n) => evidence[n] !== undefined);
  const reports = [];
  for (const n of present) {
    const handle = evidence[n]!;
    reports.push(readClarifyBiasReport(await handle.json(), `${n} (${handle.ref.uri})`));
  }
  const report = mergeClarifyBiasReports(reports);
  const findings: Finding[] = [
    {
      severity: 'info',
      message: `read from the Clarify bias report${present.length > 1 ? 's' : ''} ${present.join(', ')}${report.label ? ` (label "${report.label}", positive ${report.labelValueOrThreshold ?? '?'})` : ''}; minGroupSize cannot be applied to a report (it carries no group sizes)`,
    },
  ];
  const absent = (slice: string) => (m: BiasMetricName) => `${m} is absent from the Clarify report for ${slice}`;
  const slices: SliceValues[] = [];
  const facets = config.facets ?? [];
  if (facets.length === 0) {
    for (const e of report.entries) slices.push({ slice: e.slice, offers: () => true, absent: absent(e.slice), values: e.metrics });
    if (report.entries.some((e) => e.group.kind === 'threshold')) {
      findings.push({ severity: 'info', message: 'Clarify numeric facets are thresholds t meaning value > t (slices read column>t)' });
    }
  }
  for (const facet of facets) {
    const match = matchClarifyFacet(report, facet);
    if (match.entry === null) {
      const reason = match.reason;
      const slice = 'sensitiveAtLeast' in facet ? `${facet.column}>=${facet.sensitiveAtLeast}` : `${facet.column}=${facet.sensitive.map(String).join('|')}`;
      slices.push({ slice, offers: () => true, absent: () => reason, values: {} });
      continue;
    }
    if (match.note) findings.push({ severity: 'warning', message: match.note, slice: match.slice });
    slices.push({ slice: match.slice, offers: () => true, absent: absent(match.slice), values: match.entry.metrics });
  }
  return { slices, findings, source: `Clarify report${present.length > 1 ? 's' : ''} ${present.join(', ')}` };
};

/**
 * SageMaker Clarify bias reports (`analysis.json`, FORMATS.md): sections
 * `pre_training_bias_metrics` / `post_training_bias_metrics`, each mapping a facet column to a
 * LIST of entries (one per value or threshold group), each with metrics read by NAME.
 *
 * Clarify writes a numeric facet's group as an interval `"(t, max]"`: value **> t**. modelgate's
 * own `sensitiveAtLeast: t` means value **≥ t**; slices from a report therefore read `age>40`.
 */
import { InvalidInputError } from '../../core/errors.js';
import { toNumber, toReportNumber } from '../../core/tolerant-json.js';
import { sameValue, sliceOf, isNumericFacet } from '../bias/facets.js';
import { canonicalBiasMetric, type BiasMetricName, type BiasValue, type FacetSpec } from '../bias/types.js';
import { describeValue } from '../../core/describe-value.js';

export const CLARIFY_BIAS_SECTIONS = ['pre_training_bias_metrics', 'post_training_bias_metrics'] as const;
export type ClarifyBiasSection = (typeof CLARIFY_BIAS_SECTIONS)[number];

/** Which rows a report entry calls the sensitive group. */
export type ClarifyGroup = { kind: 'values'; values: string[] } | { kind: 'threshold'; threshold: number };

export interface ClarifyBiasEntry {
  column: string;
  group: ClarifyGroup;
  /** `sex=F`, `race=B|C`, `age>40` (Clarify's threshold: value > 40). */
  slice: string;
  metrics: Partial<Record<BiasMetricName, BiasValue>>;
  sections: ClarifyBiasSection[];
}

export interface ClarifyBiasReport {
  /** The label column and its positive value(s) as the report states them. */
  label?: string;
  labelValueOrThreshold?: string;
  entries: ClarifyBiasEntry[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `"(40, 90]"`: Clarify's way to write "value > 40" for a numeric facet. */
const INTERVAL = /^\s*\(\s*([^,\s]+)\s*,\s*([^\]\s]+)\s*\]\s*$/;

/** Reads `value_or_threshold`: an interval is a threshold; anything else is one or more values. */
const groupOf = (raw: unknown, where: string): ClarifyGroup => {
  if (typeof raw === 'string') {
    const m = INTERVAL.exec(raw);
    const t = m ? toNumber(m[1]) : null;
    if (m && t !== null && Number.isFinite(t)) return { kind: 'threshold', threshold: t };
    return { kind: 'values', values: raw.split(',').map((s) => s.trim()) };
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return { kind: 'values', values: [String(raw)] };
  if (Array.isArray(raw) && raw.length > 0 && raw.every((v) => ['string', 'number', 'boolean'].includes(typeof v)))
    return { kind: 'values', values: raw.map(String) };
  throw new InvalidInputError(`value_or_threshold is ${describeValue(raw)}`, where, 'a string, a number or a list of values');
};

const sliceFor = (column: string, g: ClarifyGroup): string => (g.kind === 'threshold' ? `${column}>${g.threshold}` : `${column}=${g.values.join('|')}`);

/** A metric's `value` as modelgate's BiasValue: numbers pass; `"Infinity"`, `"NaN"`, `null` + `error` are not computable. */
export const clarifyValue = (metric: Record<string, unknown>): BiasValue => {
  const raw = metric['value'];
  const error = typeof metric['error'] === 'string' && metric['error'] !== '' ? metric['error'] : null;
  if (raw === null || raw === undefined) return { value: null, reason: error ? `Clarify reported no value: ${error}` : 'Clarify reported no value' };
  const n = toReportNumber(raw);
  if (n === null) return { value: null, reason: `Clarify reported a value that is not a number: ${describeValue(raw)}` };
  if (Number.isNaN(n)) return { value: null, reason: `Clarify reported NaN${error ? `: ${error}` : ''}` };
  if (!Number.isFinite(n))
    return { value: null, reason: `Clarify reported ${n > 0 ? 'Infinity' : '-Infinity'} (a zero denominator)${error ? `: ${error}` : ''}`, raw: n };
  return { value: n };
};

/**
 * Parses one Clarify bias report. Unknown sections and unknown metric names are ignored; metrics
 * are found by name (`DCA` is read as `DCAcc`), never by position.
 *
 * @throws InvalidInputError naming the JSON path when the report has neither section, or a
 * section is not shaped as FORMATS.md describes.
 */
export const readClarifyBiasReport = (json: unknown, where = 'analysis.json'): ClarifyBiasReport => {
  if (!isObject(json)) throw new InvalidInputError('is not a JSON object', where, 'a Clarify analysis.json');
  const present = CLARIFY_BIAS_SECTIONS.filter((s) => json[s] !== undefined && json[s] !== null);
  if (present.length === 0) {
    throw new InvalidInputError(
      `has no ${CLARIFY_BIAS_SECTIONS.join(' or ')} section (top-level keys: ${Object.keys(json).join(', ') || 'none'})`,
      where,
      'a Clarify bias report',
    );
  }
  const report: ClarifyBiasReport = { entries: [] };
  for (const section of present) {
    const body = json[section];
    const at = `${where} at /${section}`;
    if (!isObject(body)) throw new InvalidInputError('is not an object', at, '{ label, facets: {...} }');
    if (typeof body['label'] === 'string') report.label ??= body['label'];
    if (body['label_value_or_threshold'] !== undefined) report.labelValueOrThreshold ??= String(body['label_value_or_threshold']);
    const facets = body['facets'];
    if (!isObject(facets)) throw new InvalidInputError('facets is not an object', at, 'facets: { <column>: [ { value_or_threshold, metrics } ] }');
    for (const [column, list] of Object.entries(facets)) {
      const fat = `${at}/facets/${column}`;
      if (!Array.isArray(list)) throw new InvalidInputError('is not a list', fat, 'a list of { value_or_threshold, metrics } entries');
      list.forEach((item: unknown, i) => {
        const eat = `${fat}/${i}`;
        if (!isObject(item)) throw new InvalidInputError('is not an object', eat, '{ value_or_threshold, metrics }');
        const metrics = item['metrics'];
        if (!Array.isArray(metrics)) throw new InvalidInputError('metrics is not a list', eat, 'metrics: [ { name, value } ]');
        const group = groupOf(item['value_or_threshold'], `${eat}/value_or_threshold`);
        const slice = sliceFor(column, group);
        let entry = report.entries.find((e) => e.slice === slice);
        if (!entry) {
          entry = { column, group, slice, metrics: {}, sections: [] };
          report.entries.push(entry);
        }
        if (!entry.sections.includes(section)) entry.sections.push(section);
        metrics.forEach((m: unknown, j) => {
          if (!isObject(m) || typeof m['name'] !== 'string')
            throw new InvalidInputError('is not { name, value }', `${eat}/metrics/${j}`, 'a metric with a name');
          const name = canonicalBiasMetric(m['name']);
          if (name && !Object.hasOwn(entry.metrics, name)) entry.metrics[name] = clarifyValue(m);
        });
      });
    }
  }
  return report;
};

/** Several reports (combined, pre-training, post-training) as one: the first one to carry a metric wins. */
export const mergeClarifyBiasReports = (reports: readonly ClarifyBiasReport[]): ClarifyBiasReport => {
  const merged: ClarifyBiasReport = { entries: [] };
  for (const r of reports) {
    if (r.label !== undefined) merged.label ??= r.label;
    if (r.labelValueOrThreshold !== undefined) merged.labelValueOrThreshold ??= r.labelValueOrThreshold;
    for (const e of r.entries) {
      const into = merged.entries.find((x) => x.slice === e.slice);
      if (!into) merged.entries.push({ ...e, metrics: { ...e.metrics }, sections: [...e.sections] });
      else {
        for (const [k, v] of Object.entries(e.metrics) as [BiasMetricName, BiasValue][]) if (!Object.hasOwn(into.metrics, k)) into.metrics[k] = v;
        for (const s of e.sections) if (!into.sections.includes(s)) into.sections.push(s);
      }
    }
  }
  return merged;
};

export type ClarifyFacetMatch = { entry: ClarifyBiasEntry; slice: string; note?: string } | { entry: null; reason: string };

/**
 * The report entry for a policy facet. Categorical: the entry whose values are exactly the
 * sensitive values. Numeric `sensitiveAtLeast: t`: the entry with Clarify threshold t — which
 * Clarify reads as value > t, so the slice says `>` and a note says the two differ.
 */
export const matchClarifyFacet = (report: ClarifyBiasReport, facet: FacetSpec): ClarifyFacetMatch => {
  const candidates = report.entries.filter((e) => e.column === facet.column);
  const seen = candidates.map((e) => e.slice).join(', ');
  if (candidates.length === 0) {
    const columns = [...new Set(report.entries.map((e) => e.column))].join(', ');
    return { entry: null, reason: `the Clarify report has no facet "${facet.column}" (facets: ${columns || 'none'})` };
  }
  if (isNumericFacet(facet)) {
    const t = facet.sensitiveAtLeast;
    const entry = candidates.find(
      (e) =>
        (e.group.kind === 'threshold' && e.group.threshold === t) ||
        (e.group.kind === 'values' && e.group.values.length === 1 && toNumber(e.group.values[0]) === t),
    );
    if (!entry) return { entry: null, reason: `the Clarify report has no threshold ${t} for facet "${facet.column}" (entries: ${seen})` };
    const slice = `${facet.column}>${t}`;
    return {
      entry,
      slice,
      note: `Clarify's threshold ${t} for "${facet.column}" means ${facet.column} > ${t}; the policy's sensitiveAtLeast ${t} means ${facet.column} ≥ ${t}: the report's metrics are for ${slice}`,
    };
  }
  const wanted = facet.sensitive;
  const entry = candidates.find(
    (e) =>
      e.group.kind === 'values' &&
      e.group.values.length === wanted.length &&
      e.group.values.every((v) => wanted.some((w) => sameValue(v, w))) &&
      wanted.every((w) => e.group.kind === 'values' && e.group.values.some((v) => sameValue(v, w))),
  );
  if (!entry) return { entry: null, reason: `the Clarify report has no entry for ${sliceOf(facet)} (entries: ${seen})` };
  return { entry, slice: sliceOf(facet) };
};

/**
 * The decision: a pure function of the check results, their severities and the waivers in force.
 * Fail closed — nothing is approved because a check could not run or because nothing was checked.
 *
 * Rules (blocking checks only; advisory checks never decide but are listed in the reasons):
 * - `reject` when a blocking check failed and no waiver covers it;
 * - else `needs_review` when a blocking check errored (exception, timeout, missing evidence,
 *   invalid config, unknown check) and no waiver covers it;
 * - else `needs_review` when there is no blocking check, or every blocking check was
 *   `not_applicable`: nothing was verified;
 * - else `approve`. `pass`, `not_applicable` and `warn` do not stand in the way; a `warn` is
 *   listed in the reasons.
 *
 * A waiver covers a failing (`passed === false`) or not computable (`value === null`) metric of its
 * check whose name (when the waiver names a metric) and slice (when it names a slice) agree. A
 * failed or errored check counts as passing only when the waivers in force cover every one of its
 * failing metrics; a failure with no failing metric (missing evidence, a timeout, a crash) is
 * covered only by a waiver that names neither metric nor slice. A waiver is in force through the
 * whole `until` day, UTC, and only for subjects whose `group/version` matches one of its globs.
 */
import type { CheckResult, MetricResult } from './check.js';
import { globMatches } from './policy/glob.js';
import type { Waiver } from './policy/types.js';
import type { AppliedWaiver, Decision } from './run.js';

export interface DecideInput {
  results: CheckResult[];
  waivers: Waiver[];
  subject: { group: string; version: string };
  now: Date;
}

export interface DecideOutcome {
  decision: Decision;
  reasons: string[];
  waivers: { applied: AppliedWaiver[]; expired: Waiver[] };
}

/** Whether `waiver` is in force at `now`: through the end of its `until` day, UTC. */
export const waiverInForce = (waiver: Pick<Waiver, 'until'>, now: Date): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(waiver.until);
  if (!m) return false; // an unreadable date never extends a waiver
  return now.getTime() < Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
};

/** Whether `waiver` names `subject` (`group/version`) among its subject globs. */
export const waiverCoversSubject = (waiver: Pick<Waiver, 'subjects'>, subject: { group: string; version: string }): boolean =>
  waiver.subjects.some((g) => globMatches(g, `${subject.group}/${subject.version}`));

/** Something a waiver must cover: a failing metric, or (no metric) the check as a whole. */
type Item = { metric: MetricResult | null };

// These failures say nothing about any metric: only a whole-check waiver may cover them.
const WHOLE_CHECK_ERRORS = new Set(['timeout', 'missing_evidence', 'invalid_config', 'unknown_check']);

const itemsToCover = (r: CheckResult): Item[] => {
  if (r.error && WHOLE_CHECK_ERRORS.has(r.error.kind)) return [{ metric: null }];
  const failing = r.metrics.filter((m) => m.passed === false || m.value === null);
  return failing.length > 0 ? failing.map((metric) => ({ metric })) : [{ metric: null }];
};

const covers = (w: Waiver, item: Item): boolean =>
  item.metric === null
    ? w.metric === undefined && w.slice === undefined
    : (w.metric === undefined || w.metric === item.metric.name) && (w.slice === undefined || w.slice === item.metric.slice);

const itemLabel = (check: string, item: Item): string =>
  item.metric === null ? check : `${check}/${item.metric.name}${item.metric.slice ? ` ${item.metric.slice}` : ''}`;

const waiverLabel = (w: Waiver): string => `${w.check}${w.metric ? `/${w.metric}` : ''}${w.slice ? ` ${w.slice}` : ''}`;

/** What a person reads about a result: error findings, else the error message, else the summary. */
const sentences = (r: CheckResult, findingSeverity: 'error' | 'warning'): string[] => {
  const found = r.findings.filter((f) => f.severity === findingSeverity).map((f) => f.message);
  const out = r.status === 'error' && r.error ? [r.error.message, ...found] : found;
  const unique = [...new Set(out.filter((s) => s.trim() !== ''))];
  return unique.length > 0 ? unique : [r.summary.trim() || `status ${r.status}`];
};

// Reasons are listed by weight: what decided first, then context.
const RANK = { unverified: -1, fail: 0, error: 1, expired: 2, waived: 3, warn: 4, advisory: 5 } as const;

/**
 * Decides a run.
 *
 * @example
 * ```ts
 * const { decision, reasons } = decide({ results, waivers: policy.doc.waivers ?? [], subject, now: clock.now() });
 * // decision: 'reject'; reasons: ['bias: DI for sex=F is 0.62, below min 0.8']
 * ```
 */
export const decide = (input: DecideInput): DecideOutcome => {
  const { results, subject, now } = input;
  const reasons: Array<{ rank: number; text: string }> = [];
  const say = (rank: number, text: string): void => void reasons.push({ rank, text });
  const applied: AppliedWaiver[] = [];
  const expired: Waiver[] = [];
  const forSubject = input.waivers.filter((w) => waiverCoversSubject(w, subject));
  let failed = false;
  let errored = false;
  let verified = false;

  for (const r of results) {
    if (r.severity === 'advisory') {
      if (r.status !== 'pass' && r.status !== 'not_applicable') {
        for (const s of sentences(r, r.status === 'warn' ? 'warning' : 'error')) say(RANK.advisory, `${r.id} (advisory): ${s}`);
      }
      continue;
    }
    if (r.status === 'pass' || r.status === 'warn') verified = true;
    if (r.status === 'warn') for (const s of sentences(r, 'warning')) say(RANK.warn, `${r.id} (warning): ${s}`);
    if (r.status !== 'fail' && r.status !== 'error') continue;

    const items = itemsToCover(r);
    const mine = forSubject.filter((w) => w.check === r.id);
    const active = mine.filter((w) => waiverInForce(w, now));
    for (const w of mine.filter((x) => !waiverInForce(x, now))) {
      if (!items.some((item) => covers(w, item))) continue;
      expired.push(w);
      say(RANK.expired, `${r.id}: waiver for ${waiverLabel(w)} expired on ${w.until} (approved by ${w.approvedBy}); it no longer applies`);
    }
    const coverage = active.map((w) => ({ w, covered: items.filter((item) => covers(w, item)) })).filter((c) => c.covered.length > 0);
    const uncovered = items.filter((item) => !active.some((w) => covers(w, item)));
    const texts = sentences(r, 'error');

    if (uncovered.length === 0) {
      verified = true;
      for (const s of texts) say(RANK.waived, `${r.id}: ${s} (waived)`);
      for (const { w, covered } of coverage) {
        const labels = covered.map((item) => itemLabel(r.id, item));
        applied.push({ ...w, covered: labels });
        say(RANK.waived, `${r.id}: waived by ${w.approvedBy} until ${w.until} for ${labels.join(', ')}: ${w.reason}`);
      }
      continue;
    }
    const rank = r.status === 'fail' ? RANK.fail : RANK.error;
    if (r.status === 'fail') failed = true;
    else errored = true;
    for (const s of texts) say(rank, `${r.id}: ${s}`);
    for (const { w, covered } of coverage) {
      say(
        rank,
        `${r.id}: the waiver by ${w.approvedBy} covers ${covered.map((i) => itemLabel(r.id, i)).join(', ')} but not ${uncovered.map((i) => itemLabel(r.id, i)).join(', ')}, so it does not apply`,
      );
    }
  }

  let decision: Decision;
  if (failed) decision = 'reject';
  else if (errored) decision = 'needs_review';
  else if (!verified) {
    decision = 'needs_review';
    const blocking = results.filter((r) => r.severity === 'blocking').length;
    say(
      RANK.unverified,
      results.length === 0
        ? 'no checks ran: nothing was verified, so nothing can be approved'
        : blocking === 0
          ? 'no blocking check ran (advisory checks never decide): nothing was verified, so nothing can be approved'
          : 'every blocking check was not applicable: nothing was verified, so nothing can be approved',
    );
  } else decision = 'approve';

  const ordered = reasons.map((r, i) => ({ ...r, i })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  return { decision, reasons: ordered.map((r) => r.text), waivers: { applied, expired } };
};

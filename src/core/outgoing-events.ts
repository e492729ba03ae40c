/**
 * What modelgate tells the outside world about a run: its own EventBridge events and the short
 * `ApprovalDescription` it writes to the registry. Both are bounded by the platform — 256 KB per
 * PutEvents call, 1024 characters per description — so both are cut here, deliberately, instead of
 * failing at the API. The full record is always one `modelgate runs show <runId>` away.
 */
import type { CheckResult, CheckStatus } from './check.js';
import { InvalidInputError } from './errors.js';
import { effectiveDecision, type RunRecord } from './run.js';
import { safeText } from './safe-text.js';

/** The `source` of every event modelgate publishes. */
export const MODELGATE_EVENT_SOURCE = 'modelgate';

export const DETAIL_TYPES = {
  completed: 'Model Evaluation Completed',
  rejected: 'Model Rejected',
  needsReview: 'Model Needs Review',
} as const;

export interface OutgoingEvent {
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
}

/** SageMaker's limit on `ApprovalDescription`. */
export const APPROVAL_DESCRIPTION_MAX = 1024;

const MAX_REASONS = 20;
const MAX_REASON_CHARS = 300;
const MAX_CHECKS = 50;
/**
 * Far below EventBridge's 256 KB so that a batch of events fits one PutEvents call. The per-field
 * bounds keep a detail well under this already; the budget is the backstop for pathological input.
 */
export const DETAIL_BUDGET_BYTES = 32 * 1024;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending with `marker` when it cut. Cuts only
 * between grapheme clusters, so no surrogate pair, combining accent or emoji sequence is split.
 *
 * @example
 * ```ts
 * truncateText('DI for sex=F is 0.62, below min 0.8', 12); // 'DI for sex=…'
 * ```
 */
export const truncateText = (text: string, max: number, marker = '…'): string => {
  if (text.length <= max) return text;
  if (max < marker.length) return '';
  const room = max - marker.length;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}${marker}`;
};

/**
 * One line: the registry refuses line breaks in ApprovalDescription (its pattern is `.*`); the
 * console and the CLI show it to people, so other controls and bidi overrides become visible
 * escapes (src/core/safe-text.ts).
 */
const oneLine = (s: string): string => safeText(s.replace(/[\s\u0085\u2028\u2029]+/g, ' ').trim());

const STATUS_RANK: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, pass: 3, not_applicable: 4 };

/** Failing and erroring checks first, blocking before advisory; otherwise the run's order. */
const byConcern = (checks: CheckResult[]): CheckResult[] =>
  checks
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) => STATUS_RANK[a.c.status] - STATUS_RANK[b.c.status] || (a.c.severity === b.c.severity ? 0 : a.c.severity === 'blocking' ? -1 : 1) || a.i - b.i,
    )
    .map(({ c }) => c);

const utf8 = new TextEncoder();
const bytes = (value: unknown): number => utf8.encode(JSON.stringify(value)).length;

/** The bounded detail shared by every event of one run (`schemas/events/modelgate-decision.schema.json`). */
const decisionDetail = (run: RunRecord, links: { runUrl?: string }): Record<string, unknown> => {
  if (links.runUrl !== undefined && !URL.canParse(links.runUrl)) {
    throw new InvalidInputError(`"${links.runUrl}" is not a URL`, 'links.runUrl', 'an absolute URL of the run page');
  }
  const reasons = run.reasons.slice(0, MAX_REASONS).map((r) => truncateText(r, MAX_REASON_CHARS));
  const ordered = byConcern(run.checks);
  const checks = ordered.slice(0, MAX_CHECKS).map((c) => ({
    id: truncateText(c.id, 128),
    version: truncateText(c.version, 64),
    severity: c.severity,
    status: c.status,
  }));
  const detail = {
    runId: run.runId,
    subject: {
      kind: run.subject.kind,
      arn: run.subject.arn,
      group: truncateText(run.subject.group, 256),
      version: truncateText(run.subject.version, 256),
      account: run.subject.account,
      region: run.subject.region,
    },
    decision: run.decision,
    effectiveDecision: effectiveDecision(run),
    reasons,
    reasonsOmitted: run.reasons.length - reasons.length,
    checks,
    checksOmitted: ordered.length - checks.length,
    policy: run.policy ? { name: truncateText(run.policy.name, 256), version: run.policy.version, digest: run.policy.digest } : null,
    champion: run.champion ? { arn: run.champion.arn, version: truncateText(run.champion.version, 256) } : null,
    ...(run.override
      ? {
          override: {
            decision: run.override.decision,
            by: truncateText(run.override.by, 2048),
            at: run.override.at,
            reason: truncateText(run.override.reason, MAX_REASON_CHARS),
          },
        }
      : {}),
    trigger: {
      source: run.trigger.source,
      ...(run.trigger.eventId !== undefined ? { eventId: truncateText(run.trigger.eventId, 256) } : {}),
      ...(run.trigger.rerunOf !== undefined ? { rerunOf: truncateText(run.trigger.rerunOf, 128) } : {}),
    },
    links: { cli: `modelgate runs show ${run.runId}`, ...(links.runUrl !== undefined ? { runUrl: links.runUrl } : {}) },
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    serviceVersion: truncateText(run.serviceVersion, 64),
  };
  // The backstop: drop the least important items (the last reasons, then the last checks).
  while (bytes(detail) > DETAIL_BUDGET_BYTES && (detail.reasons.length > 0 || detail.checks.length > 0)) {
    if (detail.reasons.length > 0) {
      detail.reasons.pop();
      detail.reasonsOmitted++;
    } else {
      detail.checks.pop();
      detail.checksOmitted++;
    }
  }
  return detail;
};

/**
 * The events to publish for a finished run: `Model Evaluation Completed` always, plus
 * `Model Rejected` or `Model Needs Review` when that is the decision that stands (an override
 * counts). Each detail validates against `schemas/events/modelgate-decision.schema.json` and stays
 * under {@link DETAIL_BUDGET_BYTES}.
 *
 * @param links - `runUrl`: the run's page for on-call, when one is served.
 * @example
 * ```ts
 * await publisher.publish(decisionEvents(run, { runUrl: `${baseUrl}/runs/${run.runId}` }));
 * ```
 */
export const decisionEvents = (run: RunRecord, links: { runUrl?: string } = {}): OutgoingEvent[] => {
  const detail = decisionDetail(run, links);
  const resources = [run.subject.arn];
  const events: OutgoingEvent[] = [{ detailType: DETAIL_TYPES.completed, detail, resources }];
  const standing = effectiveDecision(run);
  if (standing === 'reject') events.push({ detailType: DETAIL_TYPES.rejected, detail: structuredClone(detail), resources: [...resources] });
  if (standing === 'needs_review') events.push({ detailType: DETAIL_TYPES.needsReview, detail: structuredClone(detail), resources: [...resources] });
  return events;
};

/**
 * The registry's `ApprovalDescription` for a run: one line, at most 1024 characters, that names the
 * run id and the decision first (so they survive any cut), then the failing checks, the override,
 * the policy and the reasons. Cut on a character boundary with `…` when too long.
 *
 * @example
 * ```ts
 * approvalDescription(run);
 * // 'modelgate run run-01jn…: reject. Failing checks: bias. Policy credit-risk v3. Reasons: bias: DI for sex=F is 0.62, below min 0.8'
 * ```
 */
export const approvalDescription = (run: RunRecord): string => {
  const blocking = run.checks.filter((c) => c.severity === 'blocking');
  const failed = blocking.filter((c) => c.status === 'fail').map((c) => c.id);
  const errored = blocking.filter((c) => c.status === 'error').map((c) => c.id);
  const advisory = run.checks.filter((c) => c.severity === 'advisory' && (c.status === 'fail' || c.status === 'error')).map((c) => c.id);
  const parts = [`modelgate run ${run.runId}: ${effectiveDecision(run)}`];
  if (failed.length > 0) parts.push(`Failing checks: ${failed.join(', ')}`);
  if (errored.length > 0) parts.push(`Checks that could not run: ${errored.join(', ')}`);
  if (advisory.length > 0) parts.push(`Advisory findings: ${advisory.join(', ')}`);
  if (failed.length === 0 && errored.length === 0 && blocking.length > 0 && run.decision === 'approve') {
    parts.push('All blocking checks passed');
  }
  if (run.override) {
    parts.push(`Overrides ${run.decision}: ${run.override.by} on ${run.override.at}, "${run.override.reason}"`);
  }
  parts.push(run.policy ? `Policy ${run.policy.name} v${run.policy.version}` : 'No policy governs this model');
  if (run.reasons.length > 0) {
    // Only as many reasons as can show: a run may carry thousands.
    let text = 'Reasons: ';
    for (const [i, r] of run.reasons.entries()) {
      if (text.length > APPROVAL_DESCRIPTION_MAX) break;
      text += `${i > 0 ? '; ' : ''}${r.length > APPROVAL_DESCRIPTION_MAX ? r.slice(0, APPROVAL_DESCRIPTION_MAX + 1) : r}`;
    }
    parts.push(text);
  }
  return truncateText(oneLine(parts.join('. ')), APPROVAL_DESCRIPTION_MAX);
};

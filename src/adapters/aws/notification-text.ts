/**
 * The notification a person reads in their inbox: what model, what was decided, why, under which
 * policy, and where to look closer. Kept apart from the SNS call so that other channels (chat
 * webhook, console) can reuse the wording, and so that the bounds are tested without a client.
 */
import { effectiveDecision } from '../../core/run.js';
import type { Decision, RunRecord } from '../../core/run.js';
import { safeText } from '../../core/safe-text.js';
import { subjectLabel } from '../../core/subject.js';
import { truncateText, truncateUtf8 } from './truncate.js';

/** SNS: "less than 100 characters". */
export const SUBJECT_MAX = 99;
/**
 * SNS caps a message at 256 KB including its attributes and subject; the body gets 240 KB of it.
 * The per-section bounds below keep it far under that; this is the last guard.
 */
export const BODY_MAX_BYTES = 240 * 1024;
export const MAX_LISTED = 20;
const REASON_MAX = 500;
const CHECK_SUMMARY_MAX = 300;
const TEXT_MAX = 4000;

const DECISION_WORDS: Record<Decision, string> = { approve: 'approved', reject: 'rejected', needs_review: 'needs review' };

export interface NotificationMessage {
  subject: string;
  text: string;
  run: RunRecord;
}

export interface NotificationFormatOptions {
  /** A page that shows runs: the link is `<base>/runs/<runId>`. */
  consoleUrlBase?: string;
}

export interface FormattedNotification {
  subject: string;
  body: string;
  /** For subscription filter policies. */
  attributes: Record<string, string>;
}

/**
 * One line for a person: whitespace runs (line breaks included) become a space; any other control
 * character or bidi override becomes a visible escape (src/core/safe-text.ts). Subjects may carry
 * no line breaks or control characters at all.
 */
const oneLine = (s: string): string => safeText(s.replace(/[\s\u0085]+/g, ' ').trim());

/** `modelgate: credit-risk/12 rejected`, under SNS's 100-character limit. */
export const notificationSubject = (run: RunRecord): string => {
  const decision = effectiveDecision(run);
  const overridden = run.override ? ' (override)' : '';
  return truncateText(oneLine(`modelgate: ${subjectLabel(run.subject)} ${DECISION_WORDS[decision]}${overridden}`), SUBJECT_MAX, '...');
};

/** The link to the run on the configured page, or `undefined`. */
export const runUrl = (runId: string, consoleUrlBase?: string): string | undefined =>
  consoleUrlBase ? `${consoleUrlBase.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}` : undefined;

const bullets = (items: string[], max: number, more: string): string[] => {
  const lines = items.slice(0, MAX_LISTED).map((item) => `  - ${truncateText(item, max)}`);
  if (items.length > MAX_LISTED) lines.push(`  - … and ${items.length - MAX_LISTED} more (${more})`);
  return lines;
};

/**
 * Subject, body and attributes of the notification for `message.run`. `message.subject` and
 * `message.text` (the use case's own wording) open the body; the facts follow from the run.
 */
export const formatNotification = (message: NotificationMessage, options: NotificationFormatOptions = {}): FormattedNotification => {
  const { run } = message;
  const decision = effectiveDecision(run);
  const show = `modelgate runs show ${run.runId}`;
  const link = runUrl(run.runId, options.consoleUrlBase);

  const lines: string[] = [];
  const headline = oneLine(message.subject);
  if (headline) lines.push(headline, '');
  const text = message.text.trim();
  if (text && text !== headline) lines.push(truncateText(text, TEXT_MAX), '');

  lines.push(`Model:     ${subjectLabel(run.subject)}`, `ARN:       ${run.subject.arn}`);
  lines.push(`Decision:  ${decision}${run.override ? ` (overrides the gate's ${run.decision})` : ''}`);
  if (run.override) {
    lines.push(`Override:  ${run.override.decision} by ${run.override.by} at ${run.override.at}: ${truncateText(oneLine(run.override.reason), REASON_MAX)}`);
  }
  lines.push(
    run.policy
      ? `Policy:    ${run.policy.name} v${run.policy.version} (${run.policy.digest})`
      : 'Policy:    none matched this model: nothing can approve it until a policy covers it',
  );
  const registeredBy = run.registeredBy ?? [];
  if (registeredBy.length > 0) lines.push(`Registered by: ${truncateText(registeredBy.join(', '), REASON_MAX)}`);
  lines.push(`Champion:  ${run.champion ? `${run.subject.group}/${run.champion.version} (${run.champion.arn})` : 'none'}`);
  lines.push(`Run:       ${run.runId} (${run.trigger.source}${run.trigger.eventId ? ` event ${run.trigger.eventId}` : ''}, finished ${run.finishedAt})`);
  lines.push(`Service:   modelgate ${run.serviceVersion}`);

  if (run.reasons.length > 0) lines.push('', 'Reasons:', ...bullets(run.reasons.map(oneLine), REASON_MAX, show));
  const notPassing = run.checks.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn');
  if (notPassing.length > 0) {
    const items = notPassing.map((c) => `${c.id} [${c.severity}] ${c.status}: ${oneLine(c.error?.message ?? c.summary)}`);
    lines.push('', 'Checks not passing:', ...bullets(items, CHECK_SUMMARY_MAX, show));
  }

  lines.push('', 'Look closer:', `  ${show}`);
  if (link) lines.push(`  ${link}`);

  const attributes: Record<string, string> = { decision, group: run.subject.group };
  if (run.policy) attributes.policy = run.policy.name;
  if (run.override) attributes.overridden = 'true';

  // Every line may hold text from users, events or files: neutralise it all, keep the line breaks.
  const body = safeText(lines.join('\n'), { multiline: true });
  return { subject: notificationSubject(run), body: truncateUtf8(body, BODY_MAX_BYTES, `\n… (cut to fit; see ${show})`), attributes };
};

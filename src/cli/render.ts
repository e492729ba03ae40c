/**
 * Text rendering of runs for people. JSON output never goes through here.
 *
 * Runs carry text from users, events and files (override reasons, identities, findings, URIs), so
 * every line passes through {@link safeLine} on its way out: each entry of a `lines` array is one
 * line by construction, so a line break, an escape sequence or a bidi override inside one is data
 * and is shown escaped (`\x1b`), never obeyed by the terminal.
 */
import type { CheckResult, MetricResult } from '../core/check.js';
import { fmt, type Threshold } from '../core/thresholds.js';
import { effectiveDecision, type AuditEntry, type RunRecord } from '../core/run.js';
import { safeLine } from '../core/safe-text.js';

const WORD = { approve: 'APPROVE', reject: 'REJECT', needs_review: 'NEEDS REVIEW' } as const;
const STATUS = { pass: 'pass', fail: 'FAIL', warn: 'warn', not_applicable: 'n/a', error: 'ERROR' } as const;

const thresholdText = (t: Threshold | undefined): string => {
  if (!t) return '';
  const parts: string[] = [];
  if (t.min !== undefined) parts.push(`min ${fmt(t.min)}`);
  if (t.max !== undefined) parts.push(`max ${fmt(t.max)}`);
  if (t.maxAbs !== undefined) parts.push(`|x| <= ${fmt(t.maxAbs)}`);
  if (t.vsChampion?.maxWorsening !== undefined) parts.push(`vs champion -${fmt(t.vsChampion.maxWorsening)}`);
  if (t.vsChampion?.maxRelativeWorsening !== undefined) parts.push(`vs champion -${fmt(t.vsChampion.maxRelativeWorsening * 100)}%`);
  return parts.join(', ');
};

const metricLine = (m: MetricResult): string => {
  const name = m.slice ? `${m.name} [${m.slice}]` : m.name;
  const value = m.value === null ? `not computable${m.reason ? ` (${m.reason})` : ''}` : fmt(m.value);
  const interval = m.interval ? ` 95% ${fmt(m.interval[0])}..${fmt(m.interval[1])}` : '';
  const champion = m.champion !== undefined ? `  champion ${m.champion === null ? 'n/a' : fmt(m.champion)}` : '';
  const verdict = m.passed === true ? 'ok' : m.passed === false ? 'OUT OF BOUNDS' : '';
  const rule = thresholdText(m.threshold);
  return `      ${name.padEnd(28)} ${value}${interval}${rule ? `  (${rule})` : ''}${champion}  ${verdict}`.trimEnd();
};

const checkBlock = (c: CheckResult): string[] => [
  `  ${STATUS[c.status].padEnd(5)} ${c.id}${c.use && c.use !== c.id ? ` (${c.use})` : ''} ${c.version} (${c.severity})  ${c.summary}`,
  ...c.metrics.map(metricLine),
  ...c.findings.filter((f) => f.severity !== 'info' || c.status !== 'pass').map((f) => `      ${f.severity === 'error' ? '!' : '-'} ${f.message}`),
];

/** Lines to text: each one neutralised, so data cannot break a line or steer the terminal. */
const textOf = (lines: string[]): string => `${lines.map(safeLine).join('\n')}\n`;

const runLines = (run: RunRecord): string[] => {
  const decision = effectiveDecision(run);
  const lines = [
    `${run.subject.group}/${run.subject.version}  ${WORD[decision]}${run.override ? ` (override of ${WORD[run.decision]} by ${run.override.by})` : ''}`,
    `  run       ${run.runId}`,
    `  model     ${run.subject.arn}`,
    `  policy    ${run.policy ? `${run.policy.name} v${run.policy.version} ${run.policy.digest.slice(0, 19)}…` : 'none'}`,
    `  champion  ${run.champion ? `${run.subject.group}/${run.champion.version}` : 'none (first version or none approved)'}`,
  ];
  if (run.override) lines.push(`  override  ${run.override.decision} by ${run.override.by} at ${run.override.at}: ${run.override.reason}`);
  lines.push('Reasons:', ...(run.reasons.length > 0 ? run.reasons.map((r) => `  - ${r}`) : ['  - every blocking check passed']));
  if (run.checks.length > 0) lines.push('Checks:', ...run.checks.flatMap(checkBlock));
  return lines;
};

/** The run as `evaluate` prints it. */
export const renderRun = (run: RunRecord): string => textOf(runLines(run));

/** `runs show`: the run plus its evidence, waivers, trigger and audit trail. */
export const renderRunDetail = (run: RunRecord, audit: AuditEntry[]): string => {
  const lines = runLines(run);
  lines.push(
    'Evidence:',
    ...(run.evidence.length > 0
      ? run.evidence.map((e) => `  ${e.name.padEnd(28)} ${e.uri}${e.digest ? `  ${e.digest.slice(0, 19)}…` : ''}  (${e.source})`)
      : ['  (none)']),
  );
  if (run.waivers.applied.length > 0 || run.waivers.expired.length > 0) {
    lines.push('Waivers:');
    for (const w of run.waivers.applied)
      lines.push(`  applied  ${w.check}${w.metric ? `/${w.metric}` : ''} until ${w.until}, approved by ${w.approvedBy}: ${w.reason}`);
    for (const w of run.waivers.expired) lines.push(`  EXPIRED  ${w.check}${w.metric ? `/${w.metric}` : ''} on ${w.until} (ignored)`);
  }
  lines.push(
    `Trigger: ${run.trigger.source}${run.trigger.eventId ? ` event ${run.trigger.eventId}` : ''}${run.trigger.rerunOf ? ` rerun of ${run.trigger.rerunOf}` : ''}${run.trigger.reason ? `: ${run.trigger.reason}` : ''}`,
  );
  lines.push(`Started ${run.startedAt}, finished ${run.finishedAt}, ${run.serviceVersion}`);
  lines.push('Audit trail:', ...audit.map((a) => `  ${a.at}  ${a.action.padEnd(18)} ${a.actor}${a.detail ? `  ${JSON.stringify(a.detail)}` : ''}`));
  return textOf(lines);
};

/** `runs list`: one line per run. */
export const renderRunList = (runs: RunRecord[]): string => {
  if (runs.length === 0) return 'no runs\n';
  const rows = runs.map((r) => {
    const d = effectiveDecision(r);
    return `${r.runId}  ${r.startedAt}  ${`${r.subject.group}/${r.subject.version}`.padEnd(32)} ${(WORD[d] + (r.override ? '*' : '')).padEnd(13)} ${r.policy ? `${r.policy.name} v${r.policy.version}` : '(no policy)'}`;
  });
  return `${textOf(rows)}${runs.some((r) => r.override) ? '* overridden by a person\n' : ''}`;
};

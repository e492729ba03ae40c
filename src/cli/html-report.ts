/**
 * `evaluate --report <file.html>`: one self-contained page a reviewer can open or attach to a
 * ticket. Everything from the run is escaped; no scripts, no external resources. Control
 * characters and bidi overrides become visible escapes first (src/core/safe-text.ts): a browser
 * ignores most of them, but U+202E reorders what the reviewer reads, and the page is also read as
 * text (in a terminal, in a mail preview).
 */
import type { CheckResult } from '../core/check.js';
import { effectiveDecision, type RunRecord } from '../core/run.js';
import { safeLine } from '../core/safe-text.js';
import { fmt } from '../core/thresholds.js';

const esc = (s: unknown): string => safeLine(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : esc(fmt(v)));

const checkSection = (c: CheckResult): string => `
<section class="check ${esc(c.status)}">
  <h3>${esc(c.id)} <small>${c.use && c.use !== c.id ? `${esc(c.use)} ` : ''}${esc(c.version)} · ${esc(c.severity)}</small> <span class="status">${esc(c.status)}</span></h3>
  <p>${esc(c.summary)}</p>
  ${
    c.metrics.length === 0
      ? ''
      : `<table><thead><tr><th>metric</th><th>slice</th><th>value</th><th>interval</th><th>threshold</th><th>champion</th><th>verdict</th></tr></thead><tbody>
  ${c.metrics.map((m) => `<tr><td>${esc(m.name)}</td><td>${esc(m.slice ?? '')}</td><td>${m.value === null ? `not computable${m.reason ? `: ${esc(m.reason)}` : ''}` : num(m.value)}</td><td>${m.interval ? `${num(m.interval[0])} – ${num(m.interval[1])}` : ''}</td><td>${m.threshold ? esc(JSON.stringify(m.threshold)) : ''}</td><td>${m.champion === undefined ? '' : num(m.champion)}</td><td>${m.passed === true ? 'ok' : m.passed === false ? '<b>out of bounds</b>' : ''}</td></tr>`).join('\n  ')}
  </tbody></table>`
  }
  ${c.findings.length === 0 ? '' : `<ul>${c.findings.map((f) => `<li class="${esc(f.severity)}">${esc(f.message)}</li>`).join('')}</ul>`}
</section>`;

export const renderHtmlReport = (run: RunRecord): string => {
  const decision = effectiveDecision(run);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>modelgate ${esc(run.subject.group)}/${esc(run.subject.version)}: ${esc(decision)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d1d1f}
.decision{display:inline-block;padding:.2rem .6rem;border-radius:4px;color:#fff;font-weight:600}
.approve{background:#1a7f37}.reject{background:#cf222e}.needs_review{background:#9a6700}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
section.check{border-left:4px solid #ddd;padding-left:1rem;margin:1rem 0}section.fail,section.error{border-color:#cf222e}section.pass{border-color:#1a7f37}
.status{font-size:.8em;text-transform:uppercase}li.error{color:#cf222e}small{color:#666;font-weight:normal}
</style></head><body>
<h1>${esc(run.subject.group)}/${esc(run.subject.version)} <span class="decision ${esc(decision)}">${esc(decision.replace('_', ' '))}</span></h1>
<table>
<tr><th>run</th><td>${esc(run.runId)}</td></tr>
<tr><th>model</th><td>${esc(run.subject.arn)}</td></tr>
<tr><th>policy</th><td>${run.policy ? `${esc(run.policy.name)} v${esc(run.policy.version)} <small>${esc(run.policy.digest)}</small>` : 'none'}</td></tr>
<tr><th>champion</th><td>${run.champion ? esc(run.champion.arn) : 'none'}</td></tr>
<tr><th>started / finished</th><td>${esc(run.startedAt)} / ${esc(run.finishedAt)} · ${esc(run.serviceVersion)}</td></tr>
${run.override ? `<tr><th>override</th><td>${esc(run.override.decision)} by ${esc(run.override.by)}: ${esc(run.override.reason)}</td></tr>` : ''}
</table>
<h2>Reasons</h2><ul>${(run.reasons.length > 0 ? run.reasons : ['every blocking check passed']).map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<h2>Checks</h2>${run.checks.map(checkSection).join('\n')}
<h2>Evidence</h2><ul>${run.evidence.map((e) => `<li><b>${esc(e.name)}</b> ${esc(e.uri)} ${e.digest ? `<small>${esc(e.digest)}</small>` : ''}</li>`).join('') || '<li>none</li>'}</ul>
</body></html>
`;
};

/**
 * Output hygiene (issue 9, row 14): a run carries text from users, events and files. Every human
 * output — CLI text, the HTML report, notifications, the console outbox, the registry's approval
 * description — shows control characters and bidi overrides as visible escapes; the record keeps
 * them as given.
 */
import { describe, expect, it } from '@jest/globals';
import { formatNotification, notificationSubject } from '../../../src/adapters/aws/notification-text.js';
import { ConsoleOutbox } from '../../../src/adapters/local/console-outbox.js';
import { renderHtmlReport } from '../../../src/cli/html-report.js';
import { renderRun, renderRunDetail, renderRunList } from '../../../src/cli/render.js';
import { approvalDescription } from '../../../src/core/outgoing-events.js';
import type { RunRecord } from '../../../src/core/run.js';
import { makeCheckResult, makeRunRecord } from '../../support/run-record.js';

const EVIL = 'x\u001b[31mred\u001b]0;title\u0007\u009b2J\r\u202Eevil\u2066\u0000';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const RAW_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const hostileRun = (): RunRecord =>
  makeRunRecord({
    subject: {
      kind: 'sagemaker-model-package',
      arn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/g${EVIL}/2`,
      group: `g${EVIL}`,
      version: '2',
      account: '111111111111',
      region: 'eu-west-1',
    },
    reasons: [`bias: ${EVIL}`, `line one\nline two ${EVIL}`],
    checks: [
      makeCheckResult({
        id: 'bias',
        status: 'fail',
        summary: `summary ${EVIL}`,
        findings: [{ severity: 'error', message: `finding ${EVIL}` }],
        metrics: [{ name: `m${EVIL}`, value: null, reason: `why ${EVIL}`, passed: false }],
      }),
    ],
    registeredBy: [`arn:aws:iam::111111111111:role/r${EVIL}`],
    evidence: [{ name: `e${EVIL}`, uri: `s3://b/${EVIL}.json`, source: 'cli' }],
    waivers: {
      applied: [{ check: 'bias', metric: 'DI', until: '2030-01-01', approvedBy: `a${EVIL}`, reason: `w${EVIL}` }] as RunRecord['waivers']['applied'],
      expired: [],
    },
    trigger: { source: 'rerun', rerunOf: 'run-1', reason: `t${EVIL}`, by: `b${EVIL}` },
    override: { decision: 'approve', reason: `override ${EVIL}`, by: `by${EVIL}`, at: '2025-06-01T12:00:00Z' },
  });

describe('human output of a run with hostile text', () => {
  it('CLI text: every line neutralised, a line break inside a value escaped', () => {
    const run = hostileRun();
    for (const out of [
      renderRun(run),
      renderRunDetail(run, [{ runId: run.runId, at: run.finishedAt, actor: `mallory${EVIL}`, action: 'override', detail: { reason: EVIL } }]),
      renderRunList([run]),
    ]) {
      expect(out.replace(/\n/g, '')).not.toMatch(RAW_OR_BREAK);
      expect(out).not.toContain('\nline two');
    }
    expect(renderRun(run)).toContain('override x\\x1b[31mred\\x1b]0;title\\x07\\x9b2J\\x0d\\u202eevil\\u2066\\x00');
  });

  it('the HTML report: escaped as HTML and neutralised', () => {
    const html = renderHtmlReport(hostileRun());
    expect(html.replace(/\n/g, '')).not.toMatch(RAW_OR_BREAK);
    expect(html).toContain('override x\\x1b[31mred');
    expect(renderHtmlReport(makeRunRecord({ reasons: ['<script>alert(1)</script>'] }))).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('notifications: subject on one line, body neutralised', () => {
    const run = hostileRun();
    const n = formatNotification({ subject: `subject ${EVIL}`, text: `text ${EVIL}\nsecond line`, run }, { consoleUrlBase: 'https://modelgate.example.com' });
    expect(n.subject).not.toMatch(RAW_OR_BREAK);
    expect(notificationSubject(run)).not.toMatch(RAW_OR_BREAK);
    expect(n.body).not.toMatch(RAW);
    expect(n.body).toContain('text x\\x1b[31mred');
    expect(n.body).toContain('second line');
  });

  it('the console outbox: what it writes to the terminal is neutralised, what it keeps is as given', async () => {
    const lines: string[] = [];
    const outbox = new ConsoleOutbox((line) => lines.push(line));
    const run = hostileRun();
    await outbox.notify({ subject: `subject ${EVIL}`, text: `text ${EVIL}`, run });
    await outbox.publish([{ detailType: `type${EVIL}`, detail: { runId: `run${EVIL}`, decision: 'approve' } }]);
    for (const line of lines) expect(line).not.toMatch(RAW_OR_BREAK);
    expect(outbox.entries[0]!.subject).toBe(`subject ${EVIL}`);
  });

  it('the approval description: one line, neutralised', () => {
    const text = approvalDescription(hostileRun());
    expect(text).not.toMatch(RAW_OR_BREAK);
    expect(text).toContain('override x\\x1b[31mred');
  });

  it('the record itself keeps the text as given', () => {
    expect(hostileRun().override!.reason).toBe(`override ${EVIL}`);
  });
});

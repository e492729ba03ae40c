import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import decisionSchema from '../../../schemas/events/modelgate-decision.schema.json' with { type: 'json' };
import { InvalidInputError } from '../../../src/core/errors.js';
import { APPROVAL_DESCRIPTION_MAX, DETAIL_BUDGET_BYTES, approvalDescription, decisionEvents, truncateText } from '../../../src/core/outgoing-events.js';
import { createAjv, problemsOf } from '../../../src/core/schema.js';
import { makeCheckResult, makeRunRecord } from '../../support/run-record.js';

const validateDetail = createAjv().compile(decisionSchema);
/** A lone (unpaired) UTF-16 surrogate: what a cut through a pair leaves behind. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8Bytes = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v)).length;

describe('decisionEvents', () => {
  it('publishes Model Evaluation Completed and Model Rejected for a reject', () => {
    // Prepare
    const run = makeRunRecord();
    // Act
    const events = decisionEvents(run, { runUrl: `https://modelgate.example.com/runs/${run.runId}` });
    // Assess
    expect(events.map((e) => e.detailType)).toEqual(['Model Evaluation Completed', 'Model Rejected']);
    expect(events[0]!.resources).toEqual([run.subject.arn]);
    expect(events[0]!.detail).toMatchObject({
      runId: run.runId,
      decision: 'reject',
      effectiveDecision: 'reject',
      reasons: run.reasons,
      reasonsOmitted: 0,
      checks: [
        { id: 'bias', version: '1.0.0', severity: 'blocking', status: 'fail' },
        { id: 'model-quality', version: '1.0.0', severity: 'blocking', status: 'pass' },
      ],
      links: { cli: `modelgate runs show ${run.runId}`, runUrl: `https://modelgate.example.com/runs/${run.runId}` },
      policy: { name: 'credit-risk', version: 3, digest: run.policy!.digest },
    });
    for (const e of events) expect(problemsOf(validateDetail, e.detail, e.detailType)).toEqual([]);
  });

  it('publishes only Model Evaluation Completed for an approve', () => {
    // Act
    const events = decisionEvents(makeRunRecord({ decision: 'approve', reasons: [], checks: [makeCheckResult()] }));
    // Assess
    expect(events.map((e) => e.detailType)).toEqual(['Model Evaluation Completed']);
  });

  it('publishes Model Needs Review when no policy governs the subject', () => {
    // Prepare
    const run = makeRunRecord({ decision: 'needs_review', policy: null, champion: null, checks: [], reasons: ['no policy governs credit-risk/2'] });
    // Act
    const events = decisionEvents(run);
    // Assess
    expect(events.map((e) => e.detailType)).toEqual(['Model Evaluation Completed', 'Model Needs Review']);
    expect(events[1]!.detail).toMatchObject({ policy: null, champion: null, links: { cli: `modelgate runs show ${run.runId}` } });
    for (const e of events) expect(problemsOf(validateDetail, e.detail, e.detailType)).toEqual([]);
  });

  it('follows the decision that stands when a human overrode the run', () => {
    // Prepare
    const run = makeRunRecord({ override: { decision: 'approve', reason: 'waiver signed', by: 'jane.doe@example.com', at: '2025-06-01T12:00:00Z' } });
    // Act
    const events = decisionEvents(run);
    // Assess
    expect(events.map((e) => e.detailType)).toEqual(['Model Evaluation Completed']);
    expect(events[0]!.detail).toMatchObject({
      decision: 'reject',
      effectiveDecision: 'approve',
      override: { decision: 'approve', by: 'jane.doe@example.com' },
    });
    expect(problemsOf(validateDetail, events[0]!.detail, 'detail')).toEqual([]);
  });

  it('stays within its budget for a run with thousands of long reasons and checks', () => {
    // Prepare
    const run = makeRunRecord({
      reasons: Array.from({ length: 3000 }, (_, i) => `bias: DI for région=${i} 👩‍👩‍👧 is 0.1, below min 0.8 `.repeat(40)),
      checks: Array.from({ length: 400 }, (_, i) => makeCheckResult({ id: `check-${i}`, status: i % 2 ? 'fail' : 'pass' })),
    });
    // Act
    const events = decisionEvents(run);
    // Assess
    for (const e of events) {
      expect(utf8Bytes(e.detail)).toBeLessThanOrEqual(DETAIL_BUDGET_BYTES);
      expect(problemsOf(validateDetail, e.detail, e.detailType)).toEqual([]);
    }
    const detail = events[0]!.detail as { reasons: string[]; reasonsOmitted: number; checks: Array<{ status: string }>; checksOmitted: number };
    expect(detail.reasons.length + detail.reasonsOmitted).toBe(3000);
    expect(detail.checks.length + detail.checksOmitted).toBe(400);
    expect(detail.checks.every((c) => c.status === 'fail')).toBe(true);
    expect(detail.reasons.every((r) => !LONE_SURROGATE.test(r))).toBe(true);
  });

  it('refuses a run URL that is not a URL', () => {
    // Act + Assess
    expect(() => decisionEvents(makeRunRecord(), { runUrl: 'runs/1' })).toThrow(InvalidInputError);
  });
});

describe('approvalDescription', () => {
  it('names the run id, the decision, the failing checks, the policy and the reasons', () => {
    // Prepare
    const run = makeRunRecord();
    // Act
    const text = approvalDescription(run);
    // Assess
    expect(text).toBe(`modelgate run ${run.runId}: reject. Failing checks: bias. Policy credit-risk v3. Reasons: bias: DI for sex=F is 0.62, below min 0.8`);
  });

  it('says which checks could not run for needs_review', () => {
    // Prepare
    const run = makeRunRecord({
      decision: 'needs_review',
      checks: [
        makeCheckResult({ id: 'feature-importance', status: 'error', error: { kind: 'missing_evidence', message: 'missing evidence: explainability-report' } }),
      ],
      reasons: ['feature-importance: missing evidence: explainability-report'],
    });
    // Act
    const text = approvalDescription(run);
    // Assess
    expect(text).toMatch(new RegExp(`^modelgate run ${run.runId}: needs_review\\. Checks that could not run: feature-importance\\.`));
  });

  it('keeps to 1024 characters with long unicode reasons, cut on a character boundary with an ellipsis', () => {
    // Prepare
    const run = makeRunRecord({
      reasons: Array.from({ length: 200 }, (_, i) => `bias: 公平性 ${i} 👩🏽‍💻 e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\nnext line`),
    });
    // Act
    const text = approvalDescription(run);
    // Assess
    expect(text.length).toBeLessThanOrEqual(APPROVAL_DESCRIPTION_MAX);
    expect(text.length).toBeGreaterThan(APPROVAL_DESCRIPTION_MAX - 20);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(LONE_SURROGATE);
    expect(text).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(text.startsWith(`modelgate run ${run.runId}: reject. Failing checks: bias.`)).toBe(true);
  });

  it('keeps the run id and decision even when one reason alone is megabytes long', () => {
    // Prepare
    const run = makeRunRecord({ reasons: ['😀'.repeat(1_000_000)] });
    // Act
    const text = approvalDescription(run);
    // Assess
    expect(text.length).toBeLessThanOrEqual(APPROVAL_DESCRIPTION_MAX);
    expect(text).toContain(run.runId);
    expect(text).not.toMatch(LONE_SURROGATE);
  });

  it('states an override and the decision that stands', () => {
    // Prepare
    const run = makeRunRecord({ override: { decision: 'approve', reason: 'waiver RISK-881', by: 'jane.doe@example.com', at: '2025-06-01T12:00:00Z' } });
    // Act
    const text = approvalDescription(run);
    // Assess
    expect(text).toMatch(/: approve\. Failing checks: bias\. Overrides reject: jane\.doe@example\.com on 2025-06-01T12:00:00Z, "waiver RISK-881"/);
  });
});

describe('truncateText', () => {
  it('returns short text unchanged', () => {
    // Act + Assess
    expect(truncateText('DI is 0.62', 10)).toBe('DI is 0.62');
  });

  it('never splits a grapheme: a flag or a family emoji is kept whole or dropped whole', () => {
    // Act
    const cuts = [6, 7, 14, 15].map((max) => truncateText('ab🇫🇷👨‍👩‍👧cd', max));
    // Assess: 'ab' is 2 code units, the flag 4, the family 8, the marker 1.
    expect(cuts).toEqual(['ab…', 'ab🇫🇷…', 'ab🇫🇷…', 'ab🇫🇷👨‍👩‍👧…']);
  });

  it('holds for any string and any limit: within the limit, a prefix plus the marker, no lone surrogate', () => {
    // Prepare
    const codePoint = fc.oneof(fc.integer({ min: 0x20, max: 0xd7ff }), fc.integer({ min: 0x10000, max: 0x10ffff }));
    const anyCodePoints = fc.array(codePoint, { maxLength: 200 }).map((cps) => String.fromCodePoint(...cps));
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), anyCodePoints);
    // Act + Assess
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 300 }), (s, max) => {
        const cut = truncateText(s, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (s.length <= max) {
          expect(cut).toBe(s);
        } else {
          expect(cut.endsWith('…')).toBe(true);
          expect(s.startsWith(cut.slice(0, -1))).toBe(true);
          expect(LONE_SURROGATE.test(cut)).toBe(false);
        }
      }),
    );
  });
});

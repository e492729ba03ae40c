import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CheckResult, CheckStatus, MetricResult, Severity } from '../../../src/core/check.js';
import { decide, waiverInForce } from '../../../src/core/decide.js';
import type { Waiver } from '../../../src/core/policy/types.js';

const SUBJECT = { group: 'credit-risk-xgb', version: '12' };
const NOW = new Date('2026-06-15T12:00:00Z');

const result = (id: string, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  version: '1.0.0',
  severity: 'blocking',
  status,
  summary: `${id} ${status}`,
  metrics: [],
  findings: [],
  durationMs: 1,
  ...extra,
});

const metric = (name: string, value: number | null, passed: boolean | null, slice?: string): MetricResult => ({
  name,
  value,
  passed,
  ...(slice ? { slice } : {}),
  ...(value === null ? { reason: 'fewer than 30 rows in d' } : {}),
});

/** A bias result failing DI for sex=F and CI for sex=F, with findings as the bias check words them. */
const biasFail = (): CheckResult =>
  result('bias', 'fail', {
    summary: '2 of 6 bias metrics out of bounds',
    metrics: [metric('DI', 0.62, false, 'sex=F'), metric('CI', 0.7, false, 'sex=F'), metric('DPPL', 0.05, true, 'sex=F'), metric('DI', 0.9, true, 'age>=60')],
    findings: [
      { severity: 'error', message: 'DI for sex=F is 0.62, below min 0.8', metric: 'DI', slice: 'sex=F' },
      { severity: 'error', message: 'CI for sex=F is 0.7, above maxAbs 0.6', metric: 'CI', slice: 'sex=F' },
      { severity: 'info', message: 'DPPL for sex=F is 0.05' },
    ],
  });

const waiver = (extra: Partial<Waiver> = {}): Waiver => ({
  check: 'bias',
  subjects: ['credit-risk-xgb/12'],
  until: '2026-12-31',
  approvedBy: 'jane.doe@example.com',
  reason: 'known sampling skew, RISK-881',
  ...extra,
});

const run = (results: CheckResult[], waivers: Waiver[] = [], now = NOW) => decide({ results, waivers, subject: SUBJECT, now });

describe('decide: statuses and severities', () => {
  it.each<[string, Array<[CheckStatus, Severity]>, string]>([
    ['one blocking pass', [['pass', 'blocking']], 'approve'],
    ['one blocking warn', [['warn', 'blocking']], 'approve'],
    ['one blocking not_applicable (nothing verified)', [['not_applicable', 'blocking']], 'needs_review'],
    ['one blocking fail', [['fail', 'blocking']], 'reject'],
    ['one blocking error', [['error', 'blocking']], 'needs_review'],
    [
      'pass + not_applicable',
      [
        ['pass', 'blocking'],
        ['not_applicable', 'blocking'],
      ],
      'approve',
    ],
    [
      'pass + warn',
      [
        ['pass', 'blocking'],
        ['warn', 'blocking'],
      ],
      'approve',
    ],
    [
      'pass + fail',
      [
        ['pass', 'blocking'],
        ['fail', 'blocking'],
      ],
      'reject',
    ],
    [
      'pass + error',
      [
        ['pass', 'blocking'],
        ['error', 'blocking'],
      ],
      'needs_review',
    ],
    [
      'fail + error: a violation outranks an unknown',
      [
        ['fail', 'blocking'],
        ['error', 'blocking'],
      ],
      'reject',
    ],
    [
      'warn + error',
      [
        ['warn', 'blocking'],
        ['error', 'blocking'],
      ],
      'needs_review',
    ],
    [
      'not_applicable + error',
      [
        ['not_applicable', 'blocking'],
        ['error', 'blocking'],
      ],
      'needs_review',
    ],
    ['advisory pass only (nothing decides)', [['pass', 'advisory']], 'needs_review'],
    ['advisory fail only', [['fail', 'advisory']], 'needs_review'],
    [
      'blocking pass + advisory fail',
      [
        ['pass', 'blocking'],
        ['fail', 'advisory'],
      ],
      'approve',
    ],
    [
      'blocking pass + advisory error',
      [
        ['pass', 'blocking'],
        ['error', 'advisory'],
      ],
      'approve',
    ],
    [
      'blocking fail + advisory pass',
      [
        ['fail', 'blocking'],
        ['pass', 'advisory'],
      ],
      'reject',
    ],
    [
      'blocking error + advisory warn',
      [
        ['error', 'blocking'],
        ['warn', 'advisory'],
      ],
      'needs_review',
    ],
  ])('%s → %s', (_name, combo, expected) => {
    // Prepare
    const results = combo.map(([status, severity], i) => result(`check-${i}`, status, { severity }));
    // Act / Assess
    expect(run(results).decision).toBe(expected);
  });

  it('needs review when no check ran at all', () => {
    expect(run([])).toEqual({
      decision: 'needs_review',
      reasons: ['no checks ran: nothing was verified, so nothing can be approved'],
      waivers: { applied: [], expired: [] },
    });
  });

  it('explains a policy of advisory checks only', () => {
    expect(run([result('drift', 'fail', { severity: 'advisory' })]).reasons).toEqual([
      'no blocking check ran (advisory checks never decide): nothing was verified, so nothing can be approved',
      'drift (advisory): drift fail',
    ]);
  });
});

describe('decide: reasons', () => {
  it('takes the error findings of a failed check, prefixed with its id', () => {
    expect(run([biasFail()]).reasons).toEqual(['bias: DI for sex=F is 0.62, below min 0.8', 'bias: CI for sex=F is 0.7, above maxAbs 0.6']);
  });

  it('falls back to the summary, and gives the error message of an errored check', () => {
    // Prepare
    const results = [
      result('model-quality', 'fail', { summary: 'auc 0.71 is below min 0.8' }),
      result('feature-importance', 'error', { error: { kind: 'missing_evidence', message: 'missing evidence: explainability-report' } }),
    ];
    // Act / Assess
    expect(run(results).reasons).toEqual(['model-quality: auc 0.71 is below min 0.8', 'feature-importance: missing evidence: explainability-report']);
  });

  it('orders what decided first: failures, errors, then warnings and advisory notes', () => {
    // Prepare
    const results = [
      result('drift', 'warn', { severity: 'advisory', findings: [{ severity: 'warning', message: 'PSI 0.2 on income' }] }),
      result('model-quality', 'warn', { findings: [{ severity: 'warning', message: 'auc 0.805 is within 0.01 of min 0.8' }] }),
      result('feature-importance', 'error', { error: { kind: 'timeout', message: 'timed out after 30000 ms' } }),
      result('bias', 'fail', { summary: 'DI for sex=F is 0.62, below min 0.8' }),
    ];
    // Act / Assess
    expect(run(results).reasons).toEqual([
      'bias: DI for sex=F is 0.62, below min 0.8',
      'feature-importance: timed out after 30000 ms',
      'model-quality (warning): auc 0.805 is within 0.01 of min 0.8',
      'drift (advisory): PSI 0.2 on income',
    ]);
  });
});

describe('decide: waivers', () => {
  it('waives a check whose every failing metric a waiver covers, and says who waived it until when', () => {
    // Prepare
    const results = [result('model-quality', 'pass'), biasFail()];
    const waivers = [waiver({ metric: 'CI' }), waiver({ metric: 'DI', slice: 'sex=F', approvedBy: 'max@example.com' })];
    // Act
    const out = run(results, waivers);
    // Assess
    expect(out.decision).toBe('approve');
    expect(out.waivers.applied).toEqual([
      { ...waivers[0], covered: ['bias/CI sex=F'] },
      { ...waivers[1], covered: ['bias/DI sex=F'] },
    ]);
    expect(out.reasons).toEqual([
      'bias: DI for sex=F is 0.62, below min 0.8 (waived)',
      'bias: CI for sex=F is 0.7, above maxAbs 0.6 (waived)',
      'bias: waived by jane.doe@example.com until 2026-12-31 for bias/CI sex=F: known sampling skew, RISK-881',
      'bias: waived by max@example.com until 2026-12-31 for bias/DI sex=F: known sampling skew, RISK-881',
    ]);
  });

  it('does not waive a check that a waiver covers only in part', () => {
    // Act
    const out = run([biasFail()], [waiver({ metric: 'CI' })]);
    // Assess
    expect(out.decision).toBe('reject');
    expect(out.waivers.applied).toEqual([]);
    expect(out.reasons).toContain('bias: the waiver by jane.doe@example.com covers bias/CI sex=F but not bias/DI sex=F, so it does not apply');
  });

  it('limits a slice-scoped waiver to its slice', () => {
    // Prepare
    const bias = result('bias', 'fail', { metrics: [metric('CI', 0.7, false, 'sex=F'), metric('CI', 0.65, false, 'age>=60')] });
    // Act / Assess
    expect(run([bias], [waiver({ metric: 'CI', slice: 'sex=F' })]).decision).toBe('reject');
    expect(run([bias], [waiver({ metric: 'CI' })]).decision).toBe('approve');
    expect(run([bias], [waiver({ slice: 'sex=F' }), waiver({ slice: 'age>=60' })]).decision).toBe('approve');
  });

  it('covers a metric that was not computable (value null) of the waived name', () => {
    // Prepare
    const bias = result('bias', 'error', {
      metrics: [metric('DI', 0.9, true, 'sex=F'), metric('DI', null, null, 'age>=60')],
      summary: 'DI for age>=60 is not computable',
    });
    // Act
    const out = run([bias], [waiver({ metric: 'DI' })]);
    // Assess
    expect(out.decision).toBe('approve');
    expect(out.waivers.applied[0]?.covered).toEqual(['bias/DI age>=60']);
  });

  it('waives an error without metrics (missing evidence) only with a waiver for the whole check', () => {
    // Prepare
    const missing = result('bias', 'error', { error: { kind: 'missing_evidence', message: 'missing evidence: predictions' } });
    // Act / Assess
    expect(run([missing], [waiver({ metric: 'DI' })]).decision).toBe('needs_review');
    expect(run([missing], [waiver({ slice: 'sex=F' })]).decision).toBe('needs_review');
    const whole = run([missing], [waiver()]);
    expect(whole.decision).toBe('approve');
    expect(whole.waivers.applied).toEqual([{ ...waiver(), covered: ['bias'] }]);
  });

  it('treats a timeout as a whole-check failure even when some metrics were computed', () => {
    // Prepare
    const timedOut = result('bias', 'error', { error: { kind: 'timeout', message: 'timed out after 30000 ms' }, metrics: [metric('DI', null, null, 'sex=F')] });
    // Act / Assess
    expect(run([timedOut], [waiver({ metric: 'DI' })]).decision).toBe('needs_review');
  });

  it('ignores an expired waiver that would have matched, and lists it', () => {
    // Prepare
    const expired = waiver({ metric: 'CI', until: '2026-01-31' });
    const bias = result('bias', 'fail', { metrics: [metric('CI', 0.7, false, 'sex=F')], summary: 'CI for sex=F is 0.7, above maxAbs 0.6' });
    // Act
    const out = run([bias], [expired]);
    // Assess
    expect(out.decision).toBe('reject');
    expect(out.waivers).toEqual({ applied: [], expired: [expired] });
    expect(out.reasons).toEqual([
      'bias: CI for sex=F is 0.7, above maxAbs 0.6',
      'bias: waiver for bias/CI expired on 2026-01-31 (approved by jane.doe@example.com); it no longer applies',
    ]);
  });

  it('does not list an expired waiver that would not have covered anything', () => {
    // Prepare
    const bias = result('bias', 'fail', { metrics: [metric('DI', 0.6, false, 'sex=F')] });
    // Act / Assess
    expect(run([bias], [waiver({ metric: 'CI', until: '2026-01-31' })]).waivers.expired).toEqual([]);
    expect(run([result('bias', 'pass')], [waiver({ until: '2026-01-31' })]).waivers.expired).toEqual([]);
  });

  it('keeps a waiver in force through the whole until day, UTC', () => {
    const w = waiver({ until: '2026-01-31' });
    expect(waiverInForce(w, new Date('2026-01-31T23:59:59.999Z'))).toBe(true);
    expect(waiverInForce(w, new Date('2026-02-01T00:00:00.000Z'))).toBe(false);
    expect(waiverInForce(w, new Date('2026-01-31T23:30:00-05:00'))).toBe(false);
    expect(waiverInForce({ until: 'soon' }, NOW)).toBe(false);
  });

  it('applies only to the subjects its globs name', () => {
    // Prepare
    const bias = result('bias', 'fail');
    // Act / Assess
    expect(run([bias], [waiver({ subjects: ['credit-risk-xgb/11'] })]).decision).toBe('reject');
    expect(run([bias], [waiver({ subjects: ['credit-risk-lgbm/*'] })]).decision).toBe('reject');
    expect(run([bias], [waiver({ subjects: ['credit-risk-lgbm/*'], until: '2020-01-01' })]).waivers.expired).toEqual([]);
    expect(run([bias], [waiver({ subjects: ['credit-risk-xgb/*'] })]).decision).toBe('approve');
    expect(run([bias], [waiver({ subjects: ['credit-*/1?'] })]).decision).toBe('approve');
  });

  it('applies only to its own check', () => {
    expect(run([result('model-quality', 'fail')], [waiver()]).decision).toBe('reject');
  });
});

describe('decide: properties', () => {
  const status = fc.constantFrom<CheckStatus>('pass', 'fail', 'warn', 'not_applicable', 'error');
  const arbResult = (severity: Severity) =>
    fc
      .record({ id: fc.constantFrom('model-quality', 'bias', 'feature-importance', 'drift'), status, failing: fc.boolean() })
      .map(({ id, status: s, failing }) =>
        result(id, s, { severity, metrics: failing ? [metric('CI', 0.7, false, 'sex=F')] : [metric('CI', 0.1, true, 'sex=F')] }),
      );
  const arbWaivers = fc.array(
    fc
      .record({
        metric: fc.option(fc.constantFrom('CI', 'DI'), { nil: undefined }),
        until: fc.constantFrom('2026-01-31', '2026-12-31'),
        check: fc.constantFrom('bias', 'model-quality'),
      })
      .map(({ metric: m, until, check }) => waiver({ check, until, ...(m ? { metric: m } : {}) })),
    { maxLength: 3 },
  );
  const results = fc.array(fc.oneof(arbResult('blocking'), arbResult('advisory')), { maxLength: 5 });

  it('never changes the decision when an advisory result is added', () => {
    fc.assert(
      fc.property(results, arbResult('advisory'), arbWaivers, fc.nat({ max: 5 }), (rs, advisory, ws, at) => {
        // Prepare
        const withAdvisory = [...rs.slice(0, at), advisory, ...rs.slice(at)];
        // Act / Assess
        return run(withAdvisory, ws).decision === run(rs, ws).decision;
      }),
    );
  });

  it('never approves after a blocking pass turns into a fail that no waiver covers', () => {
    fc.assert(
      fc.property(results, fc.nat(), arbWaivers, (rs, pick, ws) => {
        // Prepare
        const passes = rs.map((r, i) => (r.severity === 'blocking' && r.status === 'pass' ? i : -1)).filter((i) => i >= 0);
        fc.pre(passes.length > 0);
        const target = passes[pick % passes.length]!;
        const turned = rs.map((r, i) => (i === target ? { ...r, status: 'fail' as const, metrics: [metric('DI', 0.5, false, 'sex=F')] } : r));
        const notForTarget = ws.filter((w) => w.check !== rs[target]!.id);
        // Act / Assess
        return run(turned, notForTarget).decision !== 'approve';
      }),
    );
  });

  it('never approves while an unwaivable blocking error or fail is present', () => {
    fc.assert(
      fc.property(results, fc.constantFrom<CheckStatus>('fail', 'error'), (rs, bad) => {
        // Act / Assess: no waivers at all
        return run([...rs, result('bias', bad)], []).decision !== 'approve';
      }),
    );
  });
});

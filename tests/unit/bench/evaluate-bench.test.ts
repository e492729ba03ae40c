/**
 * bench/evaluate must keep running as the code under it changes: a tiny run through the real path
 * (embedded dynalite, file:// evidence) must produce every field of the report. Timings are never
 * asserted — only that they were measured.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_N, QUICK_N, main, parseArgs, type EvaluateBenchReport } from '../../../bench/evaluate.js';
import { VARIANTS } from '../../../bench/evaluate-workspace.js';
import type { Decision } from '../../../src/core/run.js';

const ARMS = ['ledger-disk', 'ledger-memory', 'no-ledger', 'no-ledger-preloaded-policies'];

/** The decisions the variants cycle through for candidates `from .. from + n - 1`. */
const expectedDecisions = (from: number, n: number): Record<Decision, number> => {
  const counts: Record<Decision, number> = { approve: 0, reject: 0, needs_review: 0 };
  for (let i = from; i < from + n; i++) counts[VARIANTS[i % VARIANTS.length]!.expect] += 1;
  return counts;
};

const isMeasured = (x: number): boolean => Number.isFinite(x) && x > 0;

describe('bench/evaluate', () => {
  it('reports throughput, p50/p99, CPU and the decisions of every arm, and the ratios to the baseline', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const report = await main(['--n', '5', '--warmup', '2'], (l) => lines.push(l));
    // Assess
    expect(report.n).toBe(5);
    expect(report.warmup).toBe(2);
    expect(report.arms.map((a) => a.name)).toEqual(ARMS);
    for (const arm of report.arms) {
      expect(arm.count).toBe(5);
      expect(arm.decisions).toEqual(expectedDecisions(2, 5));
      for (const v of [arm.perSecond, arm.p50Ms, arm.p99Ms, arm.meanMs, arm.maxMs, arm.cpuMsPerEvaluation, arm.perCpuSecond]) expect(isMeasured(v)).toBe(true);
      expect(arm.p50Ms).toBeLessThanOrEqual(arm.p99Ms);
      expect(arm.p99Ms).toBeLessThanOrEqual(arm.maxMs);
    }
    expect(report.ratios.map((r) => [r.withLedger, r.without])).toEqual([
      ['ledger-disk', 'no-ledger'],
      ['ledger-memory', 'no-ledger'],
    ]);
    for (const r of report.ratios) for (const v of [r.mean, r.p50, r.p99, r.cpu]) expect(isMeasured(v)).toBe(true);
    expect(Number.isFinite(report.policyLoad.ms) && Number.isFinite(report.policyLoad.cpuMs)).toBe(true);
    // Every evaluation claims, records (with its audit entries) and completes its claim: the ledger was really called, a whole number of times.
    expect(Number.isInteger(report.ledgerCallsPerEvaluation) && report.ledgerCallsPerEvaluation >= 3).toBe(true);
    expect(report.warnings).toBe(0);
    expect(report.targets.map((t) => typeof t.ok)).toEqual(['boolean', 'boolean']);
    expect(report.machine.cpus).toBeGreaterThanOrEqual(1);
    expect(report.machine.loadAverage).toHaveLength(3);
    const text = lines.join('\n');
    expect(text).toMatch(/bench\/evaluate: 5 evaluations per arm/);
    expect(text).toMatch(/ratio ledger-disk \/ no-ledger: \d+\.\d\dx mean time per evaluation/);
    expect(text).toMatch(/target p99 <= 25 ms \(ledger on disk\): (met|MISSED)/);
  });

  it('prints exactly one JSON document with --json', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const report = await main(['--n', '2', '--warmup', '0', '--json'], (l) => lines.push(l));
    // Assess
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!) as EvaluateBenchReport;
    expect(printed.n).toBe(2);
    expect(printed.arms.map((a) => a.decisions)).toEqual(report.arms.map((a) => a.decisions));
  });

  it("reads its arguments: --quick is a small run, a bad size is refused, others' arguments are set aside", () => {
    // Act & Assess
    expect(parseArgs([]).n).toBe(DEFAULT_N);
    expect(parseArgs(['--quick']).n).toBe(QUICK_N);
    expect(parseArgs(['--n', '40'])).toEqual({ n: 40, warmup: 4, json: false, ignored: [] });
    expect(() => parseArgs(['--n', '0'])).toThrow(/--n 0: expected an integer ≥ 1\nusage: evaluate/);
    expect(() => parseArgs(['--warmup'])).toThrow(/--warmup \(missing\): expected an integer ≥ 0/);
    // The runner passes the same arguments to every benchmark: metrics' --rows is not an error here.
    expect(parseArgs(['--rows', '1000', '--n', '7'])).toEqual({ n: 7, warmup: 3, json: false, ignored: ['--rows', '1000'] });
  });
});

/**
 * Hostile metric evidence and metric names through the built CLI, with the shipped churn example:
 * a value that is not computable (`"Infinity"`), a value outside its domain (`auc: 1.5`) and a
 * policy metric named like an `Object.prototype` key. None of them may approve (issue 9, rows 2, 3, 6).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from '../support/cli.js';

const CHURN = ['--policy', 'policies/churn.yaml'];
const PKG = 'examples/registry/churn-xgb/2.json';
const REPORT = 'examples/reports/churn-xgb/v2-quality-statistics.json';

/** The shipped v2 report (which approves) with some metric values replaced. */
const reportWith = (home: string, name: string, values: Record<string, unknown>): string => {
  const doc = JSON.parse(readFileSync(REPORT, 'utf8')) as { binary_classification_metrics: Record<string, { value: unknown }> };
  for (const [metric, value] of Object.entries(values)) doc.binary_classification_metrics[metric] = { value };
  const file = join(home, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

const evaluate = (home: string, report: string, policy: string[] = CHURN) =>
  runCli(
    ['evaluate', '--model-package', PKG, ...policy, '--champion', 'none', '--format', 'json', '--evidence', `model-quality-statistics=file:${report}`],
    home,
    { env: { MODELGATE_EVIDENCE_ROOTS: home } },
  );

describe('metric evidence the gate must not approve', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome();
  });

  it('the unchanged report approves (the baseline of the cases below)', () => {
    const r = evaluate(home, reportWith(home, 'baseline', {}));
    expect(r.code).toBe(0);
  });

  it.each([
    ['"Infinity"', 'Infinity'],
    ['"NaN"', 'NaN'],
    ['null', null],
    ['"-Infinity"', '-Infinity'],
  ])('auc %s is not computable: needs review (exit 2) naming auc, never an approval', (_label, value) => {
    const r = evaluate(home, reportWith(home, `auc-${String(value)}`, { auc: value }));
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('needs_review');
    expect(run.checks[0].status).toBe('error');
    expect(run.checks[0].summary).toMatch(/\bauc\b.*not computable/);
  });

  it.each([
    ['auc', 1.5, /auc is 1\.5, outside its domain \[0, 1\]/],
    ['accuracy', 1.5, /accuracy is 1\.5, outside its domain \[0, 1\]/],
    ['f1', -0.2, /f1 is -0\.2, outside its domain \[0, 1\]/],
  ])('%s %s is out of domain: invalid evidence, needs review (exit 2) naming the metric, the value and the domain', (metric, value, message) => {
    const r = evaluate(home, reportWith(home, `${metric}-${value}`, { [metric]: value }));
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('needs_review');
    expect(run.checks[0].status).toBe('error');
    expect(run.checks[0].summary).toMatch(message);
  });

  describe('a policy metric named like an Object.prototype key', () => {
    const withMetric = (name: string, rule = '{ min: 0.5 }'): string => {
      const file = join(home, `policy-${name}.yaml`);
      writeFileSync(
        file,
        readFileSync('policies/churn.yaml', 'utf8').replace('        f1:       { min: 0.50 }', `        f1:       { min: 0.50 }\n        ${name}: ${rule}`),
      );
      return file;
    };

    it('policy validate refuses __proto__ (the name pattern already does): exit 64 naming the path', () => {
      const r = runCli(['policy', 'validate', withMetric('__proto__')], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/at \/checks\/0\/with\/metrics: must match pattern/);
    });

    it.each(['constructor', 'toString', 'hasOwnProperty'])('policy validate refuses %s: exit 64 naming the JSON path and the known names', (name) => {
      const r = runCli(['policy', 'validate', withMetric(name)], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toContain(`at /checks/0/with/metrics/${name}: unknown quality metric "${name}"`);
      expect(r.stderr).toMatch(/known: .*\bauc\b/);
      expect(r.stderr).toMatch(/greaterIsBetter/);
    });

    it('evaluate refuses it too (exit 64), before reading any evidence', () => {
      const r = runCli(['evaluate', '--model-package', PKG, '--policy', withMetric('valueOf'), '--champion', 'none'], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toContain('at /checks/0/with/metrics/valueOf: unknown quality metric "valueOf"');
    });

    it('a custom metric the policy vouches for (greaterIsBetter) validates, but must be in the report as its own key', () => {
      const policy = withMetric('constructor', '{ min: 0.5, greaterIsBetter: true }');
      expect(runCli(['policy', 'validate', policy], home).code).toBe(0);
      const r = evaluate(home, reportWith(home, 'no-constructor', {}), ['--policy', policy]);
      expect(r.code).toBe(2);
      const run = JSON.parse(r.stdout);
      expect(run.decision).toBe('needs_review');
      expect(run.checks[0].summary).toMatch(/constructor is absent from/);
    });
  });
});

/**
 * `modelgate evaluate` as a CI pipeline runs it: a DescribeModelPackage file, file:// evidence, a
 * champion file, no AWS. Exit codes and the JSON document are the contract.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import checkResultSchema from '../../schemas/check-result.schema.json' with { type: 'json' };
import runRecordSchema from '../../schemas/run-record.schema.json' with { type: 'json' };
import { createAjv } from '../../src/core/schema.js';
import { runCli, tempHome } from '../support/cli.js';

const ajv = createAjv();
ajv.addSchema(checkResultSchema);
const validateRun = ajv.compile(runRecordSchema);

const CHURN = ['--policy', 'policies/churn.yaml'];
const pkg = (v: number) => `examples/registry/churn-xgb/${v}.json`;
const CHAMPION = ['--champion', pkg(1)];

describe('modelgate evaluate', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome();
  });

  it('approves a better candidate: exit 0 and one JSON document valid against run-record.schema.json', () => {
    // Act
    const r = runCli(['evaluate', '--model-package', pkg(2), ...CHURN, ...CHAMPION, '--format', 'json'], home);
    // Assess
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(validateRun(run)).toBe(true);
    expect(run.decision).toBe('approve');
    expect(run.subject).toMatchObject({ kind: 'sagemaker-model-package', group: 'churn-xgb', version: '2' });
    expect(run.policy).toMatchObject({ name: 'churn', version: 1 });
    expect(run.policy.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.champion).toEqual({ arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/1', version: '1' });
    const auc = run.checks[0].metrics.find((m: { name: string }) => m.name === 'auc');
    expect(auc).toMatchObject({ value: 0.861, champion: 0.842, passed: true });
  });

  it('rejects a worse candidate: exit 1, reasons name the metric, the value and the bound', () => {
    const r = runCli(['evaluate', '--model-package', pkg(3), ...CHURN, ...CHAMPION, '--format', 'json'], home);
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout);
    expect(validateRun(run)).toBe(true);
    expect(run.decision).toBe('reject');
    expect(run.reasons).toContain('model-quality: auc is 0.768, below min 0.8');
    expect(run.reasons).toContain('model-quality: accuracy is 0.744, below min 0.75');
  });

  it('needs review when evidence is missing: exit 2, never an approval', () => {
    const r = runCli(['evaluate', '--model-package', pkg(4), ...CHURN, '--champion', 'none', '--format', 'json'], home);
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('needs_review');
    expect(run.checks[0]).toMatchObject({ status: 'error', error: { kind: 'missing_evidence' } });
    expect(run.champion).toBeNull();
  });

  it('takes evidence from --evidence and verifies nothing it was not given a digest for', () => {
    const r = runCli(
      [
        'evaluate',
        '--model-package',
        pkg(4),
        ...CHURN,
        '--champion',
        'none',
        '--format',
        'json',
        '--evidence',
        'model-quality-statistics=file:examples/reports/churn-xgb/v2-quality-statistics.json',
      ],
      home,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).evidence).toContainEqual(expect.objectContaining({ name: 'model-quality-statistics', source: 'cli' }));
  });

  it('prints a readable run in text mode and writes an HTML report', () => {
    const report = join(home, 'report.html');
    const r = runCli(['evaluate', '--model-package', pkg(3), ...CHURN, ...CHAMPION, '--report', report], home);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('churn-xgb/3  REJECT');
    expect(r.stdout).toContain('auc is 0.768, below min 0.8');
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('auc is 0.768, below min 0.8');
  });

  it('fails closed when the evidence does not match its ContentDigest', () => {
    // Prepare: a package whose statistics digest names other bytes
    const tampered = JSON.parse(readFileSync(pkg(2), 'utf8'));
    tampered.ModelMetrics.ModelQuality.Statistics.ContentDigest = `sha256:${'0'.repeat(64)}`;
    const file = join(home, 'tampered.json');
    writeFileSync(file, JSON.stringify(tampered));
    // Act
    const r = runCli(['evaluate', '--model-package', file, ...CHURN, ...CHAMPION, '--format', 'json'], home);
    // Assess
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0].summary).toMatch(/digest/i);
  });

  describe('a bad evidence report fails closed: needs_review (exit 2), the check says what and where', () => {
    it.each([
      ['malformed JSON', '{"binary_classification_metrics": {"auc": {"value": 0.9,', /is not valid JSON at line 1, column 57: unexpected end of input/],
      [
        'a report of the wrong shape',
        JSON.stringify({ binary_classification_metrics: { auc: { value: 'high' } } }),
        /at \/binary_classification_metrics\/auc\/value: value is a string of 4 characters \(expected a number, "NaN", "Infinity" or null\)/,
      ],
      [
        'no metrics section',
        JSON.stringify({ version: 0 }),
        /at \/: no metrics section \(keys: version\) \(expected one of binary_classification_metrics, multiclass_classification_metrics, regression_metrics\)/,
      ],
    ])('%s', (_name, content, message) => {
      // Prepare
      const file = join(home, `report-${_name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, content);
      // Act
      const r = runCli(
        ['evaluate', '--model-package', pkg(4), ...CHURN, '--champion', 'none', '--format', 'json', '--evidence', `model-quality-statistics=file:${file}`],
        home,
        {
          env: { MODELGATE_EVIDENCE_ROOTS: home },
        },
      );
      // Assess
      expect(r.code).toBe(2);
      const run = JSON.parse(r.stdout);
      expect(run.decision).toBe('needs_review');
      expect(run.checks[0].status).toBe('error');
      expect(run.checks[0].summary).toMatch(message);
      expect(run.checks[0].summary).toContain(file);
    });
  });

  describe('bad input: exit 64 with a message that says what and where', () => {
    it.each([
      ['a missing file', ['--model-package', 'nope.json'], /nope\.json: no such file/],
      ['malformed JSON', ['--model-package', 'policies/churn.yaml'], /policies\/churn\.yaml: is not valid JSON/],
      ['a report of the wrong shape', ['--model-package', 'package.json'], /package\.json: missing required key "ModelPackageArn"/],
      ['an unknown option', ['--model-package', pkg(2), '--bogus'], /Unknown option '--bogus'/],
      ['a bad --format', ['--model-package', pkg(2), '--format', 'xml'], /--format must be one of text, json \(got "xml"\)/],
      ['a bad --evidence', ['--model-package', pkg(2), '--evidence', 'predictions'], /--evidence "predictions" must be name=uri/],
      ['no --model-package', [], /--model-package is required/],
    ])('%s', (_name, args, message) => {
      const r = runCli(['evaluate', ...CHURN, ...args], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });

    it('a policy naming an unknown check', () => {
      const policy = join(home, 'unknown-check.yaml');
      writeFileSync(policy, readFileSync('policies/churn.yaml', 'utf8').replace('use: model-quality', 'use: model-qualty'));
      const r = runCli(['evaluate', '--model-package', pkg(2), '--policy', policy], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/at \/checks\/0\/use: unknown check "model-qualty"/);
    });

    it('a policy with an unknown key', () => {
      const policy = join(home, 'unknown-key.yaml');
      writeFileSync(policy, readFileSync('policies/churn.yaml', 'utf8').replace('  owner:', '  onwer: x\n  owner:'));
      const r = runCli(['evaluate', '--model-package', pkg(2), '--policy', policy], home);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/unknown-key\.yaml.*\/metadata.*unknown key "onwer"/);
    });
  });

  it('keeps state in MODELGATE_HOME only', () => {
    expect(existsSync(join(home, 'ledger'))).toBe(true);
  });
});

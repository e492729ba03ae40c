/**
 * Issue 9, rows 1, 5, 7, 8, 12 and 13, through the built CLI: hostile input files and evidence URIs
 * fail closed (never an approval, never exit 70), name the file or field, never quote the file's
 * contents, and never hang the process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, runCli, tempHome } from '../support/cli.js';

const CHURN = ['--policy', 'policies/churn.yaml'];
const pkg = (v: number) => `examples/registry/churn-xgb/${v}.json`;
const EVALUATE = (args: string[]) => ['evaluate', ...CHURN, '--champion', 'none', '--format', 'json', ...args];

describe('modelgate evaluate under hostile input', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome('modelgate-hostile-');
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('row 1: file:/proc/self/environ is outside the allowed roots; the environment never appears in the output', () => {
    // Prepare: a secret in the environment of the CLI
    const secret = 'hunter2-SECRET-VALUE-a1b2c3';
    // Act
    const r = runCli(EVALUATE(['--model-package', pkg(4), '--evidence', 'model-quality-statistics=file:/proc/self/environ']), home, {
      env: { MODELGATE_TEST_SECRET: secret },
    });
    // Assess
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('needs_review');
    expect(run.checks[0].summary).toMatch(/file:\/proc\/self\/environ: .*outside the allowed evidence roots/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/MODELGATE_TEST_SECRET|PATH=|HOME=/);
  });

  it('row 1: a symlink inside an allowed root that points outside it is refused too', () => {
    // Prepare: the report directory is an allowed root; the link inside it leads out
    const link = join(home, 'environ.json');
    spawnSync('ln', ['-sf', '/proc/self/environ', link]);
    // Act
    const r = runCli(EVALUATE(['--model-package', pkg(4), '--evidence', `model-quality-statistics=file:${link}`]), home, {
      env: { MODELGATE_EVIDENCE_ROOTS: home },
    });
    // Assess
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0].summary).toMatch(/outside the allowed evidence roots/);
  });

  it('row 5: a report with a duplicate key (bad auc first, good auc last) needs review, naming the key and the line', () => {
    // Prepare: the v2 report (which approves) with a failing auc inserted before the real one
    const good = readFileSync(join(ROOT, 'examples/reports/churn-xgb/v2-quality-statistics.json'), 'utf8');
    const hostile = good.replace('"binary_classification_metrics": {', '"binary_classification_metrics": {\n    "auc": {"value": 0.11},');
    const file = join(home, 'duplicate-auc.json');
    writeFileSync(file, hostile);
    // Act
    const r = runCli(EVALUATE(['--model-package', pkg(4), '--evidence', `model-quality-statistics=file:${file}`]), home, {
      env: { MODELGATE_EVIDENCE_ROOTS: home },
    });
    // Assess
    expect(r.code).toBe(2);
    const run = JSON.parse(r.stdout);
    expect(run.decision).toBe('needs_review');
    expect(run.checks[0].summary).toContain(file);
    expect(run.checks[0].summary).toMatch(/duplicate key "auc" \(JSON path \/binary_classification_metrics\/auc; first at line 7, column 5\)/);
  });

  it('row 7: a FIFO as evidence or as the model package never blocks: the CLI exits with a message naming it', () => {
    // Prepare: a FIFO nobody writes to
    const fifo = join(home, 'evidence.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    try {
      const run = (args: string[]) =>
        spawnSync(process.execPath, [CLI, ...EVALUATE(args)], {
          cwd: ROOT,
          env: { ...process.env, MODELGATE_HOME: home, MODELGATE_EVIDENCE_ROOTS: home },
          encoding: 'utf8',
          timeout: 30_000,
          killSignal: 'SIGKILL',
        });
      // Act
      const asEvidence = run(['--model-package', pkg(4), '--evidence', `model-quality-statistics=file:${fifo}`]);
      const asPackage = run(['--model-package', fifo]);
      // Assess: exited by itself (not killed by the timeout), needs review / bad input
      expect(asEvidence.signal).toBeNull();
      expect(asEvidence.status).toBe(2);
      expect(JSON.parse(asEvidence.stdout).checks[0].summary).toMatch(/evidence\.fifo is not a regular file \(a FIFO\)/);
      expect(asPackage.signal).toBeNull();
      expect(asPackage.status).toBe(64);
      expect(asPackage.stderr).toMatch(/evidence\.fifo: is not a regular file \(a FIFO\)/);
    } finally {
      rmSync(fifo, { force: true });
    }
  });

  it('row 8: --policy /dev/zero is refused before reading, naming the path', () => {
    const r = runCli(['evaluate', '--model-package', pkg(2), '--policy', '/dev/zero'], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/\/dev\/zero: is not a regular file \(a character device\)/);
  });

  it('row 8: a policy or model package larger than the limit is refused, naming the path and the limit', () => {
    // Prepare
    const bigPolicy = join(home, 'big.yaml');
    writeFileSync(bigPolicy, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const bigPackage = join(home, 'big.json');
    writeFileSync(bigPackage, JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024) }));
    // Act
    const policy = runCli(['evaluate', '--model-package', pkg(2), '--policy', bigPolicy], home);
    const model = runCli(['evaluate', ...CHURN, '--model-package', bigPackage], home);
    // Assess
    expect(policy.code).toBe(64);
    expect(policy.stderr).toContain(`${bigPolicy}: larger than the limit of 1048576 bytes`);
    expect(model.code).toBe(64);
    expect(model.stderr).toContain(`${bigPackage}: larger than the limit of 8388608 bytes`);
  });

  it.each([
    ['Tags is not a list', { Tags: 'team=risk' }, /at \/Tags: must be array/],
    ['a tag without a Value', { Tags: [{ Key: 'team' }] }, /at \/Tags\/0: missing required key "Value"/],
    [
      'ModelMetrics of the wrong shape',
      { ModelMetrics: { ModelQuality: { Statistics: { S3Uri: 42 } } } },
      /at \/ModelMetrics\/ModelQuality\/Statistics\/S3Uri: must be string/,
    ],
    ['CustomerMetadataProperties not strings', { CustomerMetadataProperties: { team: 1 } }, /at \/CustomerMetadataProperties\/team: must be string/],
    ['a duplicate key', null, /has a duplicate key at line \d+, column \d+: duplicate key "ModelPackageArn"/],
  ])('row 12: a model package with %s is bad input naming the field', (_name, patch, message) => {
    // Prepare
    const base = readFileSync(join(ROOT, pkg(2)), 'utf8');
    const text =
      patch === null
        ? base.replace('{', '{\n  "ModelPackageArn": "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-xgb/9",')
        : JSON.stringify({ ...JSON.parse(base), ...patch });
    const file = join(home, `pkg-${_name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text);
    // Act
    const r = runCli(['evaluate', ...CHURN, '--model-package', file], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(message);
  });

  it('row 13: a YAML alias bomb in a policy is a policy error naming the file', () => {
    // Prepare: nine levels of nine aliases (9^9 nodes if expanded)
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = join(home, 'bomb.yaml');
    writeFileSync(bomb, `${readFileSync(join(ROOT, 'policies/churn.yaml'), 'utf8')}\nx-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    // Act
    const r = runCli(['evaluate', '--model-package', pkg(2), '--policy', bomb], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(bomb);
    expect(r.stderr).toMatch(/aliases/i);
  });
});

describe('policy paths that hold no policy', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome('modelgate-hostile-');
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('evaluate --policies <a directory without YAML> is bad usage (64) naming the directory, not a needs_review run', () => {
    const r = runCli(['evaluate', '--policies', 'examples/reports', '--model-package', pkg(2), '--champion', 'none'], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('examples/reports');
    expect(r.stderr).toContain('no policy files');
  });

  it('policy validate <a directory without YAML> is bad usage (64), not "ok"', () => {
    const r = runCli(['policy', 'validate', 'examples/reports'], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('no policy files');
  });

  it("a relative --policies resolves against the CLI's working directory, not the process's", async () => {
    // In process, with a working directory other than the process's (as a wrapper or a test runs it)
    const { runCli: runInProcess } = await import('../../src/cli/run-cli.js');
    let stderr = '';
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => void (stderr += t),
      isTTY: false,
      env: { ...process.env, MODELGATE_HOME: home },
      cwd: join(ROOT, 'examples'),
    };
    const code = await runInProcess(['evaluate', '--policies', '../policies', '--model-package', 'registry/churn-xgb/2.json', '--champion', 'none'], io);
    expect(stderr).not.toMatch(/\.\.\/policies: no such file/);
    expect(code).toBe(2); // the examples' relative evidence URIs do not resolve from examples/: needs review
  });
});

describe('modelgate start with a state directory it cannot use', () => {
  it.each([
    ['under /proc, where directories cannot be made', '/proc/none/modelgate'],
    ['a regular file', 'package.json'],
  ])('MODELGATE_HOME %s is bad usage (64) naming it, and never hangs', (_name, homeDir) => {
    const r = spawnSync(process.execPath, [CLI, 'start', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, MODELGATE_HOME: homeDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('state directory');
  });
});

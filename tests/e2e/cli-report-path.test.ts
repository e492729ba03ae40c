/**
 * `--report <file.html>` is the one file the CLI writes at a path the user names. A path it cannot
 * write is bad input (exit 64) named in the message, found before the run is evaluated, never an
 * "unexpected error" (70).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempHome } from '../support/cli.js';

const EVALUATE = [
  'evaluate',
  '--model-package',
  'examples/registry/churn-xgb/3.json',
  '--policy',
  'policies/churn.yaml',
  '--champion',
  'examples/registry/churn-xgb/1.json',
];

describe('modelgate evaluate --report', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome();
  });

  it('refuses a report path whose directory does not exist: exit 64, the path named, nothing evaluated', () => {
    // Prepare
    const report = join(home, 'no-such-dir', 'report.html');
    // Act
    const r = runCli([...EVALUATE, '--report', report], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`--report ${report}`);
    expect(r.stderr).toContain('directory does not exist');
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.stdout).toBe('');
    expect(existsSync(report)).toBe(false);
  });

  it('refuses a report path that is a directory', () => {
    const dir = join(home, 'a-directory');
    mkdirSync(dir);
    const r = runCli([...EVALUATE, '--report', dir], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`--report ${dir}`);
    expect(r.stderr).toContain('is a directory');
  });

  it('refuses a report path under a regular file', () => {
    // Prepare
    const file = join(home, 'plain-file');
    writeFileSync(file, 'x');
    // Act
    const r = runCli([...EVALUATE, '--report', join(file, 'x.html')], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`--report ${join(file, 'x.html')}`);
    expect(r.stderr).toContain('is not a directory');
  });

  it('refuses a FIFO as the report (writing to it would block until a reader came)', () => {
    const fifo = join(home, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = runCli([...EVALUATE, '--report', fifo], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`--report ${fifo}`);
    expect(r.stderr).toContain('not a regular file');
  });

  it('still writes a report into an existing directory', () => {
    const report = join(home, 'ok.html');
    const r = runCli([...EVALUATE, '--report', report], home);
    expect(r.code).toBe(1);
    expect(existsSync(report)).toBe(true);
  });
});

describe('MODELGATE_HOME, the state directory the user names', () => {
  it('is refused with its path when it is a regular file (exit 64, not 70)', () => {
    // Prepare
    const file = join(tempHome(), 'a-file');
    writeFileSync(file, 'x');
    // Act
    const r = runCli(['runs', 'list'], file);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`state directory ${file} (MODELGATE_HOME`);
    expect(r.stderr).toContain('is not a directory');
  });

  it('is refused, not spun on, when it cannot be created', () => {
    const r = runCli(['runs', 'list'], '/proc/modelgate-none/state');
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('state directory /proc/modelgate-none/state');
    expect(r.stderr).toContain('cannot create /proc/modelgate-none');
  });
});

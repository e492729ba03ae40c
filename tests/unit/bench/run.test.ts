/**
 * The benchmark runner: finds every module that exports `main`, runs them in order under a header,
 * keeps going past a failure and exits non-zero at the end. Fake benchmarks in a temp directory
 * stand in for the real ones (which take minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main, parseRunArgs } from '../../../bench/run.js';

interface Calls {
  benchCalls?: Array<[string, string[]]>;
}
const calls = (): Array<[string, string[]]> => ((globalThis as Calls).benchCalls ??= []);

describe('bench/run', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-bench-run-'));
    const bench = (name: string, body: string) =>
      `export const main = async (argv) => { (globalThis.benchCalls ??= []).push([${JSON.stringify(name)}, argv]); ${body} };\n`;
    writeFileSync(join(dir, 'alpha.mjs'), bench('alpha', 'return { ok: true };'));
    writeFileSync(join(dir, 'beta.mjs'), bench('beta', "throw new Error('beta broke');"));
    writeFileSync(join(dir, 'gamma.mjs'), bench('gamma', 'process.exitCode = 3;'));
    writeFileSync(join(dir, 'helper.mjs'), 'export const notABenchmark = 1;\n');
    writeFileSync(join(dir, 'run.mjs'), bench('run', ''));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every benchmark in name order, continues past failures and exits non-zero', async () => {
    // Prepare
    calls().length = 0;
    const lines: string[] = [];
    // Act
    const code = await main([], { dir, write: (l) => lines.push(l) });
    // Assess
    expect(code).toBe(EXIT.failed);
    expect(calls().map(([name]) => name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(lines.filter((l) => l.startsWith('\n=== ')).map((l) => l.split(' ')[1])).toEqual(['alpha', 'beta', 'gamma']);
    expect(lines.some((l) => l.startsWith('--- beta: FAILED') && l.includes('beta broke'))).toBe(true);
    expect(lines.some((l) => l.startsWith('--- gamma: FAILED') && l.includes('set exit code 3'))).toBe(true);
    expect(lines.at(-1)).toBe('\nbenchmarks: 1 done, 2 failed (beta, gamma)');
    expect(process.exitCode === undefined || process.exitCode === 0).toBe(true);
  });

  it('--only picks benchmarks, --quick and the arguments after -- reach them', async () => {
    // Prepare
    calls().length = 0;
    // Act
    const code = await main(['--only', 'alpha', '--quick', '--', '--n', '3'], { dir, write: () => undefined });
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(calls()).toEqual([['alpha', ['--quick', '--n', '3']]]);
  });

  it('refuses an unknown benchmark name, listing the ones there are', async () => {
    // Prepare
    const errors: string[] = [];
    // Act
    const code = await main(['--only', 'nope'], { dir, write: () => undefined, writeError: (l) => errors.push(l) });
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(errors.join('\n')).toMatch(/no benchmark named "nope" \(expected one of: alpha, beta, gamma\)/);
  });

  it('parses its flags and refuses anything else', () => {
    expect(parseRunArgs(['--only=evaluate,metrics', '--quick'])).toEqual({ only: ['evaluate', 'metrics'], quick: true, passthrough: [] });
    expect(() => parseRunArgs(['--fast'])).toThrow(/unknown argument "--fast"\nusage: run/);
    expect(() => parseRunArgs(['--only'])).toThrow(/--only needs a benchmark name/);
  });
});

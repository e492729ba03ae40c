/**
 * Meta-tests over the registry of checks (checks/index.ts): every registered check obeys the
 * check contract of ARCHITECTURE.md, every fixture gives its verdict, every result validates
 * against schemas/check-result.schema.json, and the schema and the CheckResult type agree.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import checks from '../../checks/index.js';
import checkResultSchema from '../../schemas/check-result.schema.json' with { type: 'json' };
import type { CheckResult, Finding, MetricResult } from '../../src/core/check.js';
import { createCheckRegistry } from '../../src/core/check-registry.js';
import type { ChampionRule, Threshold } from '../../src/core/thresholds.js';
import { loadFixtures } from '../support/check-fixtures.js';
import {
  checkResultProblems,
  fixtureOutcomeProblems,
  fixtureSetProblems,
  identityProblems,
  readmeProblems,
  schemaProblems,
} from '../support/check-contract.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

// The generator imports folders in sorted order, so index i of `checks` is folder i (when the
// index is up to date, which a test below asserts).
const folders = readdirSync(join(ROOT, 'checks'))
  .filter((n) => statSync(join(ROOT, 'checks', n)).isDirectory() && existsSync(join(ROOT, 'checks', n, 'index.ts')))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('the registry of checks', () => {
  it('checks/index.ts is up to date (npm run gen:checks)', async () => {
    // Act
    const outcome = await run(process.execPath, [join(ROOT, 'scripts', 'gen-checks-index.mjs'), '--check'], {
      env: { ...process.env, MODELGATE_ROOT: ROOT },
    }).then(
      () => 0,
      (err: { code?: number; stderr?: string }) => err.stderr ?? `exit ${err.code}`,
    );
    // Assess
    expect(outcome).toBe(0);
  });

  it('registers every check folder, with unique ids, and builds a registry', () => {
    // Act
    const registry = createCheckRegistry([...checks]);
    // Assess
    expect(checks.length).toBe(folders.length);
    expect(registry.ids()).toEqual([...new Set(checks.map((c) => c.id))].sort());
  });
});

describe.each(checks.map((check, i) => [check.id, check, join(ROOT, 'checks', folders[i] ?? check.id)] as const))('check %s', (_id, check, dir) => {
  it('has an id equal to its folder and a semver version', () => {
    expect(identityProblems(check, dir)).toEqual([]);
  });

  it('has a config schema that compiles in ajv strict mode, with additionalProperties false, and a valid defaultConfig', () => {
    expect(schemaProblems(check)).toEqual([]);
  });

  it('has a README with what it checks, why, config (a heading per option), examples and remediation', () => {
    expect(readmeProblems(check, dir)).toEqual([]);
  });

  it('has at least one pass and one fail fixture, each well formed', () => {
    expect(fixtureSetProblems(dir)).toEqual([]);
  });

  const fixtures = (() => {
    try {
      return loadFixtures(dir);
    } catch {
      return []; // reported by the test above
    }
  })();
  it.each(fixtures.map((f) => [f.name, f] as const))('fixture %s gives its expected verdict and a schema-valid result', async (_name, fixture) => {
    // Act
    const problems = await fixtureOutcomeProblems(check, fixture);
    // Assess
    expect(problems).toEqual([]);
  });
});

describe('schemas/check-result.schema.json and the CheckResult type', () => {
  // `Required<...>` makes tsc reject this file when the type gains a key the objects below lack;
  // the object literals make it reject a key the type does not have.
  const championRule: Required<ChampionRule> = { maxWorsening: 0.01, maxRelativeWorsening: 0.05 };
  const threshold: Required<Threshold> = { min: 0.8, max: 1.25, maxAbs: 0.1, vsChampion: championRule };
  const metric: Required<MetricResult> = {
    name: 'DI',
    value: 0.62,
    reason: 'computed',
    slice: 'sex=F',
    threshold,
    champion: 0.9,
    interval: [0.55, 0.7],
    passed: false,
  };
  const finding: Required<Finding> = { severity: 'error', message: 'DI for sex=F is 0.62, below min 0.8', metric: 'DI', slice: 'sex=F' };
  const error: Required<NonNullable<CheckResult['error']>> = { kind: 'exception', message: 'boom' };
  const full: Required<CheckResult> = {
    id: 'bias',
    use: 'bias',
    version: '1.2.3',
    severity: 'blocking',
    status: 'error',
    summary: 'DI for sex=F is 0.62, below min 0.8',
    metrics: [metric],
    findings: [finding],
    error,
    durationMs: 12,
  };
  const defs = checkResultSchema.definitions as Record<string, { properties: Record<string, unknown> }>;
  const keys = (o: object) => Object.keys(o).sort();

  it('accepts a fully populated CheckResult', () => {
    expect(checkResultProblems(full, 'full')).toEqual([]);
  });

  it('has exactly the keys of the type at every level', () => {
    expect(keys(checkResultSchema.properties)).toEqual(keys(full));
    expect(keys(defs['metric']!.properties)).toEqual(keys(metric));
    expect(keys(defs['finding']!.properties)).toEqual(keys(finding));
    expect(keys(defs['threshold']!.properties)).toEqual(keys(threshold));
    expect(keys(defs['championRule']!.properties)).toEqual(keys(championRule));
    expect(keys(checkResultSchema.properties.error.properties)).toEqual(keys(error));
  });

  it('requires what the type requires', () => {
    const requiredOf = (o: Record<string, unknown>, optional: string[]) => keys(o).filter((k) => !optional.includes(k));
    expect([...checkResultSchema.required].sort()).toEqual(requiredOf(full, ['error', 'use']));
    expect([...(defs['metric'] as unknown as { required: string[] }).required].sort()).toEqual(['name', 'value']);
  });

  it('rejects what the type forbids', () => {
    // Prepare
    const bad: unknown[] = [
      { ...full, extra: 1 },
      { ...full, status: 'skipped' },
      { ...full, metrics: [{ ...metric, value: 'NaN' }] },
      { ...full, metrics: [{ ...metric, interval: [0.1] }] },
      { ...full, metrics: [{ ...metric, passed: 'yes' }] },
      { ...full, metrics: [{ ...metric, threshold: { min: 0.8, atLeast: 1 } }] },
      { ...full, findings: [{ ...finding, severity: 'fatal' }] },
      { ...full, error: { kind: 'crash', message: 'x' } },
      { ...full, durationMs: -1 },
    ];
    // Act
    const problemCounts = bad.map((b, i) => checkResultProblems(b as CheckResult, `bad[${i}]`).length);
    // Assess
    expect(problemCounts.every((n) => n > 0)).toBe(true);
  });
});

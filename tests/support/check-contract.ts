/**
 * The check contract (ARCHITECTURE.md "Check contract") as functions that return problem lines,
 * so that the contract test can run them per registered check and the scaffold test can hold a
 * freshly generated check to exactly the same rules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { CheckResult } from '../../src/core/check.js';
import type { AnyCheckDefinition } from '../../src/core/check-registry.js';
import { createAjv, problemsOf } from '../../src/core/schema.js';
import checkResultSchema from '../../schemas/check-result.schema.json' with { type: 'json' };
import { loadFixtures, runFixture, type CheckFixture } from './check-fixtures.js';

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** `## ` headings every check README has, matched case-insensitively by prefix. */
export const README_SECTIONS = ['What it checks', 'Why', 'Config', 'Examples', 'Remediation'] as const;

/** The compiled check-result schema (compiled once). */
export const validateCheckResult: ValidateFunction = createAjv().compile(checkResultSchema);

/** Problems with a CheckResult against `schemas/check-result.schema.json`. */
export const checkResultProblems = (result: CheckResult, where: string): string[] => problemsOf(validateCheckResult, result, where);

/** id is kebab-case and equals the folder name; version is semver. */
export const identityProblems = (check: AnyCheckDefinition, checkDir: string): string[] => {
  const problems: string[] = [];
  if (check.id !== basename(checkDir)) problems.push(`id "${check.id}" differs from its folder "${basename(checkDir)}"`);
  if (!SEMVER.test(check.version)) problems.push(`version "${check.version}" is not semver`);
  return problems;
};

/** configSchema compiles in ajv strict mode, sets additionalProperties: false, and defaultConfig validates. */
export const schemaProblems = (check: AnyCheckDefinition): string[] => {
  if (check.configSchema['additionalProperties'] !== false) return ['configSchema does not set additionalProperties: false'];
  let validate: ValidateFunction;
  try {
    validate = createAjv().compile(check.configSchema);
  } catch (err) {
    return [`configSchema does not compile in ajv strict mode: ${(err as Error).message}`];
  }
  return problemsOf(validate, check.defaultConfig, `${check.id} defaultConfig`);
};

/** README.md exists, has every required section, and a heading naming each top-level config option. */
export const readmeProblems = (check: AnyCheckDefinition, checkDir: string): string[] => {
  const path = join(checkDir, 'README.md');
  if (!existsSync(path)) return [`${path} is missing`];
  const headings = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6}\s/.test(l));
  const h2 = headings.filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim().toLowerCase());
  const problems = README_SECTIONS.filter((s) => !h2.some((h) => h.startsWith(s.toLowerCase()))).map((s) => `${path}: no "## ${s}" section`);
  const options = Object.keys((check.configSchema['properties'] as Record<string, unknown> | undefined) ?? {});
  for (const option of options) {
    const named = new RegExp(`(^|[^A-Za-z0-9_])${option}([^A-Za-z0-9_]|$)`);
    if (!headings.some((h) => h.startsWith('### ') && named.test(h))) problems.push(`${path}: no "### ${option}" heading under Config`);
  }
  return problems;
};

/** At least one pass and one fail fixture, every fixture well formed. */
export const fixtureSetProblems = (checkDir: string): string[] => {
  let fixtures: CheckFixture[];
  try {
    fixtures = loadFixtures(checkDir);
  } catch (err) {
    return [(err as Error).message];
  }
  const problems: string[] = [];
  if (!fixtures.some((f) => f.expect.status === 'pass')) problems.push(`${checkDir}/fixtures: no pass-*.json fixture`);
  if (!fixtures.some((f) => f.expect.status === 'fail')) problems.push(`${checkDir}/fixtures: no fail-*.json fixture`);
  return problems;
};

/** The fixture gives its expected status, and the result validates against the check-result schema. */
export const fixtureOutcomeProblems = async (check: AnyCheckDefinition, fixture: CheckFixture): Promise<string[]> => {
  const result = await runFixture(check, fixture);
  const problems = checkResultProblems(result, `${fixture.file} result`);
  if (result.status !== fixture.expect.status) {
    const why = result.error ? ` (${result.error.kind}: ${result.error.message})` : ` (${result.summary})`;
    problems.push(`${fixture.file}: expected ${fixture.expect.status}, got ${result.status}${why}`);
  }
  return problems;
};

/** Every contract rule at once (for a check that is not in the registry, such as a fresh scaffold). */
export const contractProblems = async (check: AnyCheckDefinition, checkDir: string): Promise<string[]> => {
  const problems = [...identityProblems(check, checkDir), ...schemaProblems(check), ...readmeProblems(check, checkDir), ...fixtureSetProblems(checkDir)];
  if (problems.length > 0) return problems;
  for (const fixture of loadFixtures(checkDir)) problems.push(...(await fixtureOutcomeProblems(check, fixture)));
  return problems;
};

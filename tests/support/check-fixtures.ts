/**
 * Check fixtures (`checks/<id>/fixtures/<status>-*.json`): loading, validating their shape, and
 * running one through the real engine exactly as a gate run would (config merged over the
 * defaults and validated by the registry, evidence precheck, isolation, timeout).
 *
 * Fixture form (see docs/checks/authoring.md):
 * ```json
 * { "description": "...", "config": { ... }, "evidence": { "<name>": <JSON> | "<text>" | { "$file": "data/x.csv" } },
 *   "champion": null | { "evidence": { ... } }, "expect": { "status": "pass" } }
 * ```
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { CheckInput, CheckResult, CheckStatus } from '../../src/core/check.js';
import { createCheckRegistry, type AnyCheckDefinition } from '../../src/core/check-registry.js';
import { runChecks } from '../../src/core/engine.js';
import type { EvidenceHandle, EvidenceSet } from '../../src/core/evidence.js';
import { createAjv, problemsOf } from '../../src/core/schema.js';
import { checkSubject, inlineEvidence, testContext, testPackage } from './inline-evidence.js';

/** File-name prefix -> the status the fixture must produce. `pass-` and `fail-` are required per check. */
export const FIXTURE_PREFIXES: ReadonlyArray<readonly [string, CheckStatus]> = [
  ['pass-', 'pass'],
  ['fail-', 'fail'],
  ['warn-', 'warn'],
  ['error-', 'error'],
  ['not-applicable-', 'not_applicable'],
];

export interface CheckFixture {
  /** Absolute path of the fixture file. */
  file: string;
  /** File name without `.json`. */
  name: string;
  description: string;
  config: Record<string, unknown>;
  evidence: Record<string, unknown>;
  champion: { evidence: Record<string, unknown> } | null;
  expect: { status: CheckStatus };
}

const evidenceMap = { type: 'object', additionalProperties: true } as const;
const validateFixture = createAjv().compile({
  type: 'object',
  additionalProperties: false,
  required: ['description', 'config', 'evidence', 'expect'],
  properties: {
    description: { type: 'string', minLength: 10 },
    config: { type: 'object' },
    evidence: evidenceMap,
    champion: {
      anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, required: ['evidence'], properties: { evidence: evidenceMap } }],
    },
    expect: {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: { status: { enum: ['pass', 'fail', 'warn', 'not_applicable', 'error'] } },
    },
  },
});

/** The status a fixture file name promises, or `undefined` when the name has no known prefix. */
export const statusOfFixtureName = (fileName: string): CheckStatus | undefined => FIXTURE_PREFIXES.find(([prefix]) => fileName.startsWith(prefix))?.[1];

/**
 * Reads every `*.json` directly under `<checkDir>/fixtures` (not `fixtures/data/`), sorted by name.
 * Throws when a fixture does not have the fixture shape or its name and expected status disagree.
 */
export const loadFixtures = (checkDir: string): CheckFixture[] => {
  const dir = join(checkDir, 'fixtures');
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json') && statSync(join(dir, n)).isFile())
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = join(dir, n);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const problems = problemsOf(validateFixture, doc, file);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    const fixture = doc as Omit<CheckFixture, 'file' | 'name'>;
    const promised = statusOfFixtureName(n);
    if (promised === undefined) {
      throw new Error(`${file}: name must start with one of ${FIXTURE_PREFIXES.map(([p]) => p).join(', ')}`);
    }
    if (promised !== fixture.expect.status) {
      throw new Error(`${file}: the name promises "${promised}" but expect.status is "${fixture.expect.status}"`);
    }
    return { ...fixture, champion: fixture.champion ?? null, file, name: basename(n, '.json') };
  });
};

const fileHandle = (name: string, path: string): EvidenceHandle => {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return { ...inlineEvidence(name, text), ref: { name, uri: pathToFileURL(path).href, source: 'cli' } };
};

/** An EvidenceSet from a fixture's `evidence` block; `$file` paths are relative to `fixturesDir`. */
export const fixtureEvidence = (items: Record<string, unknown>, fixturesDir: string): EvidenceSet =>
  Object.fromEntries(
    Object.entries(items).map(([name, value]) => {
      const isFile =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof (value as Record<string, unknown>)['$file'] === 'string';
      if (isFile) return [name, fileHandle(name, resolve(fixturesDir, (value as { $file: string }).$file))];
      return [name, inlineEvidence(name, typeof value === 'string' ? value : JSON.stringify(value))];
    }),
  );

/** The CheckInput a fixture describes: candidate credit-risk/2, champion credit-risk/1 when given. */
export const fixtureInput = (fixture: CheckFixture): CheckInput => {
  const dir = join(fixture.file, '..');
  const champion = fixture.champion
    ? { ...checkSubject({}, testPackage('credit-risk', 1, { ModelApprovalStatus: 'Approved' })), evidence: fixtureEvidence(fixture.champion.evidence, dir) }
    : null;
  return { ...checkSubject({}), evidence: fixtureEvidence(fixture.evidence, dir), champion };
};

/**
 * Runs `check` on `fixture` through the engine and returns the recorded CheckResult (an
 * invalid config yields `error` with kind `invalid_config`, as in a gate run).
 */
export const runFixture = async (check: AnyCheckDefinition, fixture: CheckFixture): Promise<CheckResult> => {
  const registry = createCheckRegistry([check]);
  const { config, problems } = registry.resolveConfig(check.id, fixture.config, `${fixture.file} at /config`);
  const ctx = testContext();
  const [result] = await runChecks([{ id: check.id, severity: 'blocking', definition: check, config, configProblems: problems }], fixtureInput(fixture), {
    concurrency: 1,
    defaultTimeoutMs: 30_000,
    logger: ctx.logger,
    now: ctx.now,
  });
  return result!;
};

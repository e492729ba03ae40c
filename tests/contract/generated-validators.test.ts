/**
 * src/generated/validators.ts is the build-time compilation of the schemas the Lambdas validate
 * against on every cold start; it must match the schemas on disk, and behave as ajv compiled at
 * run time would.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { checkConfigValidators, validatePolicyDocument, validateSageMakerPackageEvent } from '../../src/generated/validators.js';
import { createAjv, problemsOf } from '../../src/core/schema.js';
import { ROOT } from '../support/cli.js';

const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;

describe('generated validators', () => {
  it('are up to date with the schemas (npm run build regenerates them)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/compile-validators.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('cover every check with a config schema', () => {
    expect(Object.keys(checkConfigValidators).sort()).toEqual(['bias', 'feature-importance', 'model-quality']);
  });

  it('report the same problems as ajv compiled at run time', () => {
    // Prepare
    const runtime = createAjv().compile(json('schemas/policy.schema.json'));
    const precompiled = validatePolicyDocument as unknown as ValidateFunction;
    const bad = { apiVersion: 'modelgate/v2', kind: 'Policy', metadata: { name: 'x', version: 0, owner: 'o', extra: 1 }, match: {}, checks: [] };
    // Act / Assess
    expect(problemsOf(precompiled, bad, 'p.yaml')).toEqual(problemsOf(runtime, bad, 'p.yaml'));
    expect(problemsOf(precompiled, bad, 'p.yaml').length).toBeGreaterThan(2);
    const event = json('tests/fixtures/events/sagemaker-pending-with-metrics.json');
    expect((validateSageMakerPackageEvent as unknown as ValidateFunction)(event)).toBe(true);
  });
});

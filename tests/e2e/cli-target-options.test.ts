/**
 * A misspelt promotion target option is refused where the policy is read — `policy validate`, the
 * doctor, evaluate — naming the JSON path and the right key, so the doctor never prints a
 * placeholder for an option the author did give under the wrong name.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempHome } from '../support/cli.js';

describe('promotion target options', () => {
  let home: string;
  let policy: string;
  beforeAll(() => {
    home = tempHome();
    policy = join(home, 'misspelt.yaml');
    const fixture = readFileSync(join(ROOT, 'tests/fixtures/policies/all-targets.yaml'), 'utf8');
    // bedrock-import takes s3Uri; modelDataS3Uri is the SageMaker-flavoured name people reach for.
    const misspelt = fixture.replace(/(\n\s+)s3Uri:/, '$1modelDataS3Uri:');
    expect(misspelt).not.toBe(fixture);
    writeFileSync(policy, misspelt);
  });

  it('policy validate: exit 64, the JSON path and the closest valid key', () => {
    // Act
    const r = runCli(['policy', 'validate', policy], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(
      /at \/promotion\/stages\/1\/targets\/2\/modelDataS3Uri: unknown option "modelDataS3Uri" for kind bedrock-import \(did you mean "s3Uri"\?\)/,
    );
  });

  it('doctor cross-account: refuses the policy instead of printing a placeholder', () => {
    const r = runCli(['doctor', 'cross-account', '--policy', policy], home);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('did you mean "s3Uri"?');
    expect(r.stdout).not.toContain('<');
  });
});

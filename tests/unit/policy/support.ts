/** Builders for policy tests: a LoadedPolicy from just the parts a test cares about. */
import { expect } from '@jest/globals';
import { PolicyError } from '../../../src/core/errors.js';
import { parsePolicy } from '../../../src/core/policy/parse.js';
import type { LoadedPolicy, PolicyDocument } from '../../../src/core/policy/types.js';

export const policy = (name: string, match: PolicyDocument['match'], file = `policies/${name}.yaml`): LoadedPolicy => ({
  doc: {
    apiVersion: 'modelgate/v1',
    kind: 'Policy',
    metadata: { name, version: 1, owner: 'team@example.com' },
    match,
    checks: [{ use: 'model-quality' }],
  },
  file,
  digest: `sha256:${'0'.repeat(64)}`,
});

/** The problems `parsePolicy` reports for `text` (it must refuse it, naming `file`). */
export const problemsOf = (text: string, file = 'p.yaml'): string[] => {
  try {
    parsePolicy(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).file).toBe(file);
    return (err as PolicyError).problems;
  }
  throw new Error('expected a PolicyError');
};

/** Builders for policy tests: a LoadedPolicy from just the parts a test cares about. */
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

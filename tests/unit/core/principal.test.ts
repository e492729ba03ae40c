import { describe, expect, it } from '@jest/globals';
import { principalOf, samePrincipal } from '../../../src/core/principal.js';

const SESSION = 'arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/pipeline';

describe('samePrincipal', () => {
  it.each([
    ['a session and its role', SESSION, 'arn:aws:iam::111111111111:role/SageMakerPipelineRole'],
    ['a session and its role under a path', SESSION, 'arn:aws:iam::111111111111:role/service-role/ml/SageMakerPipelineRole'],
    ['two sessions of one role', SESSION, 'arn:aws:sts::111111111111:assumed-role/SageMakerPipelineRole/someone-else'],
    ['role names in another case', SESSION, 'arn:aws:iam::111111111111:role/sagemakerpipelinerole'],
    ['a user with and without a path', 'arn:aws:iam::111111111111:user/Alice', 'arn:aws:iam::111111111111:user/staff/alice'],
    ['e-mails in another case, with spaces', ' OnCall-ML@Example.com', 'oncall-ml@example.com'],
    ['a session name with slashes in it', 'arn:aws:sts::111111111111:assumed-role/R/a/b', 'arn:aws:iam::111111111111:role/R'],
  ])('%s: same', (_name, a, b) => {
    expect(samePrincipal(a, b)).toBe(true);
    expect(samePrincipal(b, a)).toBe(true);
  });

  it.each([
    ['the same role name in another account', SESSION, 'arn:aws:iam::222222222222:role/SageMakerPipelineRole'],
    ['another partition', SESSION, 'arn:aws-cn:iam::111111111111:role/SageMakerPipelineRole'],
    ['a user and a role of one name', 'arn:aws:iam::111111111111:user/Pipeline', 'arn:aws:iam::111111111111:role/Pipeline'],
    ['a role and a plain name equal to its name', 'arn:aws:iam::111111111111:role/alice', 'alice'],
    ['another role', SESSION, 'arn:aws:iam::111111111111:role/ModelRiskApprover'],
    ['a malformed account', 'arn:aws:iam::11111111111:role/R', 'arn:aws:iam::111111111111:role/R'],
  ])('%s: different', (_name, a, b) => {
    expect(samePrincipal(a, b)).toBe(false);
    expect(samePrincipal(b, a)).toBe(false);
  });

  it('reduces a session to its role, without the session name', () => {
    expect(principalOf(SESSION)).toEqual({ kind: 'role', partition: 'aws', account: '111111111111', name: 'sagemakerpipelinerole' });
  });

  it('keeps a string that merely looks like an ARN as a plain name', () => {
    expect(principalOf('arn:aws:iam::111111111111:role/')).toEqual({ kind: 'name', partition: '', account: '', name: 'arn:aws:iam::111111111111:role/' });
    expect(principalOf('arn:aws:sts::111111111111:assumed-role/OnlyRole')).toMatchObject({ kind: 'name' });
  });
});

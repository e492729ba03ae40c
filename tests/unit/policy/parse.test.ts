import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parsePolicy, policyDigest } from '../../../src/core/policy/parse.js';
import { problemsOf } from './support.js';

const REFERENCE = 'policies/credit-risk.yaml';
const referenceBytes = readFileSync(REFERENCE);

const MINIMAL = `apiVersion: modelgate/v1
kind: Policy
metadata: { name: p, version: 1, owner: team@example.com }
match: {}
checks:
  - use: model-quality
`;

/** The problems a bad policy yields (fails the test when it parses). */

describe('parsePolicy: the reference policy', () => {
  it('parses policies/credit-risk.yaml into the document the design shows', () => {
    // Act
    const policy = parsePolicy(referenceBytes, REFERENCE);
    // Assess
    expect(policy.file).toBe(REFERENCE);
    expect(policy.doc.metadata).toEqual({ name: 'credit-risk', version: 3, owner: 'model-risk@example.com', description: expect.any(String) });
    expect(policy.doc.match).toEqual({ modelPackageGroups: ['credit-*'] });
    expect(policy.doc.checks.map((c) => c.use)).toEqual(['model-quality', 'bias', 'feature-importance']);
    expect(policy.doc.checks[1]!.with).toEqual({
      columns: { label: 'label', prediction: 'prediction', score: 'score', group: 'group' },
      positiveLabel: 1,
      facets: [
        { column: 'sex', sensitive: ['F'] },
        { column: 'age', sensitiveAtLeast: 60 },
      ],
      metrics: { DI: { min: 0.8, max: 1.25 }, DPPL: { maxAbs: 0.1 }, CI: { maxAbs: 0.6 } },
      minGroupSize: 30,
    });
    expect(policy.doc.promotion?.stages.map((s) => s.name)).toEqual(['staging', 'production']);
    expect(policy.doc.promotion?.stages[0]!.targets[0]).toMatchObject({
      kind: 'sagemaker-endpoint',
      account: '222222222222',
      endpointName: 'credit-risk-staging',
    });
    expect(policy.doc.decision).toEqual({
      approvers: ['jane.doe@example.com', 'arn:aws:iam::111111111111:role/ModelRiskApprover'],
      allowManualApproval: false,
    });
  });

  it('keeps a YAML date such as until: 2026-12-31 a string', () => {
    // Act
    const policy = parsePolicy(referenceBytes, REFERENCE);
    // Assess
    expect(policy.doc.waivers?.[0]?.until).toBe('2026-12-31');
    expect(typeof policy.doc.waivers?.[0]?.until).toBe('string');
  });

  it('refuses an explicit !!timestamp tag rather than turning the date into a Date', () => {
    // Prepare
    const text = `${MINIMAL}waivers:\n  - { check: model-quality, subjects: ["a/1"], until: !!timestamp 2026-12-31, approvedBy: x, reason: y }\n`;
    // Act / Assess
    expect(problemsOf(text)).toEqual(['p.yaml:8:55: Unresolved tag: tag:yaml.org,2002:timestamp']);
  });

  it('keeps yes/no and version-like strings as written (YAML 1.2 core schema)', () => {
    // Prepare
    const text = MINIMAL.replace('owner: team@example.com', 'owner: "yes", description: no');
    // Act
    const policy = parsePolicy(text, 'p.yaml');
    // Assess
    expect(policy.doc.metadata.owner).toBe('yes');
    expect(policy.doc.metadata.description).toBe('no');
  });
});

describe('parsePolicy: the digest', () => {
  it('is sha256:<hex> of the exact bytes, the same for the text and its bytes', () => {
    // Act
    const fromBytes = parsePolicy(referenceBytes, REFERENCE).digest;
    const fromText = parsePolicy(referenceBytes.toString('utf8'), REFERENCE).digest;
    // Assess
    expect(fromBytes).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fromText).toBe(fromBytes);
    expect(parsePolicy(referenceBytes, 'elsewhere.yaml').digest).toBe(fromBytes);
  });

  it('changes with any byte, even one that does not change the document', () => {
    // Prepare
    const withComment = `${MINIMAL}# reviewed\n`;
    const withSpace = MINIMAL.replace('match: {}', 'match:  {}');
    // Act
    const digests = [MINIMAL, withComment, withSpace].map((t) => parsePolicy(t, 'p.yaml').digest);
    // Assess
    expect(new Set(digests).size).toBe(3);
    expect(digests[0]).toBe(policyDigest(Buffer.from(MINIMAL, 'utf8')));
    expect(parsePolicy(withComment, 'p.yaml').doc).toEqual(parsePolicy(MINIMAL, 'p.yaml').doc);
  });
});

describe('parsePolicy: bad input names the file, the path and what was expected', () => {
  it.each([
    ['an unknown key at depth', MINIMAL.replace('owner: team@example.com', 'owner: team@example.com, ownr: x'), ['p.yaml at /metadata: unknown key "ownr"']],
    ['an unknown top-level key', `${MINIMAL}approvals: {}\n`, ['p.yaml at /: unknown key "approvals"']],
    [
      'an unknown key in a check entry',
      MINIMAL.replace('- use: model-quality', '- use: model-quality\n    severty: advisory'),
      ['p.yaml at /checks/0: unknown key "severty"'],
    ],
    [
      'a wrong enum',
      MINIMAL.replace('- use: model-quality', '- use: model-quality\n    severity: blocker'),
      ['p.yaml at /checks/0/severity: must be one of "blocking", "advisory"'],
    ],
    [
      'a missing required key',
      MINIMAL.replace('owner: team@example.com', 'owner: team@example.com').replace(', owner: team@example.com', ''),
      ['p.yaml at /metadata: missing required key "owner"'],
    ],
    ['a wrong apiVersion', MINIMAL.replace('modelgate/v1', 'modelgate/v2'), ['p.yaml at /apiVersion: must be "modelgate/v1"']],
    ['a wrong kind', MINIMAL.replace('kind: Policy', 'kind: policy'), ['p.yaml at /kind: must be "Policy"']],
    ['no checks', MINIMAL.replace('checks:\n  - use: model-quality\n', 'checks: []\n'), ['p.yaml at /checks: must NOT have fewer than 1 items']],
    ['a version of 0', MINIMAL.replace('version: 1', 'version: 0'), ['p.yaml at /metadata/version: must be >= 1']],
    [
      'a non-date until',
      `${MINIMAL}waivers:\n  - { check: model-quality, subjects: ["a/1"], until: 2026-02-30, approvedBy: x, reason: y }\n`,
      ['p.yaml at /waivers/0/until: must match format "date"'],
    ],
    [
      'a subject without version',
      `${MINIMAL}waivers:\n  - { check: model-quality, subjects: ["a"], until: 2026-02-03, approvedBy: x, reason: y }\n`,
      ['p.yaml at /waivers/0/subjects/0: must match pattern "^[A-Za-z0-9._*?-]+/[A-Za-z0-9._*?-]+$"'],
    ],
    [
      'an account as a number',
      `${MINIMAL}promotion:\n  stages:\n    - name: s\n      targets:\n        - { kind: sagemaker-endpoint, account: 222222222222, region: eu-west-1, roleArn: "arn:aws:iam::222222222222:role/r", externalId: xx }\n`,
      ['p.yaml at /promotion/stages/0/targets/0/account: must be string'],
    ],
    [
      'an unknown target kind',
      `${MINIMAL}promotion:\n  stages:\n    - name: s\n      targets:\n        - { kind: lambda, account: "222222222222", region: eu-west-1, roleArn: "arn:aws:iam::222222222222:role/r", externalId: xx }\n`,
      [
        'p.yaml at /promotion/stages/0/targets/0/kind: must be one of "sagemaker-endpoint", "sagemaker-registry", "eventbridge-forward", "bedrock-copy", "bedrock-import"',
      ],
    ],
  ])('%s', (_name, text, expected) => {
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems).toEqual(expected);
  });

  it('reports every schema problem of a file at once', () => {
    // Prepare
    const text = MINIMAL.replace('modelgate/v1', 'v1').replace('version: 1', 'version: two').replace('match: {}', 'match: { group: x }');
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'p.yaml at /apiVersion: must be "modelgate/v1"',
        'p.yaml at /metadata/version: must be integer',
        'p.yaml at /match: unknown key "group"',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('refuses a check listed twice without distinct ids', () => {
    // Prepare
    const text = `${MINIMAL}  - use: bias\n  - use: model-quality\n    severity: advisory\n`;
    // Act / Assess
    expect(problemsOf(text)).toEqual([
      'p.yaml at /checks/2: entry id "model-quality" is already used by /checks/0 (expected a unique id; give one of the entries an `id:`, e.g. id: model-quality-2)',
    ]);
  });

  it('refuses a waiver for a check the policy does not run, and a blank reason', () => {
    // Prepare
    const text = `${MINIMAL}waivers:\n  - { check: bias, subjects: ["a/1"], until: 2026-02-03, approvedBy: x, reason: "  " }\n`;
    // Act / Assess
    expect(problemsOf(text)).toEqual([
      'p.yaml at /waivers/0/check: waiver for check "bias", which names no check entry of this policy (expected an entry id: model-quality)',
      'p.yaml at /waivers/0/reason: must not be blank (expected why the waiver is granted)',
    ]);
  });

  it('refuses duplicate stage names and a role outside the target account', () => {
    // Prepare
    const target =
      '{ kind: sagemaker-endpoint, account: "222222222222", region: eu-west-1, roleArn: "arn:aws:iam::333333333333:role/r", externalId: xx, endpointName: e, instanceType: ml.m5.large, executionRoleArn: "arn:aws:iam::222222222222:role/x" }';
    const text = `${MINIMAL}promotion:\n  stages:\n    - { name: s, targets: [${target}] }\n    - { name: s, targets: [${target.replace('333333333333', '222222222222')}] }\n`;
    // Act / Assess
    expect(problemsOf(text)).toEqual([
      'p.yaml at /promotion/stages/0/targets/0/roleArn: role is in account 333333333333 but the target account is 222222222222 (expected a role in the hosting account)',
      'p.yaml at /promotion/stages/1/name: stage "s" is already defined at /promotion/stages/0; stage names must be unique',
    ]);
  });

  it.each([
    [
      'an unclosed flow map',
      'apiVersion: modelgate/v1\nkind: Policy\nmetadata: { name: p, version: 1\nmatch: {}\n',
      'p.yaml:4:1: Flow map in block collection must be sufficiently indented and end with a }',
    ],
    ['an unterminated quote', 'apiVersion: modelgate/v1\nkind: "Policy\nmatch: {}\n', 'p.yaml:4:1: Missing closing "quote'],
    ['a tab as indentation', 'metadata:\n\tname: p\n', 'p.yaml:2:1: Tabs are not allowed as indentation'],
  ])('reports bad YAML (%s) with file:line:column', (_name, text, expected) => {
    // Act
    const problems = problemsOf(text);
    // Assess
    expect(problems[0]).toBe(expected);
  });

  it('reports a duplicate YAML key with its position', () => {
    // Act / Assess
    expect(problemsOf(`${MINIMAL}match: {}\n`)).toEqual(['p.yaml:7:1: duplicate key "match" (each key may appear once in a mapping; Map keys must be unique)']);
  });

  it('says an empty file is empty', () => {
    expect(problemsOf('# nothing yet\n')).toEqual(['p.yaml: the file is empty (expected a policy document with apiVersion: modelgate/v1)']);
  });

  it('refuses bytes that are not UTF-8', () => {
    // Act
    const act = () => parsePolicy(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe]), 'p.yaml');
    // Assess
    expect(act).toThrow('p.yaml: not valid UTF-8 text (expected a YAML file)');
  });

  it('puts the file in the error message', () => {
    // Act
    const act = () => parsePolicy(MINIMAL.replace('kind: Policy', 'kind: Poliy'), 'policies/x.yaml');
    // Assess
    expect(act).toThrow('policies/x.yaml: policies/x.yaml at /kind: must be "Policy"');
  });
});

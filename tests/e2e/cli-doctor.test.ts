/**
 * `modelgate doctor cross-account` as a user runs it (the built CLI in dist/; run
 * `npx tsc -p tsconfig.json` first): the documents for a policy with all five target kinds, bad
 * usage, and `--probe` against a local STS on 127.0.0.1 that speaks the query protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CLI, ROOT, runCli, tempHome, type CliResult } from '../support/cli.js';

const FIXTURE = 'tests/fixtures/policies/all-targets.yaml';
const MODELGATE = 'arn:aws:iam::444444444444:role/modelgate-service';

describe('modelgate doctor cross-account', () => {
  let home: string;
  beforeAll(() => {
    home = tempHome('modelgate-doctor-');
  });

  it('prints a heading per target and per document, with the JSON filled in, and exits 0 without probing', () => {
    // Act
    const r = runCli(['doctor', 'cross-account', '--policy', FIXTURE, '--modelgate-role', MODELGATE], home);
    // Assess
    expect(r.code).toBe(0);
    for (const heading of [
      '== staging[0] sagemaker-endpoint → account 222222222222, eu-west-1 (role arn:aws:iam::222222222222:role/modelgate-promoter, ExternalId modelgate-staging)',
      '== staging[1] eventbridge-forward → account 222222222222',
      '== production[0] sagemaker-registry → account 333333333333',
      '== production[1] bedrock-copy → account 333333333333, us-east-1',
      '== production[2] bedrock-import → account 333333333333, us-east-1',
      "== modelgate's own role",
      '-- trust-policy: Trust: modelgate may assume arn:aws:iam::222222222222:role/modelgate-promoter with ExternalId modelgate-staging',
      '-- bucket-policy: Weights: bucket research-weights-111111111111',
      '-- bus-policy: Bus ml-deployments in 222222222222',
    ]) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toContain(`"AWS": "${MODELGATE}"`);
    expect(r.stdout).toContain('"sts:ExternalId": "modelgate-staging"');
    expect(r.stdout).toMatch(
      /Unknown \(fill in before applying\):\n( {2}.*\n)* {2}<artifact-bucket>: the S3 bucket in the registry account that holds the model artifacts \(pass --artifacts s3:/,
    );
    expect(r.stdout).toContain('Not tested against AWS: add --probe');
  });

  it('prints one JSON document with every target and its documents', () => {
    // Act
    const flags = [
      '--registry-account',
      '111111111111',
      '--artifacts',
      's3://ml-artifacts-111111111111/credit-risk/',
      '--artifacts-key',
      'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ];
    const r = runCli(
      ['doctor', 'cross-account', '--policy', FIXTURE, '--modelgate-role', MODELGATE, '--org-id', 'o-abcdef1234', ...flags, '--format', 'json'],
      home,
    );
    // Assess
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.policy).toMatchObject({ name: 'all-targets', version: 1 });
    expect(doc.policy.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(doc.context).toEqual({
      modelgateRoleArn: MODELGATE,
      orgId: 'o-abcdef1234',
      registryAccount: '111111111111',
      artifactsUri: 's3://ml-artifacts-111111111111/credit-risk/',
      artifactsKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(doc.targets.map((t: { kind: string }) => t.kind)).toEqual([
      'sagemaker-endpoint',
      'eventbridge-forward',
      'sagemaker-registry',
      'bedrock-copy',
      'bedrock-import',
    ]);
    const trusts = doc.documents.filter(
      (d: { kind: string; where: string }) => d.kind === 'trust-policy' && d.where.startsWith('trust policy (AssumeRolePolicyDocument)'),
    );
    expect(trusts).toHaveLength(6); // five target roles and the bedrock-copy's sharer in R
    for (const t of trusts) expect(t.document.Statement[0].Condition.StringEquals['aws:PrincipalOrgID']).toBe('o-abcdef1234');
    expect(doc.allowList.accounts).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(doc.unknown.map((u: string) => u.split(':')[0]).sort()).toEqual([
      '<ecr-repository-arn>',
      '<event-forwarding-role-arn>',
      '<sagemaker-execution-role-arn>',
      '<source-model-kms-key-arn>',
      '<weights-kms-key-arn>',
    ]);
    expect(doc.probe).toBeNull();
  });

  it('exits 64 and says so for a policy without a promotion block', () => {
    // Prepare
    const file = join(home, 'no-promotion.yaml');
    writeFileSync(
      file,
      'apiVersion: modelgate/v1\nkind: Policy\nmetadata: { name: plain, version: 1, owner: t@example.com }\nmatch: { modelPackageGroups: ["x-*"] }\nchecks:\n  - use: model-quality\n',
    );
    // Act
    const r = runCli(['doctor', 'cross-account', '--policy', file], home);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}: the policy has no promotion block`);
  });

  it('exits 64 for a missing file, a missing --policy and an unknown subcommand', () => {
    // Act
    const missing = runCli(['doctor', 'cross-account', '--policy', 'policies/nope.yaml'], home);
    const noPolicy = runCli(['doctor', 'cross-account'], home);
    const unknown = runCli(['doctor', 'bucket'], home);
    const badRole = runCli(['doctor', 'cross-account', '--policy', FIXTURE, '--modelgate-role', 'modelgate'], home);
    // Assess
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/policies\/nope\.yaml: no such file or directory/);
    expect(noPolicy.code).toBe(64);
    expect(noPolicy.stderr).toContain('--policy is required');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown subcommand "doctor bucket"');
    expect(badRole.code).toBe(64);
    expect(badRole.stderr).toContain('--modelgate-role "modelgate" is not an IAM role ARN');
  });
});

/** A local STS: GetCallerIdentity answers as modelgate's role; AssumeRole refuses one role and any call without an ExternalId. */
const stsXml = (action: string, params: URLSearchParams): { status: number; body: string } => {
  const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  const caller = 'arn:aws:sts::444444444444:assumed-role/modelgate-service/doctor';
  const error = (message: string) => ({
    status: 403,
    body: `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>r-err</RequestId></ErrorResponse>`,
  });
  if (action === 'GetCallerIdentity') {
    return {
      status: 200,
      body: `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult><Arn>${caller}</Arn><UserId>AROAEXAMPLE:doctor</UserId><Account>444444444444</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    };
  }
  if (action === 'AssumeRole') {
    const role = params.get('RoleArn') ?? '';
    const denied = `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;
    if (!params.get('ExternalId') || role.endsWith('role/modelgate-events')) return error(denied);
    const name = role.split('/').pop();
    return {
      status: 200,
      body: `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::${role.split(':')[4]}:assumed-role/${name}/${params.get('RoleSessionName')}</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2026-11-22T10:15:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  }
  return {
    status: 400,
    body: `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action}</Message></Error></ErrorResponse>`,
  };
};

/** Runs the CLI without blocking this process (the local STS answers from the same event loop). */
const runCliAsync = (args: string[], env: Record<string, string>): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

describe('modelgate doctor cross-account --probe (local STS)', () => {
  let server: Server;
  let endpoint: string;
  const actions: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const params = new URLSearchParams(body);
        const action = params.get('Action') ?? '';
        actions.push(`${action} ${params.get('RoleArn') ?? ''} ${params.get('ExternalId') ?? '-'}`.trim());
        const { status, body: xml } = stsXml(action, params);
        res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('exits 1 and names the role whose trust policy refused the caller with its ExternalId', async () => {
    // Act
    const r = await runCliAsync(['doctor', 'cross-account', '--policy', FIXTURE, '--probe', '--modelgate-role', MODELGATE], {
      MODELGATE_HOME: tempHome('modelgate-doctor-probe-'),
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });
    // Assess
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Probe (as arn:aws:sts::444444444444:assumed-role/modelgate-service/doctor, account 444444444444):');
    expect(r.stdout).toContain(
      'FAIL  assume-role  staging[1] eventbridge-forward\n        the trust policy of arn:aws:iam::222222222222:role/modelgate-events does not allow arn:aws:sts::444444444444:assumed-role/modelgate-service/doctor with ExternalId modelgate-staging-events',
    );
    expect(r.stdout).toContain('PASS  external-id-required  staging[0] sagemaker-endpoint');
    expect(r.stdout).toMatch(/Result: 9 passed, 1 failed, 3 skipped/);
    expect(actions).toContain('AssumeRole arn:aws:iam::222222222222:role/modelgate-promoter modelgate-staging');
    expect(actions).toContain('AssumeRole arn:aws:iam::222222222222:role/modelgate-promoter -');
  });
});

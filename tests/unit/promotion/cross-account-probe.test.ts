/**
 * probeCrossAccountAccess (the doctor's live checks) through a scripted CrossAccountProbe, the
 * bucket-policy comparison it relies on, and the doctor command in-process with that probe.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  probeCrossAccountAccess,
  type AssumedSession,
  type CallerIdentity,
  type CrossAccountProbe,
  type ProbeResult,
} from '../../../src/app/doctor/cross-account-probe.js';
import { missingGrants } from '../../../src/app/doctor/statement-coverage.js';
import { createDoctorCommand } from '../../../src/cli/commands/doctor.js';
import type { CliIO } from '../../../src/cli/io.js';
import { parsePolicy } from '../../../src/core/policy/parse.js';
import { requiredAccess, type IamPolicy } from '../../../src/core/promotion/cross-account.js';

const FIXTURE = 'tests/fixtures/policies/all-targets.yaml';
const policy = parsePolicy(readFileSync(FIXTURE), FIXTURE);
const MODELGATE = 'arn:aws:iam::444444444444:role/modelgate-service';
const AS_MODELGATE: CallerIdentity = { account: '444444444444', arn: 'arn:aws:sts::444444444444:assumed-role/modelgate-service/doctor' };
const IN_REGISTRY: CallerIdentity = { account: '111111111111', arn: 'arn:aws:sts::111111111111:assumed-role/Admin/jane' };
const denied = <T>(message = 'not authorized to perform: sts:AssumeRole'): ProbeResult<T> => ({ ok: false, code: 'AccessDenied', message });

/** A probe whose answers the test scripts; it records every call. */
class ScriptedProbe implements CrossAccountProbe {
  calls: string[] = [];
  constructor(
    private readonly script: {
      caller: ProbeResult<CallerIdentity>;
      /** An answer, or undefined for the default: admit with an ExternalId, refuse without. */
      assume?: (role: string, externalId: string | undefined) => ProbeResult<AssumedSession> | undefined;
      bucketPolicies?: Record<string, ProbeResult<string | null>>;
    },
  ) {}
  async whoAmI() {
    this.calls.push('whoAmI');
    return this.script.caller;
  }
  async tryAssume(roleArn: string, externalId: string | undefined, sessionName: string) {
    this.calls.push(`assume ${roleArn} ${externalId ?? '-'} ${sessionName}`);
    const outcome = this.script.assume?.(roleArn, externalId);
    return outcome ?? (externalId === undefined ? denied<AssumedSession>() : { ok: true as const, value: { roleArn, sessionArn: `${roleArn}/s` } });
  }
  async getBucketPolicy(bucket: string) {
    this.calls.push(`bucket ${bucket}`);
    return this.script.bucketPolicies?.[bucket] ?? { ok: false as const, code: 'AccessDenied', message: 'Access Denied' };
  }
}

const docs = requiredAccess(policy, {
  modelgateRoleArn: MODELGATE,
  registryAccount: '111111111111',
  artifactsUri: 's3://ml-artifacts-111111111111/credit-risk/',
});

describe('probeCrossAccountAccess', () => {
  it('passes when every role admits the caller with its ExternalId and refuses it without one', async () => {
    // Prepare
    const probe = new ScriptedProbe({ caller: { ok: true, value: AS_MODELGATE } });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe, { modelgateRoleArn: MODELGATE });
    // Assess
    expect(report.passed).toBe(true);
    // Five roles (the bedrock-copy's sharer in R among them), one of them with two ExternalIds.
    const assumes = report.checks.filter((c) => c.check === 'assume-role');
    expect(assumes.map((c) => c.target)).toEqual([
      'staging[0] sagemaker-endpoint',
      'staging[1] eventbridge-forward',
      'production[0] sagemaker-registry',
      'production[1] bedrock-copy',
      'production[2] bedrock-import',
      'production[1] bedrock-copy',
    ]);
    expect(assumes.every((c) => c.status === 'passed')).toBe(true);
    expect(assumes[5]!.message).toContain('assumed arn:aws:iam::111111111111:role/modelgate-model-sharer with ExternalId modelgate-share');
    expect(report.checks.filter((c) => c.check === 'external-id-required').map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    // The caller is outside the registry account: bucket policies are not readable, so not tested.
    const buckets = report.checks.filter((c) => c.check === 'bucket-policy');
    expect(buckets.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(buckets[0]!.message).toContain('can be read only from its owner account 111111111111');
    expect(probe.calls).toContain('assume arn:aws:iam::222222222222:role/modelgate-promoter modelgate-staging modelgate-doctor');
    expect(probe.calls.filter((c) => c.startsWith('bucket'))).toEqual([]);
    expect(report.notes.some((n) => n.startsWith('testing as'))).toBe(false);
  });

  it('says which trust policy refused which caller with which ExternalId', async () => {
    // Prepare
    const bedrock = 'arn:aws:iam::333333333333:role/modelgate-bedrock';
    const probe = new ScriptedProbe({
      caller: { ok: true, value: AS_MODELGATE },
      assume: (role, id) => (role === bedrock && id === 'modelgate-production-import' ? denied(`User: ${AS_MODELGATE.arn} is not authorized`) : undefined),
    });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe);
    // Assess
    expect(report.passed).toBe(false);
    const failed = report.checks.filter((c) => c.status === 'failed');
    expect(failed).toEqual([
      {
        target: 'production[2] bedrock-import',
        check: 'assume-role',
        status: 'failed',
        message: `the trust policy of ${bedrock} does not allow ${AS_MODELGATE.arn} with ExternalId modelgate-production-import, or ${AS_MODELGATE.arn}'s own policy lacks sts:AssumeRole on ${bedrock} (STS: User: ${AS_MODELGATE.arn} is not authorized)`,
      },
    ]);
  });

  it('fails a role whose trust policy lets the caller in without the ExternalId', async () => {
    // Prepare
    const events = 'arn:aws:iam::222222222222:role/modelgate-events';
    const probe = new ScriptedProbe({
      caller: { ok: true, value: AS_MODELGATE },
      assume: (role, id) => (role === events && id === undefined ? { ok: true, value: { roleArn: role, sessionArn: 's' } } : undefined),
    });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe);
    // Assess
    expect(report.passed).toBe(false);
    expect(report.checks.find((c) => c.status === 'failed')).toMatchObject({
      target: 'staging[1] eventbridge-forward',
      check: 'external-id-required',
      message: expect.stringContaining(`the trust policy of ${events} does not require an ExternalId`),
    });
  });

  it('compares the bucket policies when the caller is in the registry account, naming the missing statements', async () => {
    // Prepare: the artifact bucket grants the staging execution role but not modelgate; the weights bucket has no policy
    const artifacts = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:role/sagemaker-execution' },
          Action: ['s3:Get*', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::ml-artifacts-111111111111', 'arn:aws:s3:::ml-artifacts-111111111111/*'],
        },
      ],
    };
    const probe = new ScriptedProbe({
      caller: { ok: true, value: IN_REGISTRY },
      bucketPolicies: {
        'ml-artifacts-111111111111': { ok: true, value: JSON.stringify(artifacts) },
        'research-weights-111111111111': { ok: true, value: null },
      },
    });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe, { modelgateRoleArn: MODELGATE });
    // Assess
    const buckets = report.checks.filter((c) => c.check === 'bucket-policy');
    expect(buckets.map((c) => [c.target, c.status])).toEqual([
      ['staging[0] sagemaker-endpoint', 'failed'],
      ['production[0] sagemaker-registry', 'failed'],
      ['production[2] bedrock-import', 'failed'],
    ]);
    const missingModelgate = `statement ModelgateReadsEvidence: does not allow ${MODELGATE} s3:GetObject on arn:aws:s3:::ml-artifacts-111111111111/credit-risk/*`;
    expect(buckets[0]!.message).toBe(`the policy of s3://ml-artifacts-111111111111: ${missingModelgate}`);
    // The registry target's execution role is a placeholder: its statements are not compared, and the report says so.
    expect(buckets[1]!.message).toBe(
      `the policy of s3://ml-artifacts-111111111111: ${missingModelgate} (not compared, their principal is unknown: ExecutionRoleIn333333333333ListArtifacts, ExecutionRoleIn333333333333ReadArtifacts)`,
    );
    expect(buckets[2]!.message).toBe(
      's3://research-weights-111111111111 has no bucket policy; it needs statements ImportRoleIn333333333333ListWeights, ImportRoleIn333333333333ReadWeights',
    );
    // One read per bucket, however many targets use it.
    expect(probe.calls.filter((c) => c.startsWith('bucket'))).toEqual(['bucket ml-artifacts-111111111111', 'bucket research-weights-111111111111']);
    expect(report.notes[0]).toContain(`testing as ${IN_REGISTRY.arn}, not as modelgate's role ${MODELGATE}`);
  });

  it('passes a bucket policy that grants every known statement, through the account root and wildcards', async () => {
    // Prepare
    const artifacts = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::222222222222:root', MODELGATE] },
          Action: 's3:*Object',
          Resource: 'arn:aws:s3:::ml-artifacts-111111111111/*',
        },
        { Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 's3:List*', Resource: 'arn:aws:s3:::ml-artifacts-111111111111' },
      ],
    };
    const probe = new ScriptedProbe({
      caller: { ok: true, value: IN_REGISTRY },
      bucketPolicies: { 'ml-artifacts-111111111111': { ok: true, value: JSON.stringify(artifacts) } },
    });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe);
    // Assess
    const endpoint = report.checks.find((c) => c.check === 'bucket-policy' && c.target === 'staging[0] sagemaker-endpoint');
    expect(endpoint).toMatchObject({
      status: 'passed',
      message: expect.stringContaining('grants ExecutionRoleIn222222222222ListArtifacts, ExecutionRoleIn222222222222ReadArtifacts, ModelgateReadsEvidence'),
    });
    // The weights bucket's policy could not be read (AccessDenied): not tested, not failed.
    expect(report.checks.find((c) => c.target === 'production[2] bedrock-import' && c.check === 'bucket-policy')).toMatchObject({
      status: 'skipped',
      message: expect.stringContaining('(the caller needs s3:GetBucketPolicy)'),
    });
  });

  it('stops at the caller when there are no usable credentials', async () => {
    // Prepare
    const probe = new ScriptedProbe({ caller: { ok: false, code: 'CredentialsProviderError', message: 'Could not load credentials from any providers' } });
    // Act
    const report = await probeCrossAccountAccess(policy, docs, probe);
    // Assess
    expect(report).toEqual({
      caller: null,
      checks: [
        {
          target: 'caller',
          check: 'credentials',
          status: 'failed',
          message: 'no usable AWS credentials (STS GetCallerIdentity: CredentialsProviderError: Could not load credentials from any providers)',
        },
      ],
      notes: [],
      passed: false,
    });
    expect(probe.calls).toEqual(['whoAmI']);
  });
});

describe('missingGrants', () => {
  const required: IamPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadModel',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:role/exec' },
        Action: ['s3:GetObject'],
        Resource: 'arn:aws:s3:::b/models/*',
      },
    ],
  };
  const actual = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

  it('accepts an account principal, a wildcard action and a wider resource', () => {
    // Act
    const missing = missingGrants(
      required,
      actual({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' }),
    );
    // Assess
    expect(missing).toEqual([]);
  });

  it('refuses another principal, a narrower resource and a NotAction statement', () => {
    // Assess
    expect(
      missingGrants(
        required,
        actual({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
      ),
    ).toHaveLength(1);
    expect(
      missingGrants(
        required,
        actual({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/exec' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/other/*' }),
      ),
    ).toHaveLength(1);
    expect(missingGrants(required, actual({ Effect: 'Allow', Principal: '*', NotAction: 's3:DeleteObject', Resource: '*' }))).toHaveLength(1);
  });

  it('reports a Deny that blocks the grant, and a policy that is not JSON', () => {
    // Prepare
    const both = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/models/*' },
      ],
    });
    // Assess
    expect(missingGrants(required, both)).toEqual([
      'statement ReadModel: a Deny statement blocks arn:aws:iam::222222222222:role/exec s3:GetObject on arn:aws:s3:::b/models/*',
    ]);
    expect(missingGrants(required, '{not json')).toEqual(['the policy is not valid JSON']);
  });
});

describe('modelgate doctor cross-account --probe (in-process, scripted probe)', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    const cli: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), isTTY: false, env: {}, cwd: process.cwd() };
    return { out, cli };
  };

  it('exits 1 and prints the failed check with what is missing', async () => {
    // Prepare
    const probe = new ScriptedProbe({
      caller: { ok: true, value: AS_MODELGATE },
      assume: (role, id) => (id === 'modelgate-staging' ? denied('nope') : undefined),
    });
    const command = createDoctorCommand(() => probe);
    const { out, cli } = io();
    // Act
    const code = await command(['cross-account', '--policy', FIXTURE, '--probe', '--modelgate-role', MODELGATE], cli);
    // Assess
    expect(code).toBe(1);
    expect(out.stdout).toContain(
      `FAIL  assume-role  staging[0] sagemaker-endpoint\n        the trust policy of arn:aws:iam::222222222222:role/modelgate-promoter does not allow ${AS_MODELGATE.arn} with ExternalId modelgate-staging`,
    );
    expect(out.stdout).toMatch(/Result: 9 passed, 1 failed, 3 skipped/);
  });

  it('exits 0 and puts the probe report in the one JSON document when everything tested passed', async () => {
    // Prepare
    const command = createDoctorCommand(() => new ScriptedProbe({ caller: { ok: true, value: AS_MODELGATE } }));
    const { out, cli } = io();
    // Act
    const code = await command(['cross-account', '--policy', FIXTURE, '--probe', '--format', 'json'], cli);
    // Assess
    expect(code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.probe.passed).toBe(true);
    expect(doc.probe.caller).toEqual(AS_MODELGATE);
    expect(doc.probe.checks.filter((c: { status: string }) => c.status === 'passed')).toHaveLength(11);
  });

  it('does not call AWS without --probe, and says that credentials were seen', async () => {
    // Prepare
    let made = 0;
    const command = createDoctorCommand(() => {
      made += 1;
      return new ScriptedProbe({ caller: { ok: true, value: AS_MODELGATE } });
    });
    const { out, cli } = io();
    cli.env = { AWS_PROFILE: 'prod-admin' };
    // Act
    const code = await command(['cross-account', '--policy', FIXTURE], cli);
    // Assess
    expect(code).toBe(0);
    expect(made).toBe(0);
    expect(out.stderr).toContain('AWS credentials are configured (AWS_PROFILE); add --probe');
    expect(out.stdout).toContain('Not tested against AWS: add --probe');
  });
});

/**
 * The deployment as CloudFormation: `npm run package` (osls package + serverless-esbuild) runs
 * offline with no AWS credentials, twice — default parameters, and a prefix / extra-buckets / KMS
 * variant — and the generated template is checked: rule patterns, the ledger table against
 * ledgerTableDefinition(), least-privilege IAM, dead-letter wiring and retry limits, alarms,
 * runtime, log retention; and every function's zip.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ledgerTableDefinition } from '../../src/adapters/aws/ledger-table.js';
import { CLAIM_LEASE_MS } from '../../src/app/evaluate-subject.js';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const PREFIX_VARIANT = {
  modelPackageGroupPrefix: 'credit-',
  evidenceBuckets: 'team-evidence,arn:aws:s3:::shared-reports',
  evidenceKmsKeyArns: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  signingKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab',
};

/** `npm run package` into `dir`, with no credentials, no AWS config and a throw-away HOME. */
const packageInto = async (dir: string, params: Record<string, string> = {}): Promise<void> => {
  const home = mkdtempSync(join(tmpdir(), 'mg-sls-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  const args = ['run', 'package', '--silent', '--', '--package', dir, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)];
  try {
    await run('npm', args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
};

const templateIn = (dir: string): Template => JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
const ofType = (t: Template, type: string): Array<[string, Resource]> => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every IAM statement of every role and inline policy resource in the template. */
const iamStatements = (t: Template): Array<Statement & { owner: string }> => [
  ...ofType(t, 'AWS::IAM::Role').flatMap(([id, r]) =>
    ((r.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []).flatMap((p) =>
      p.PolicyDocument.Statement.map((s) => ({ ...s, owner: id })),
    ),
  ),
  ...[...ofType(t, 'AWS::IAM::RolePolicy'), ...ofType(t, 'AWS::IAM::Policy')].flatMap(([id, r]) =>
    (r.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement.map((s) => ({ ...s, owner: id })),
  ),
];

/** The entries of a zip file (central directory), without an unzip dependency. */
const zipEntries = (file: string): Array<{ name: string; size: number }> => {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; size: number }> = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.subarray(at + 46, at + 46 + nameLength).toString('utf8'), size: buf.readUInt32LE(at + 24) });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
};

const NO_RESOURCE_LEVEL_PERMISSION = new Set(['sagemaker:ListModelPackages', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

describe('serverless.yml, packaged', () => {
  let defaultDir: string;
  let variantDir: string;
  let base: Template;
  let variant: Template;

  beforeAll(async () => {
    defaultDir = mkdtempSync(join(tmpdir(), 'mg-sls-default-'));
    variantDir = mkdtempSync(join(tmpdir(), 'mg-sls-variant-'));
    // One after the other: serverless-esbuild works in the repository's .esbuild/ directory.
    await packageInto(defaultDir);
    await packageInto(variantDir, PREFIX_VARIANT);
    base = templateIn(defaultDir);
    variant = templateIn(variantDir);
  }, 240_000);

  afterAll(() => {
    for (const dir of [defaultDir, variantDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const evaluateFunction = (t: Template): Json => t.Resources['EvaluateLambdaFunction']!.Properties;
  const evaluateRule = (t: Template): Json => {
    const rules = ofType(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties['Name'] === 'modelgate-dev-evaluate');
    expect(rules).toHaveLength(1);
    return rules[0]![1].Properties;
  };

  describe('the evaluate rule', () => {
    it("matches completed SageMaker versions pending manual approval only (never modelgate's own Approved/Rejected writes)", () => {
      expect(evaluateRule(base)['EventPattern']).toEqual({
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelApprovalStatus: ['PendingManualApproval'], ModelPackageStatus: ['Completed'] },
      });
    });

    it('adds a prefix filter on the group when modelPackageGroupPrefix is set', () => {
      expect((evaluateRule(variant)['EventPattern'] as Json)['detail']).toEqual({
        ModelApprovalStatus: ['PendingManualApproval'],
        ModelPackageStatus: ['Completed'],
        ModelPackageGroupName: [{ prefix: 'credit-' }],
      });
    });

    it('targets the evaluate function with a retry policy and the dead-letter queue', () => {
      const [target] = evaluateRule(base)['Targets'] as Json[];
      expect(target).toMatchObject({
        Arn: { 'Fn::GetAtt': ['EvaluateLambdaFunction', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EvaluateDlq', 'Arn'] } },
      });
    });
  });

  describe('the ledger table', () => {
    const table = (): Resource => base.Resources['LedgerTable']!;
    const expected = ledgerTableDefinition('modelgate-dev-ledger');
    const byName = <T extends { IndexName?: string; AttributeName?: string }>(list: T[]): T[] =>
      [...list].sort((a, b) => String(a.IndexName ?? a.AttributeName).localeCompare(String(b.IndexName ?? b.AttributeName)));

    it('mirrors ledgerTableDefinition(): name, billing, keys, attributes and the four GSIs', () => {
      const p = table().Properties;
      expect(p['TableName']).toBe(expected.TableName);
      expect(p['BillingMode']).toBe(expected.BillingMode);
      expect(p['KeySchema']).toEqual(expected.KeySchema);
      expect(byName(p['AttributeDefinitions'] as Array<{ AttributeName: string }>)).toEqual(
        byName(expected.AttributeDefinitions as Array<{ AttributeName: string }>),
      );
      expect(byName(p['GlobalSecondaryIndexes'] as Array<{ IndexName: string }>)).toEqual(
        byName(expected.GlobalSecondaryIndexes as Array<{ IndexName: string }>),
      );
      expect(expected.GlobalSecondaryIndexes).toHaveLength(4);
    });

    it('has point-in-time recovery and encryption at rest, and is retained and deletion-protected', () => {
      const p = table().Properties;
      expect(p['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p['SSESpecification']).toEqual({ SSEEnabled: true });
      expect(p['DeletionProtectionEnabled']).toBe(true);
      expect(table().DeletionPolicy).toBe('Retain');
    });
  });

  describe('IAM, least privilege', () => {
    it('gives the evaluate function its own role (no shared execution role)', () => {
      expect(evaluateFunction(base)['Role']).toEqual({ 'Fn::GetAtt': ['EvaluateRole', 'Arn'] });
      expect(base.Resources['IamRoleLambdaExecution']).toBeUndefined();
    });

    it('has no wildcard action anywhere, and "*" resources only for APIs without resource-level permissions', () => {
      for (const t of [base, variant]) {
        const statements = iamStatements(t);
        expect(statements.length).toBeGreaterThan(5);
        for (const s of statements) {
          for (const action of asList(s.Action)) expect(action === '*' || /:\*$/.test(action)).toBe(false);
          if (asList(s.Resource as unknown).includes('*')) {
            expect({ sid: s.Sid, actions: asList(s.Action).filter((a) => !NO_RESOURCE_LEVEL_PERMISSION.has(a)) }).toEqual({ sid: s.Sid, actions: [] });
          }
        }
      }
    });

    it('scopes each action to its resource: model packages of the group prefix, the table and its indexes, the bus, the topic, the evidence buckets, the DLQ', () => {
      const statements = iamStatements(base);
      const sid = (name: string) => statements.find((s) => s.Sid === name);
      expect(sid('ReadAndDecideModelPackages')).toMatchObject({
        Action: ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/*/*' },
      });
      expect(sid('ReadGroupTags')?.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/*' });
      expect(sid('Ledger')?.Resource).toEqual([{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, { 'Fn::Sub': '${LedgerTable.Arn}/index/*' }]);
      expect(asList(sid('Ledger')!.Action).every((a) => a.startsWith('dynamodb:') && !/Delete|Scan|Table/.test(a))).toBe(true);
      expect(sid('PublishDecisions')).toMatchObject({
        Action: ['events:PutEvents'],
        Resource: { 'Fn::GetAtt': ['ModelgateEventBus', 'Arn'] },
        Condition: { StringEquals: { 'events:source': 'modelgate' } },
      });
      expect(sid('NotifyPeople')).toMatchObject({ Action: ['sns:Publish'], Resource: { Ref: 'NotificationTopic' } });
      expect(sid('ReadEvidence')).toMatchObject({
        Action: ['s3:GetObject'],
        Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::sagemaker-${AWS::Region}-${AWS::AccountId}/*' }],
      });
      expect(sid('DeadLetter')).toMatchObject({ Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['EvaluateDlq', 'Arn'] } });
      expect(sid('WriteOwnLogs')?.Resource).toEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/modelgate-dev-evaluate:*',
      });
      expect(statements.some((s) => s.Sid === 'DecryptEvidenceThroughS3' || s.Sid === 'SignDecisions')).toBe(false);
    });

    it('grants the evaluate role every DynamoDB operation the ledger adapter sends, and no delete (the ledger is append-only)', () => {
      // Prepare: the operations the adapter's source sends (table management runs only locally)
      const sources = readdirSync(join(ROOT, 'src/adapters/aws'))
        .filter((f) => /^(dynamodb-ledger|ledger-(?!table)[a-z-]+)\.ts$/.test(f))
        .map((f) => readFileSync(join(ROOT, 'src/adapters/aws', f), 'utf8'))
        .join('\n');
      const ACTION: Record<string, string> = {
        Get: 'GetItem',
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        Query: 'Query',
        BatchGet: 'BatchGetItem',
        BatchWrite: 'BatchWriteItem',
        Scan: 'Scan',
        TransactWrite: 'TransactWriteItems',
      };
      const sent = [...new Set([...sources.matchAll(/new (\w+?)Command\(/g)].map((m) => `dynamodb:${ACTION[m[1]!] ?? m[1]}`))].sort();
      // Act
      const granted = asList(iamStatements(base).find((s) => s.Sid === 'Ledger')!.Action);
      // Assess
      expect(sent.filter((a) => !granted.includes(a))).toEqual([]);
      expect(sent.some((a) => /Delete/.test(a))).toBe(false);
    });

    it('narrows to the group prefix and the given buckets; only when given: the evidence KMS keys (through S3) and kms:Sign on the signing key', () => {
      const statements = iamStatements(variant);
      const sid = (name: string) => statements.find((s) => s.Sid === name);
      expect(sid('ReadAndDecideModelPackages')?.Resource).toEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/credit-*/*',
      });
      expect(sid('ReadGroupTags')?.Resource).toEqual({
        'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/credit-*',
      });
      expect(sid('ReadEvidence')?.Resource).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::team-evidence/*' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::shared-reports/*' },
      ]);
      expect(sid('DecryptEvidenceThroughS3')).toMatchObject({
        Action: ['kms:Decrypt'],
        Resource: [PREFIX_VARIANT.evidenceKmsKeyArns],
        Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      });
      expect(sid('SignDecisions')).toMatchObject({ owner: 'EvaluateSigningPolicy', Action: ['kms:Sign'], Resource: PREFIX_VARIANT.signingKeyArn });
      expect((evaluateFunction(variant)['Environment'] as { Variables: Json }).Variables['MODELGATE_SIGNING_KEY_ARN']).toBe(PREFIX_VARIANT.signingKeyArn);
    });
  });

  describe('failure handling', () => {
    it('dead-letters failed async invocations after 2 retries within an hour', () => {
      expect(evaluateFunction(base)['DeadLetterConfig']).toEqual({ TargetArn: { 'Fn::GetAtt': ['EvaluateDlq', 'Arn'] } });
      // One EventInvokeConfig per async function (evaluate, promote); their order in the template is not fixed.
      const configs = ofType(base, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
      const evaluate = configs.find((p) => (p['FunctionName'] as { Ref?: string }).Ref === 'EvaluateLambdaFunction');
      expect(evaluate).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    });

    it('keeps dead letters 14 days, encrypted, and lets only the evaluate rule write to the queue besides the function', () => {
      expect(base.Resources['EvaluateDlq']!.Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
      const policy = base.Resources['EvaluateDlqPolicy']!.Properties['PolicyDocument'] as { Statement: Statement[] };
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: {
            ArnEquals: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/modelgate-dev-evaluate' } },
          },
        }),
      ]);
    });

    it('alarms to the topic on DLQ depth, function errors, dead-letter errors and refused events', () => {
      const alarms = Object.fromEntries(ofType(base, 'AWS::CloudWatch::Alarm').map(([id, r]) => [id, r.Properties]));
      expect(alarms['EvaluateDlqDepthAlarm']).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['EvaluateDlq', 'QueueName'] } }],
        Threshold: 1,
      });
      expect(alarms['EvaluateErrorsAlarm']).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: 'modelgate-dev-evaluate' }],
      });
      expect(alarms['EvaluateDeadLetterErrorsAlarm']).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'DeadLetterErrors' });
      expect(alarms['EvaluateTerminalErrorsAlarm']).toMatchObject({
        Namespace: 'modelgate',
        MetricName: 'TerminalErrors',
        Dimensions: [{ Name: 'service', Value: 'modelgate-evaluate' }],
      });
      for (const alarm of Object.values(alarms)) expect(alarm['AlarmActions']).toEqual([{ Ref: 'NotificationTopic' }]);
    });
  });

  describe('the function', () => {
    it('runs nodejs22.x on arm64 with a timeout below the ledger claim lease, traced, logs retained', () => {
      const fn = evaluateFunction(base);
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'handlers/evaluate.handler', TracingConfig: { Mode: 'Active' } });
      expect((fn['Timeout'] as number) * 1000).toBeLessThan(CLAIM_LEASE_MS);
      expect(base.Resources['EvaluateLogGroup']!.Properties).toEqual({ LogGroupName: '/aws/lambda/modelgate-dev-evaluate', RetentionInDays: 90 });
    });

    it('is configured with the table, the bus, the topic and the policies packaged beside it', () => {
      expect((evaluateFunction(base)['Environment'] as { Variables: Json }).Variables).toMatchObject({
        MODELGATE_LEDGER_TABLE: { Ref: 'LedgerTable' },
        MODELGATE_EVENT_BUS: { Ref: 'ModelgateEventBus' },
        MODELGATE_TOPIC_ARN: { Ref: 'NotificationTopic' },
        MODELGATE_POLICIES: '/var/task/policies',
      });
    });

    it('notifies through a KMS-encrypted topic whose key lets CloudWatch alarms publish', () => {
      expect(base.Resources['NotificationTopic']!.Properties['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': ['NotificationKey', 'Arn'] });
      const key = base.Resources['NotificationKey']!.Properties;
      expect(key['EnableKeyRotation']).toBe(true);
      const statements = (key['KeyPolicy'] as { Statement: Array<Statement & { Principal: Json }> }).Statement;
      expect(statements.find((s) => s.Action === 'kms:*')?.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } });
      expect(statements.find((s) => (s.Principal as { Service?: string }).Service === 'cloudwatch.amazonaws.com')?.Action).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      ]);
    });

    it('ships each function as an ESM bundle with the policies, at most 1 MB zipped', () => {
      const functions = ofType(base, 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(1);
      for (const [, fn] of functions) {
        const zip = join(defaultDir, basename(String((fn.Properties['Code'] as { S3Key: string }).S3Key)));
        expect(statSync(zip).size).toBeLessThanOrEqual(1024 * 1024);
        const names = zipEntries(zip).map((e) => e.name);
        const handlerFile = `${String(fn.Properties['Handler']).replace(/\.[^.]+$/, '')}.mjs`;
        const policies = readdirSync(join(ROOT, 'policies'))
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => `policies/${f}`);
        expect(policies.length).toBeGreaterThan(0);
        expect(names).toEqual(expect.arrayContaining([handlerFile, ...policies]));
        expect(names.filter((n) => !n.startsWith('policies/') && n !== handlerFile)).toEqual([]);
      }
    });
  });
});

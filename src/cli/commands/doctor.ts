/**
 * `modelgate doctor cross-account --policy <file>`: prints, target by target, the trust, permission,
 * bucket, key, repository and bus policies that promotion needs (CROSS-ACCOUNT.md), filled in from
 * the policy; with `--probe`, tests with the caller's AWS credentials what can be tested.
 * Exit 0 when everything tested passed (or nothing was tested), 1 when a probe failed, 64 bad usage.
 */
import { resolve } from 'node:path';
import { probeCrossAccountAccess, type CrossAccountProbe, type ProbeReport } from '../../app/doctor/cross-account-probe.js';
import { InvalidInputError } from '../../core/errors.js';
import type { LoadedPolicy } from '../../core/policy/types.js';
import {
  MODELGATE_TARGET,
  promotionAllowList,
  promotionTargets,
  requiredAccess,
  type AccessDocument,
  type CrossAccountContext,
} from '../../core/promotion/cross-account.js';
import { createAwsCrossAccountProbe } from '../../adapters/aws/cross-account-probe.js';
import { loadPolicyFile } from '../../adapters/local/policy-files.js';
import { oneOf, parseCommandArgs, required } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';

export const DOCTOR_USAGE =
  'modelgate doctor cross-account --policy <file> [--format text|json] [--probe] [--modelgate-role <arn>] [--registry-account <id>] [--org-id <o-…>] ' +
  '[--artifacts s3://<bucket>/<prefix>/] [--artifacts-key <kms-arn>] [--image-repository <ecr-arn>] [--source-model-key <kms-arn>] [--weights-key <kms-arn>]';

const options = {
  policy: { type: 'string' },
  format: { type: 'string' },
  probe: { type: 'boolean' },
  'modelgate-role': { type: 'string' },
  'registry-account': { type: 'string' },
  'org-id': { type: 'string' },
  artifacts: { type: 'string' },
  'artifacts-key': { type: 'string' },
  'image-repository': { type: 'string' },
  'source-model-key': { type: 'string' },
  'weights-key': { type: 'string' },
} as const;

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const KMS_EXPECTED = 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)';

/** The doctor's flag → context field, with what a valid value looks like. */
const CONTEXT_FLAGS: Array<[flag: string, field: keyof CrossAccountContext, pattern: RegExp, expected: string]> = [
  ['modelgate-role', 'modelgateRoleArn', /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)'],
  ['registry-account', 'registryAccount', /^\d{12}$/, 'a 12-digit account id'],
  ['org-id', 'orgId', /^o-[a-z0-9]{10,32}$/, 'an AWS Organizations id (o-…)'],
  ['artifacts', 'artifactsUri', /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an S3 URI (s3://<bucket>/<prefix>/)'],
  ['artifacts-key', 'artifactsKmsKeyArn', KMS_KEY_ARN, KMS_EXPECTED],
  [
    'image-repository',
    'imageRepositoryArn',
    /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/.+$/,
    'an ECR repository ARN (arn:aws:ecr:<region>:<account>:repository/<name>)',
  ],
  ['source-model-key', 'sourceModelKmsKeyArn', KMS_KEY_ARN, KMS_EXPECTED],
  ['weights-key', 'weightsKmsKeyArn', KMS_KEY_ARN, KMS_EXPECTED],
];

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

const contextOf = (values: Record<string, unknown>): CrossAccountContext => {
  const ctx: CrossAccountContext = {};
  for (const [flag, field, pattern, expected] of CONTEXT_FLAGS) {
    const value = values[flag];
    if (typeof value !== 'string') continue;
    if (!pattern.test(value)) throw new UsageError(`--${flag} "${value}" is not ${expected}`, DOCTOR_USAGE);
    ctx[field] = value;
  }
  return ctx;
};

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');

const renderDocument = (d: AccessDocument): string => {
  const body = typeof d.document === 'string' ? d.document : JSON.stringify(d.document, null, 2);
  const lines = [`-- ${d.kind}: ${d.title}`, `   account ${d.account}; put it in: ${d.where}`];
  for (const u of d.unknown) lines.push(`   unknown ${u}`);
  lines.push(indent(body, '   '));
  return `${lines.join('\n')}\n`;
};

const renderProbe = (report: ProbeReport): string => {
  const label = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;
  const lines = [`\nProbe${report.caller ? ` (as ${report.caller.arn}, account ${report.caller.account})` : ''}:`];
  for (const c of report.checks) lines.push(`  ${label[c.status]}  ${c.check}  ${c.target}\n        ${c.message}`);
  for (const n of report.notes) lines.push(`  note: ${n}`);
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  lines.push(
    `Result: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped${report.passed ? '' : ' — fix what FAIL says and run again'}`,
  );
  return `${lines.join('\n')}\n`;
};

const renderText = (policy: LoadedPolicy, ctx: CrossAccountContext, docs: AccessDocument[], report: ProbeReport | null): string => {
  const allow = promotionAllowList(policy);
  const out = [
    `Cross-account access for policy ${policy.doc.metadata.name} v${policy.doc.metadata.version} (${policy.file})`,
    `modelgate role: ${ctx.modelgateRoleArn ?? '<modelgate-role-arn> (pass --modelgate-role <arn>)'}`,
    `allow-list: accounts ${allow.accounts.join(', ')}; roles ${allow.roles.join(', ')}`,
    '',
  ];
  const targets = [
    ...promotionTargets(policy).map((r) => ({
      id: r.id,
      heading: `${r.id} → account ${r.target.account}, ${r.target.region} (role ${r.target.roleArn}, ExternalId ${r.target.externalId})`,
    })),
    { id: MODELGATE_TARGET, heading: "modelgate's own role" },
  ];
  for (const t of targets) {
    out.push(`== ${t.heading}`);
    for (const d of docs.filter((x) => x.target === t.id)) out.push(renderDocument(d));
  }
  const unknown = [...new Set(docs.flatMap((d) => d.unknown))];
  out.push(
    unknown.length === 0 ? 'Unknown: nothing — every document is filled in.' : `Unknown (fill in before applying):\n${unknown.map((u) => `  ${u}`).join('\n')}`,
  );
  let text = `${out.join('\n')}\n`;
  text += report ? renderProbe(report) : '\nNot tested against AWS: add --probe to assume each role with its ExternalId and read the bucket policies.\n';
  return text;
};

/** The command, with the probe factory injectable so that tests run it without AWS. */
export const createDoctorCommand =
  (makeProbe: (env: Record<string, string | undefined>) => CrossAccountProbe) =>
  async (argv: string[], io: CliIO): Promise<number> => {
    const [sub, ...rest] = argv;
    if (sub === '--help' || sub === '-h') return (io.stdout(`${DOCTOR_USAGE}\n`), EXIT.ok);
    if (sub !== 'cross-account') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "doctor ${sub}"`, DOCTOR_USAGE);
    const { values } = parseCommandArgs(rest, options, DOCTOR_USAGE);
    if (values.help) return (io.stdout(`${DOCTOR_USAGE}\n`), EXIT.ok);
    const file = required(values.policy, '--policy', DOCTOR_USAGE);
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', DOCTOR_USAGE) ?? 'text';
    const ctx = contextOf(values);

    // Shown as the user gave it, so that output is the same on every machine.
    const policy: LoadedPolicy = { ...(await loadPolicyFile(resolve(io.cwd, file))), file };
    if (promotionTargets(policy).length === 0) {
      throw new InvalidInputError(
        'the policy has no promotion block, so no account needs anything',
        file,
        'a `promotion:` block with stages and targets (docs/cross-account.md)',
      );
    }
    const documents = requiredAccess(policy, ctx);

    let report: ProbeReport | null = null;
    if (values.probe) {
      report = await probeCrossAccountAccess(policy, documents, makeProbe(io.env), ctx.modelgateRoleArn ? { modelgateRoleArn: ctx.modelgateRoleArn } : {});
    } else {
      // Calling AWS is opt-in: the doctor is also run offline by whoever writes the policy.
      const found = CREDENTIAL_VARIABLES.filter((v) => io.env[v]);
      if (found.length > 0) io.stderr(`modelgate: AWS credentials are configured (${found.join(', ')}); add --probe to test the roles with them\n`);
    }

    if (format === 'json') {
      const { name, version } = policy.doc.metadata;
      const unknown = [...new Set(documents.flatMap((d) => d.unknown))];
      const targets = promotionTargets(policy).map((r) => ({
        id: r.id,
        stage: r.stage,
        kind: r.target.kind,
        account: r.target.account,
        region: r.target.region,
        roleArn: r.target.roleArn,
        externalId: r.target.externalId,
      }));
      io.stdout(
        `${JSON.stringify({ policy: { file: policy.file, name, version, digest: policy.digest }, context: ctx, allowList: promotionAllowList(policy), targets, documents, unknown, probe: report }, null, 2)}\n`,
      );
    } else {
      io.stdout(renderText(policy, ctx, documents, report));
    }
    return report && !report.passed ? EXIT.failed : EXIT.ok;
  };

/** `modelgate doctor cross-account` with the AWS probe (STS and S3, the caller's credentials). */
export const doctorCommand = createDoctorCommand(createAwsCrossAccountProbe);

/**
 * The campaign's scratch space: a working tree (the CLI's cwd and the local stack's base
 * directory) with a policy, reports and model packages; a directory outside it holding planted
 * secrets and an approving report that must never be read from there; a FIFO, a directory named
 * like a file, and symlinks that point out of the tree. Everything lives under one temporary
 * directory that `close()` removes.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The environment variable whose value is planted as a secret. */
export const SECRET_ENV = 'MODELGATE_CAMPAIGN_SECRET';

export const GROUP = 'gate-hostile';
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export const arnOf = (group: string, version: number): string => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/${version}`;

/** The campaign's policy: model-quality on the statistics report, for groups `gate-*`. */
export const POLICY_YAML = `apiVersion: modelgate/v1
kind: Policy
metadata:
  name: gate-hostile
  version: 1
  owner: ml-platform@example.com
  description: The hostile campaign's policy.
match:
  modelPackageGroups: ["gate-*"]
checks:
  - use: model-quality
    severity: blocking
    with:
      problemType: binary_classification
      metrics:
        auc: { min: 0.80 }
        accuracy: { min: 0.75 }
waivers: []
decision:
  approvers: [oncall-ml@example.com]
  allowManualApproval: false
`;

/** A statistics report; `auc`/`accuracy` are written verbatim (so that they may be hostile tokens). */
export const qualityReport = (auc: string | number = 0.93, accuracy: string | number = 0.88): string =>
  `{"version":0.0,"dataset":{"item_count":5000},"binary_classification_metrics":{"auc":{"value":${auc},"standard_deviation":0.01},"accuracy":{"value":${accuracy},"standard_deviation":0.01}}}`;

export const GOOD_REPORT = qualityReport();
/** A report that fails the policy (auc 0.5): any approval of it is wrong. */
export const FAILING_REPORT = qualityReport(0.5, 0.6);

/** A DescribeModelPackage response for `group/version` whose statistics live at `uri`. */
export const modelPackage = (version: number, uri: string, extra: Record<string, unknown> = {}, group = GROUP): Record<string, unknown> => ({
  ModelPackageGroupName: group,
  ModelPackageVersion: version,
  ModelPackageArn: arnOf(group, version),
  ModelPackageDescription: 'hostile campaign',
  CreationTime: '2026-11-20T11:00:00Z',
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: 'PendingManualApproval',
  CreatedBy: { UserProfileName: 'ml-engineer', IamIdentity: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SageMakerPipelineRole/pipeline` } },
  ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: uri } } },
  ...extra,
});

export interface Workspace {
  root: string;
  /** The working tree: the CLI's cwd, the local stack's base directory. */
  work: string;
  /** Outside the working tree: the planted file secret and an approving report. */
  outside: string;
  /** MODELGATE_HOME of the in-process and subprocess CLI. */
  home: string;
  /** A state directory for the HTTP stack. */
  httpState: string;
  policyFile: string;
  policyDir: string;
  secrets: { env: string; file: string; inside: string };
  /** What must never appear in any output (the first characters of each secret: error messages quote prefixes). */
  markers: string[];
  fifo: string;
  /** Writes `content` at `rel` under the working tree; returns the absolute path. */
  write(rel: string, content: string | Uint8Array): string;
  /** A fresh model package version number. */
  nextVersion(): number;
  close(): void;
}

const secret = (tag: string): string => `${tag}${randomBytes(12).toString('hex')}`;

export const createWorkspace = (): Workspace => {
  const root = mkdtempSync(join(tmpdir(), 'mg-hostile-'));
  const work = join(root, 'work');
  const outside = join(root, 'outside');
  const home = join(root, 'home');
  const httpState = join(root, 'http-state');
  for (const d of [work, outside, home, httpState, join(work, 'reports'), join(work, 'packages'), join(work, 'policies')]) mkdirSync(d, { recursive: true });
  // Secrets start with a distinctive 10-character marker: JSON.parse and YAML errors quote about that much.
  const secrets = { env: secret('Qe7'), file: secret('Qf7'), inside: secret('Qi7') };
  const markers = [secrets.env, secrets.file, secrets.inside].map((s) => s.slice(0, 10));
  process.env[SECRET_ENV] = secrets.env;

  const write = (rel: string, content: string | Uint8Array): string => {
    const path = join(work, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  writeFileSync(join(outside, 'secret.txt'), `${secrets.file}\nDB_PASSWORD=${secrets.file}\n`);
  writeFileSync(join(outside, 'good.json'), GOOD_REPORT);
  writeFileSync(join(outside, 'policy.yaml'), POLICY_YAML.replace('min: 0.80', 'min: 0.0').replace('min: 0.75', 'min: 0.0'));
  const policyFile = write('policies/gate.yaml', POLICY_YAML);
  write('reports/good.json', GOOD_REPORT);
  write('reports/failing.json', FAILING_REPORT);
  write('secret-inside.txt', `${secrets.inside} is not JSON\n`);
  mkdirSync(join(work, 'reports', 'adir.json'));
  symlinkSync(join(outside, 'secret.txt'), join(work, 'reports', 'link-secret.json'));
  symlinkSync(join(outside, 'good.json'), join(work, 'reports', 'link-good.json'));
  symlinkSync(join(work, 'reports', 'loop-b.json'), join(work, 'reports', 'loop-a.json'));
  symlinkSync(join(work, 'reports', 'loop-a.json'), join(work, 'reports', 'loop-b.json'));
  symlinkSync(outside, join(work, 'outside-dir'));
  const fifo = join(work, 'reports', 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  let version = 100;
  return {
    root,
    work,
    outside,
    home,
    httpState,
    policyFile,
    policyDir: join(work, 'policies'),
    secrets,
    markers,
    fifo,
    write,
    nextVersion: () => (version += 1),
    close: () => {
      delete process.env[SECRET_ENV];
      rmSync(root, { recursive: true, force: true });
    },
  };
};

/**
 * The inputs of `bench/evaluate`, written to a temporary directory so that every evaluation reads
 * them the way production does: a policy directory (read by `FilePolicySource`), `file://` reports
 * with a `ContentDigest` (read and verified through `FileArtifactStore`), and a registry seed with
 * the approved champion (found through `LocalRegistry.findChampion`).
 *
 * Candidates cycle through four report variants so that every decision path is exercised:
 * approve, reject on a registered constraint, reject against the champion, and needs_review (a
 * metric the policy names is missing from the report).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelPackage, MetricsSource } from '../src/core/model-package.js';
import type { Decision } from '../src/core/run.js';

export const BENCH_GROUP = 'bench-churn';
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

/** The report-based policy under test: model-quality on statistics, constraints and the champion. */
export const BENCH_POLICY_YAML = `# Written by bench/evaluate: model-quality on the statistics report, the registered constraints and the champion.
apiVersion: modelgate/v1
kind: Policy
metadata:
  name: bench-quality
  version: 1
  owner: bench@example.com
  description: Report-based quality gate used by the evaluation benchmark.
match:
  modelPackageGroups: ["bench-*"]
checks:
  - use: model-quality
    severity: blocking
    with:
      problemType: binary_classification
      applyRegisteredConstraints: true
      metrics:
        auc:      { min: 0.80, vsChampion: { maxWorsening: 0.02 } }
        accuracy: { min: 0.75 }
        f1:       { min: 0.50 }
waivers: []
decision:
  approvers: [oncall-ml@example.com]
  allowManualApproval: false
`;

interface Quality {
  auc: number;
  accuracy: number;
  f1?: number;
  recall: number;
  precision: number;
  falsePositiveRate: number;
}

const metric = (value: number, i: number) => ({ value, standard_deviation: i % 2 === 0 ? 0.01 : 'NaN' });

/** A SageMaker Model Monitor binary-classification statistics report. */
const statisticsReport = (q: Quality): unknown => {
  const named: Record<string, number> = {
    recall: q.recall,
    precision: q.precision,
    accuracy: q.accuracy,
    recall_best_constant_classifier: 1,
    precision_best_constant_classifier: 0.3,
    accuracy_best_constant_classifier: 0.7,
    true_positive_rate: q.recall,
    true_negative_rate: 1 - q.falsePositiveRate,
    false_positive_rate: q.falsePositiveRate,
    false_negative_rate: 1 - q.recall,
    auc: q.auc,
    f0_5: q.precision * 0.95,
    ...(q.f1 !== undefined ? { f1: q.f1 } : {}),
    f2: q.recall * 0.98,
  };
  return {
    version: 0.0,
    dataset: { item_count: 5000, evaluation_time: '2026-11-20T10:00:00.000Z' },
    binary_classification_metrics: {
      confusion_matrix: { '0': { '0': 3000, '1': 500 }, '1': { '0': 400, '1': 1100 } },
      ...Object.fromEntries(Object.entries(named).map(([k, v], i) => [k, metric(v, i)])),
      receiver_operating_characteristic_curve: { false_positive_rates: [0, q.falsePositiveRate, 1], true_positive_rates: [0, q.recall, 1] },
      precision_recall_curve: { precisions: [1, q.precision, 0.3], recalls: [0, q.recall, 1] },
    },
  };
};

const CONSTRAINTS = {
  version: 0.0,
  binary_classification_constraints: {
    recall: { threshold: 0.65, comparison_operator: 'LessThanThreshold' },
    precision: { threshold: 0.7, comparison_operator: 'LessThanThreshold' },
    false_positive_rate: { threshold: 0.15, comparison_operator: 'GreaterThanThreshold' },
  },
};

const CHAMPION: Quality = { auc: 0.86, accuracy: 0.82, f1: 0.7, recall: 0.7, precision: 0.78, falsePositiveRate: 0.11 };

/** The candidate variants, in the order candidates cycle through them, with the decision each must get. */
export const VARIANTS: ReadonlyArray<{ name: string; quality: Quality; expect: Decision }> = [
  { name: 'passes', quality: { auc: 0.87, accuracy: 0.83, f1: 0.72, recall: 0.71, precision: 0.8, falsePositiveRate: 0.1 }, expect: 'approve' },
  { name: 'breaks-constraint', quality: { auc: 0.86, accuracy: 0.81, f1: 0.66, recall: 0.6, precision: 0.79, falsePositiveRate: 0.1 }, expect: 'reject' },
  { name: 'worse-than-champion', quality: { auc: 0.83, accuracy: 0.8, f1: 0.68, recall: 0.69, precision: 0.77, falsePositiveRate: 0.12 }, expect: 'reject' },
  { name: 'missing-f1', quality: { auc: 0.87, accuracy: 0.83, recall: 0.71, precision: 0.8, falsePositiveRate: 0.1 }, expect: 'needs_review' },
];

/** A report written to disk: its `file://` URI and sha256 digest. */
const writeReport = async (dir: string, name: string, doc: unknown): Promise<MetricsSource> => {
  const bytes = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { ContentType: 'application/json', S3Uri: pathToFileURL(path).href, ContentDigest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
};

const packageOf = (version: number, approval: ModelPackage['ModelApprovalStatus'], statistics: MetricsSource, constraints?: MetricsSource): ModelPackage => ({
  ModelPackageGroupName: BENCH_GROUP,
  ModelPackageVersion: version,
  ModelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${BENCH_GROUP}/${version}`,
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: approval,
  CreationTime: new Date(Date.UTC(2026, 9, 1) + version * 60_000).toISOString(),
  CreatedBy: { IamIdentity: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SageMakerPipelineRole/pipeline` } },
  ModelMetrics: { ModelQuality: { Statistics: statistics, ...(constraints ? { Constraints: constraints } : {}) } },
});

export interface BenchWorkspace {
  dir: string;
  /** The policy directory (the bench policy and a copy of `policies/churn.yaml`, so matching chooses). */
  policiesDir: string;
  /** The registry seed (`<group>/1.json`: the approved champion). */
  seedDir: string;
  /** The candidate for evaluation `index` (version `index + 2`, so every index is a distinct subject). */
  candidate(index: number): { pkg: ModelPackage; expect: Decision };
}

/** Writes the workspace under a fresh temporary directory. */
export const createBenchWorkspace = async (projectRoot: string): Promise<BenchWorkspace> => {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-evaluate-'));
  const reports = join(dir, 'reports');
  const policiesDir = join(dir, 'policies');
  const seedDir = join(dir, 'seed');
  await Promise.all([mkdir(reports), mkdir(policiesDir), mkdir(join(seedDir, BENCH_GROUP), { recursive: true })]);

  await writeFile(join(policiesDir, 'bench-quality.yaml'), BENCH_POLICY_YAML);
  await copyFile(join(projectRoot, 'policies', 'churn.yaml'), join(policiesDir, 'churn.yaml'));

  const constraints = await writeReport(reports, 'constraints.json', CONSTRAINTS);
  const champion = packageOf(1, 'Approved', await writeReport(reports, 'champion-statistics.json', statisticsReport(CHAMPION)));
  await writeFile(join(seedDir, BENCH_GROUP, '1.json'), `${JSON.stringify(champion, null, 2)}\n`);
  const statistics = await Promise.all(VARIANTS.map((v) => writeReport(reports, `${v.name}-statistics.json`, statisticsReport(v.quality))));

  return {
    dir,
    policiesDir,
    seedDir,
    candidate: (index) => {
      const k = index % VARIANTS.length;
      return { pkg: packageOf(index + 2, 'PendingManualApproval', statistics[k]!, constraints), expect: VARIANTS[k]!.expect };
    },
  };
};

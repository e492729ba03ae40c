/**
 * One gate run in process, on the real path: policy YAML and report bytes are written to a
 * temporary directory, the policy is loaded and validated as `modelgate evaluate --policy` does
 * (FilePolicySource + validatePolicyChecks), the model package points at the reports with `file:`
 * URIs under `ModelMetrics`, and `evaluateSubject` runs on the embedded stack (dynalite in memory,
 * nothing persisted). For property tests and the hostile campaign: compose once, evaluate many times.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluateSubject } from '../../src/app/evaluate-subject.js';
import { composeLocal, type LocalStack } from '../../src/compose.js';
import { FilePolicySource } from '../../src/adapters/local/policy-files.js';
import { PolicyError } from '../../src/core/errors.js';
import type { ModelPackage } from '../../src/core/model-package.js';
import { validatePolicyChecks } from '../../src/core/policy/parse.js';
import type { Decision } from '../../src/core/run.js';

/** Where each standard evidence name sits under `ModelMetrics` (see src/core/evidence.ts). */
const MODEL_METRICS_PATH: Record<string, readonly [string, string]> = {
  'model-quality-statistics': ['ModelQuality', 'Statistics'],
  'model-quality-constraints': ['ModelQuality', 'Constraints'],
  'bias-report': ['Bias', 'Report'],
  'bias-pre-training-report': ['Bias', 'PreTrainingReport'],
  'bias-post-training-report': ['Bias', 'PostTrainingReport'],
  'explainability-report': ['Explainability', 'Report'],
};

/** What one gate run came to: a decision, or the error that stopped it before one. */
export type GateOutcome =
  { kind: 'decided'; decision: Decision; reasons: string[]; checks: Array<{ id: string; status: string }> } | { kind: 'error'; name: string; message: string };

export interface GateInput {
  /** The policy file's bytes. Its `match` must cover group `gate-prop`. */
  policy: string | Uint8Array;
  /** Evidence bytes by standard evidence name (`model-quality-statistics`, `bias-report`, ...). */
  evidence: Record<string, string | Uint8Array>;
}

export interface GateHarness {
  /** Evaluates a fresh version of group `gate-prop` with `input`; never throws for a failed run. */
  evaluate(input: GateInput): Promise<GateOutcome>;
  /** The temporary directory the inputs are written to (removed by close()). */
  readonly dir: string;
  close(): Promise<void>;
}

/** The group every harness run evaluates (policies must match it). */
export const GATE_GROUP = 'gate-prop';

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Composes the embedded stack once (in memory) and returns a harness over it. */
export const startGateHarness = async (): Promise<GateHarness> => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-gate-harness-'));
  let stack: LocalStack | undefined;
  try {
    stack = await composeLocal({ stateDir: null, seedFrom: null, policies: dir, baseDir: dir, logger: silentLogger, outboxSink: () => undefined });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { services } = stack;
  let n = 0;
  return {
    dir,
    evaluate: async (input) => {
      n += 1;
      const caseDir = join(dir, `case-${n}`);
      mkdirSync(caseDir);
      try {
        const policyFile = join(caseDir, 'policy.yaml');
        writeFileSync(policyFile, input.policy);
        const metrics: Record<string, Record<string, unknown>> = {};
        for (const [name, bytes] of Object.entries(input.evidence)) {
          const file = join(caseDir, `${name}.json`);
          writeFileSync(file, bytes);
          const [section, key] = MODEL_METRICS_PATH[name] ?? [];
          if (!section || !key) throw new Error(`gate harness: no ModelMetrics slot for evidence "${name}"`);
          (metrics[section] ??= {})[key] = { ContentType: 'application/json', S3Uri: pathToFileURL(file).href };
        }
        const modelPackage = {
          ModelPackageArn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${GATE_GROUP}/${n}`,
          ModelPackageGroupName: GATE_GROUP,
          ModelPackageVersion: n,
          ModelApprovalStatus: 'PendingManualApproval',
          ModelMetrics: metrics,
        } as ModelPackage;
        const policies = await new FilePolicySource(policyFile).load();
        const problems = policies.flatMap((p) => validatePolicyChecks(p, services.checks));
        if (problems.length > 0) throw new PolicyError(policyFile, problems);
        const outcome = await evaluateSubject(services, { modelPackage, policies, champion: null, apply: false, dedupe: false, trigger: { source: 'cli' } });
        if (outcome.status !== 'decided') return { kind: 'error', name: 'InProgress', message: 'not deduplicated, yet in progress' };
        const { run } = outcome;
        return { kind: 'decided', decision: run.decision, reasons: run.reasons, checks: run.checks.map((c) => ({ id: c.id, status: c.status })) };
      } catch (err) {
        const e = err as Error;
        return { kind: 'error', name: e?.name ?? typeof err, message: e?.message ?? String(err) };
      } finally {
        rmSync(caseDir, { recursive: true, force: true });
      }
    },
    close: async () => {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A minimal policy on group `gate-prop` with one check `use` configured by `withYaml` (indented JSON/YAML text). */
export const policyYaml = (checks: Array<{ use: string; with: unknown }>): string =>
  [
    'apiVersion: modelgate/v1',
    'kind: Policy',
    'metadata:',
    '  name: gate-prop',
    '  version: 1',
    '  owner: property-tests@example.com',
    '  description: Generated by the property tests.',
    'match:',
    `  modelPackageGroups: ["${GATE_GROUP}"]`,
    'checks:',
    ...checks.flatMap((c) => [`  - use: ${c.use}`, '    severity: blocking', `    with: ${JSON.stringify(c.with)}`]),
    'waivers: []',
    'decision:',
    '  approvers: [oncall-ml@example.com]',
    '  allowManualApproval: false',
    '',
  ].join('\n');

/**
 * `modelgate evaluate`: runs the gate once. Exit 0 approve, 1 reject, 2 needs_review, 64 bad input.
 */
import { resolve } from 'node:path';
import { evaluateSubject } from '../../app/evaluate-subject.js';
import { NotFoundError, PolicyError } from '../../core/errors.js';
import type { ModelPackage } from '../../core/model-package.js';
import { validatePolicyChecks } from '../../core/policy/parse.js';
import type { LoadedPolicy } from '../../core/policy/types.js';
import { FilePolicySource } from '../../adapters/local/policy-files.js';
import { parseCommandArgs, oneOf, required } from '../args.js';
import { exitForDecision } from '../exit-codes.js';
import { renderHtmlReport } from '../html-report.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../io.js';
import { loadModelPackage, parseEvidenceArgs } from '../model-package-input.js';
import { checkOutputPath, writeOutputFile } from '../output-file.js';
import { renderRun } from '../render.js';
import { openServices, type CommandServices } from '../services.js';

export const EVALUATE_USAGE =
  'modelgate evaluate --model-package <file.json or ARN> [--policy <file> | --policies <dir>] [--champion <file.json | ARN | none>] [--evidence name=uri]... [--format text|json] [--report <file.html>] [--apply]';

const options = {
  'model-package': { type: 'string' },
  policy: { type: 'string' },
  policies: { type: 'string' },
  champion: { type: 'string' },
  evidence: { type: 'string', multiple: true },
  format: { type: 'string' },
  report: { type: 'string' },
  apply: { type: 'boolean' },
} as const;

/** Loads the policies the run may use and refuses (exit 64) any that do not validate. */
export const loadCheckedPolicies = async (stack: CommandServices, path: string | undefined, cwd: string): Promise<LoadedPolicy[]> => {
  const policies = path ? await new FilePolicySource(resolve(cwd, path)).load() : await stack.services.policies.load();
  // A path the user named that holds no policy is a mistake, not a run that "no policy governs".
  if (path && policies.length === 0) throw new UsageError(`${path}: no policy files (*.yaml, *.yml) in this directory`, EVALUATE_USAGE);
  const problems = policies.flatMap((p) => validatePolicyChecks(p, stack.services.checks));
  if (problems.length > 0) throw new PolicyError(policies.length === 1 ? policies[0]!.file : 'policies', problems);
  return policies;
};

/** A model package from a file or, for an ARN, the registry; "not found" says where it looked and which setting chose that. */
const lookUp = async (stack: CommandServices, ref: string, cwd: string, option: string): Promise<ModelPackage> => {
  try {
    return await loadModelPackage(ref, cwd, stack.services.registry);
  } catch (err) {
    if (err instanceof NotFoundError && ref.startsWith('arn:')) {
      throw new NotFoundError('model package', `${ref} (${option}): looked in ${stack.registryLocation(ref)}`);
    }
    throw err;
  }
};

export const evaluateCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const { values } = parseCommandArgs(argv, options, EVALUATE_USAGE);
  if (values.help) {
    io.stdout(`${EVALUATE_USAGE}\n`);
    return 0;
  }
  const ref = required(values['model-package'], '--model-package', EVALUATE_USAGE);
  const format = oneOf(values.format, ['text', 'json'] as const, '--format', EVALUATE_USAGE) ?? 'text';
  if (values.policy && values.policies) throw new UsageError('give --policy or --policies, not both', EVALUATE_USAGE);
  const evidence = parseEvidenceArgs(values.evidence ?? [], EVALUATE_USAGE);
  // Before anything is evaluated or recorded: a report path that cannot be written is a usage error.
  const reportPath = values.report !== undefined ? await checkOutputPath('--report', values.report, io.cwd, EVALUATE_USAGE) : undefined;

  const stack = await openServices(io, { publishes: values.apply === true, ...(ref.startsWith('arn:') ? { modelPackageArn: ref } : {}) });
  try {
    const { services } = stack;
    const policies = await loadCheckedPolicies(stack, values.policy ?? values.policies, io.cwd);
    const modelPackage = await lookUp(stack, ref, io.cwd, '--model-package');
    let champion: ModelPackage | null | undefined;
    if (values.champion === 'none') champion = null;
    else if (values.champion !== undefined) champion = await lookUp(stack, values.champion, io.cwd, '--champion');
    if (io.isTTY && format === 'text') io.stderr(`evaluating ${modelPackage.ModelPackageGroupName}/${modelPackage.ModelPackageVersion}…\n`);

    const outcome = await evaluateSubject(services, {
      modelPackage,
      evidence,
      ...(champion !== undefined ? { champion } : {}),
      policies,
      apply: values.apply === true,
      dedupe: false,
      trigger: { source: 'cli' },
    });
    if (outcome.status !== 'decided') throw new Error('a CLI evaluation is never deduplicated');
    const { run } = outcome;
    if (format === 'json') io.stdout(`${JSON.stringify(run, null, 2)}\n`);
    else io.stdout(renderRun(run));
    if (reportPath !== undefined) {
      await writeOutputFile('--report', reportPath, renderHtmlReport(run), `run ${run.runId} was recorded (${run.decision}); only the report is missing`);
      io.stderr(`report written to ${reportPath}\n`);
    }
    return exitForDecision[run.decision];
  } finally {
    await stack.close();
  }
};

/**
 * `modelgate policy validate` and `modelgate checks list`: no ledger, no registry — they only read files.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkRegistry } from '../../compose.js';
import { PolicyError } from '../../core/errors.js';
import { findMatchConflicts } from '../../core/policy/match.js';
import { validatePolicyChecks } from '../../core/policy/parse.js';
import { FilePolicySource } from '../../adapters/local/policy-files.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';

const VALIDATE_USAGE = 'modelgate policy validate <file or dir>';
const CHECKS_USAGE = 'modelgate checks list [--format text|json]';

export const policyCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const [sub, ...rest] = argv;
  if (sub !== 'validate') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "policy ${sub}"`, VALIDATE_USAGE);
  const { values, positionals } = parseCommandArgs(rest, {}, VALIDATE_USAGE, { min: 1, max: 1, names: '<file or dir>' });
  if (values.help) return (io.stdout(`${VALIDATE_USAGE}\n`), 0);
  const path = resolve(io.cwd, positionals[0]!);
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  // Loading throws PolicyError (schema, YAML) for the first broken file; collect per file instead.
  const source = new FilePolicySource(path);
  const policies = await source.load();
  if (policies.length === 0) throw new UsageError(`${positionals[0]}: no policy files (*.yaml, *.yml) in this directory`, VALIDATE_USAGE);
  const problems = [...policies.flatMap((p) => validatePolicyChecks(p, checkRegistry)), ...findMatchConflicts(policies)];
  if (problems.length > 0) throw new PolicyError(isDir ? positionals[0]! : (policies[0]?.file ?? positionals[0]!), problems);
  for (const p of policies)
    io.stdout(`ok  ${p.file}  ${p.doc.metadata.name} v${p.doc.metadata.version}  ${p.doc.checks.length} checks  ${p.digest.slice(0, 19)}…\n`);
  return EXIT.ok;
};

export const checksCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const [sub, ...rest] = argv;
  if (sub !== 'list') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "checks ${sub}"`, CHECKS_USAGE);
  const { values } = parseCommandArgs(rest, { format: { type: 'string' } }, CHECKS_USAGE);
  if (values.help) return (io.stdout(`${CHECKS_USAGE}\n`), 0);
  const format = oneOf(values.format, ['text', 'json'] as const, '--format', CHECKS_USAGE) ?? 'text';
  const checks = checkRegistry.list();
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(
        checks.map((c) => ({ id: c.id, version: c.version, title: c.title, description: c.description, evidence: c.evidence })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const c of checks) io.stdout(`${c.id.padEnd(22)} ${c.version.padEnd(8)} ${c.title}\n`);
  }
  return EXIT.ok;
};

/**
 * The `modelgate` command: dispatch and the one place where errors become messages and exit codes.
 */
import { SERVICE_VERSION } from '../compose.js';
import { EvidenceError, InvalidInputError, isTransientFailure, NotBuiltError, NotFoundError, PolicyError, RefusedError } from '../core/errors.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { checksCommand, policyCommand } from './commands/policy-and-checks.js';
import { promoteCommand } from './commands/promote.js';
import { overrideCommand, rerunCommand, runsCommand } from './commands/runs.js';
import { startCommand } from './commands/start.js';
import { EXIT } from './exit-codes.js';
import { UsageError, type CliIO } from './io.js';

export const HELP = `modelgate — an approval gate for machine-learning models

Usage:
  modelgate evaluate --model-package <file.json or ARN> [--policy <file> | --policies <dir>]
                     [--champion <file.json | ARN | none>] [--evidence name=uri]...
                     [--format text|json] [--report <file.html>] [--apply]
  modelgate runs list [--status approve|reject|needs_review] [--group G] [--since date]
  modelgate runs show <runId>
  modelgate rerun <runId> --reason "..." [--apply]
  modelgate override <runId> --decision approve|reject --reason "..." --as <identity>
  modelgate promote <runId> [--dry-run] [--as <identity>] [--format text|json]
  modelgate doctor cross-account --policy <file> [--format text|json] [--probe] [--modelgate-role <arn>]
  modelgate policy validate <file or dir>
  modelgate checks list
  modelgate start            the local stack (what \`npm start\` runs)

Exit codes: 0 approve/ok, 1 reject (promote: a stage failed), 2 needs_review, 64 bad usage or input, 75 temporary upstream failure (try again), 77 refused.
Environment: MODELGATE_HOME (state directory, default ./.modelgate), MODELGATE_LOG_LEVEL.
`;

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  evaluate: evaluateCommand,
  runs: runsCommand,
  rerun: rerunCommand,
  override: overrideCommand,
  policy: policyCommand,
  checks: checksCommand,
  start: startCommand,
  promote: promoteCommand,
  doctor: doctorCommand,
};

/** Runs the CLI; returns the exit code. Never throws. */
export const runCli = async (argv: string[], io: CliIO): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout(`${SERVICE_VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await command(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
};

/** The SDK found no credentials (possibly wrapped by an adapter as the cause). */
const lacksCredentials = (err: unknown): boolean => {
  for (let e = err as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.name === 'CredentialsProviderError') return true;
  }
  return false;
};

const reportError = (err: unknown, io: CliIO): number => {
  const say = (text: string) => io.stderr(`modelgate: ${text}\n`);
  if (err instanceof UsageError) {
    say(err.message);
    if (err.usage) io.stderr(`usage: ${err.usage}\n`);
    return EXIT.usage;
  }
  if (err instanceof InvalidInputError || err instanceof PolicyError || err instanceof EvidenceError) {
    say(err.message);
    return EXIT.usage;
  }
  if (err instanceof NotFoundError) {
    say(err.message);
    return EXIT.usage;
  }
  if (err instanceof RefusedError) {
    say(err.message);
    return EXIT.refused;
  }
  if (err instanceof NotBuiltError) {
    say(err.message);
    return EXIT.notBuilt;
  }
  if (lacksCredentials(err)) {
    say('no AWS credentials: MODELGATE_LEDGER_TABLE is set, so modelgate talks to AWS as the caller. Configure credentials (AWS_PROFILE, aws sso login, ...) or unset MODELGATE_LEDGER_TABLE to use the embedded stack');
    return EXIT.usage;
  }
  if (isTransientFailure(err)) {
    say(`${(err as Error).message} — a temporary failure upstream; nothing was recorded, try again`);
    return EXIT.tempFail;
  }
  const e = err as Error;
  say(`unexpected error: ${e?.message ?? String(err)}`);
  if (io.env['MODELGATE_DEBUG']) io.stderr(`${e?.stack ?? ''}\n`);
  return EXIT.internal;
};

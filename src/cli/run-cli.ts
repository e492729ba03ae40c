/**
 * The `modelgate` command: dispatch and the one place where errors become messages and exit codes.
 */
import { SERVICE_VERSION } from '../compose.js';
import { classifyFailure } from '../core/outcomes.js';
import { safeJsonText } from '../core/safe-text.js';
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

Exit codes: 0 approve/ok, 1 reject (promote: a stage failed), 2 needs_review, 64 bad usage or input, 69 not built yet, 70 internal error (a bug), 75 temporary upstream failure (try again), 77 refused.
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

/**
 * What the CLI writes, neutralised on the way out: a control character or bidi override that
 * reached the output through any path (an error message quoting an argument, a field a renderer
 * missed) is shown escaped instead of steering the terminal. JSON keeps its meaning (see
 * {@link safeJsonText}).
 */
const neutralised = (io: CliIO): CliIO => ({ ...io, stdout: (t) => io.stdout(safeJsonText(t)), stderr: (t) => io.stderr(safeJsonText(t)) });

/** Runs the CLI; returns the exit code. Never throws. */
export const runCli = async (argv: string[], rawIO: CliIO): Promise<number> => {
  const io = neutralised(rawIO);
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

/**
 * The one place where a failure becomes a message and an exit code, by the shared table
 * (src/core/outcomes.ts). Only `unexpected` says "unexpected error" and exits 70.
 */
const reportError = (err: unknown, io: CliIO): number => {
  const say = (text: string) => io.stderr(`modelgate: ${text}\n`);
  const outcome = classifyFailure(err);
  const message = err instanceof Error ? err.message : String(err);
  switch (outcome.kind) {
    case 'usage':
      say(message);
      if (err instanceof UsageError && err.usage) io.stderr(`usage: ${err.usage}\n`);
      break;
    case 'no_credentials':
      say(
        'no AWS credentials: MODELGATE_LEDGER_TABLE is set, so modelgate talks to AWS as the caller. Configure credentials (AWS_PROFILE, aws sso login, ...) or unset MODELGATE_LEDGER_TABLE to use the embedded stack',
      );
      break;
    case 'transient':
      say(`${message} — a temporary failure upstream; nothing was recorded, try again`);
      break;
    case 'unexpected':
      say(`unexpected error: ${message}`);
      if (io.env['MODELGATE_DEBUG']) io.stderr(`${(err as Error | undefined)?.stack ?? ''}\n`);
      break;
    default:
      say(message);
  }
  return outcome.exitCode;
};

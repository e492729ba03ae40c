/**
 * `modelgate runs list|show`, `modelgate rerun`, `modelgate override`: what on-call types.
 */
import { listRuns, overrideRun, rerun, showRun } from '../../app/review-runs.js';
import type { Decision } from '../../core/run.js';
import { oneOf, parseCommandArgs, required } from '../args.js';
import { EXIT, exitForDecision } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { renderRun, renderRunDetail, renderRunList } from '../render.js';
import { openServices } from '../services.js';

const LIST_USAGE = 'modelgate runs list [--status approve|reject|needs_review] [--group G] [--since date] [--limit N] [--format text|json]';
const SHOW_USAGE = 'modelgate runs show <runId> [--format text|json]';
const RERUN_USAGE = 'modelgate rerun <runId> --reason "..." [--as <identity>] [--apply] [--format text|json]';
const OVERRIDE_USAGE = 'modelgate override <runId> --decision approve|reject --reason "..." --as <identity> [--format text|json]';
const DECISIONS = ['approve', 'reject', 'needs_review'] as const;

const sinceOf = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--since "${value}" is not a date (expected e.g. 2026-11-01 or 2026-11-01T12:00:00Z)`, LIST_USAGE);
  return new Date(t).toISOString();
};

export const runsCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values } = parseCommandArgs(
      rest,
      { status: { type: 'string' }, group: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
      LIST_USAGE,
    );
    if (values.help) return (io.stdout(`${LIST_USAGE}\n`), 0);
    const decision = oneOf(values.status, DECISIONS, '--status', LIST_USAGE) as Decision | undefined;
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', LIST_USAGE) ?? 'text';
    const since = sinceOf(values.since);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError(`--limit must be a whole number from 1 to 1000 (got "${values.limit}")`, LIST_USAGE);
    const stack = await openServices(io, { publishes: false });
    try {
      const runs = await listRuns(stack.services, {
        ...(decision ? { decision } : {}),
        ...(values.group ? { group: values.group } : {}),
        ...(since ? { since } : {}),
        limit,
      });
      io.stdout(format === 'json' ? `${JSON.stringify(runs, null, 2)}\n` : renderRunList(runs));
      return EXIT.ok;
    } finally {
      await stack.close();
    }
  }
  if (sub === 'show') {
    const { values, positionals } = parseCommandArgs(rest, { format: { type: 'string' } }, SHOW_USAGE, { min: 1, max: 1, names: '<runId>' });
    if (values.help) return (io.stdout(`${SHOW_USAGE}\n`), 0);
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', SHOW_USAGE) ?? 'text';
    const stack = await openServices(io, { publishes: false });
    try {
      const { run, audit } = await showRun(stack.services, positionals[0]!);
      io.stdout(format === 'json' ? `${JSON.stringify({ ...run, audit }, null, 2)}\n` : renderRunDetail(run, audit));
      return EXIT.ok;
    } finally {
      await stack.close();
    }
  }
  throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "runs ${sub}"`, `${LIST_USAGE}\n       ${SHOW_USAGE}`);
};

export const rerunCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { reason: { type: 'string' }, as: { type: 'string' }, apply: { type: 'boolean' }, format: { type: 'string' } },
    RERUN_USAGE,
    { min: 1, max: 1, names: '<runId>' },
  );
  if (values.help) return (io.stdout(`${RERUN_USAGE}\n`), 0);
  const reason = required(values.reason, '--reason', RERUN_USAGE);
  const format = oneOf(values.format, ['text', 'json'] as const, '--format', RERUN_USAGE) ?? 'text';
  const stack = await openServices(io, { publishes: values.apply === true });
  try {
    const outcome = await rerun(stack.services, positionals[0]!, { reason, by: values.as ?? io.env['USER'] ?? 'unknown', apply: values.apply === true });
    if (outcome.status !== 'decided') throw new Error('a rerun is never deduplicated');
    io.stdout(format === 'json' ? `${JSON.stringify(outcome.run, null, 2)}\n` : renderRun(outcome.run));
    return exitForDecision[outcome.run.decision];
  } finally {
    await stack.close();
  }
};

export const overrideCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const { values, positionals } = parseCommandArgs(
    argv,
    { decision: { type: 'string' }, reason: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' } },
    OVERRIDE_USAGE,
    { min: 1, max: 1, names: '<runId>' },
  );
  if (values.help) return (io.stdout(`${OVERRIDE_USAGE}\n`), 0);
  const decision = oneOf(required(values.decision, '--decision', OVERRIDE_USAGE), ['approve', 'reject'] as const, '--decision', OVERRIDE_USAGE)!;
  const reason = required(values.reason, '--reason', OVERRIDE_USAGE);
  const by = required(values.as, '--as', OVERRIDE_USAGE);
  const format = oneOf(values.format, ['text', 'json'] as const, '--format', OVERRIDE_USAGE) ?? 'text';
  // An override writes the registry and the ledger; it publishes nothing.
  const stack = await openServices(io, { publishes: false });
  try {
    const run = await overrideRun(stack.services, positionals[0]!, { decision, reason, by });
    io.stdout(format === 'json' ? `${JSON.stringify(run, null, 2)}\n` : renderRun(run));
    return EXIT.ok;
  } finally {
    await stack.close();
  }
};

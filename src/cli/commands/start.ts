/**
 * `modelgate start` (`npm start`): the local stack, in the foreground until Ctrl-C.
 */
import { effectiveDecision } from '../../core/run.js';
import { SERVICE_VERSION } from '../../compose.js';
import { promotionSummary, startLocalStack } from '../../local/stack.js';
import { parseCommandArgs } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import { ensureStateDir, runningStack, stateDirOf } from '../services.js';

const USAGE = 'modelgate start [--port N]   (default port 4510, or MODELGATE_PORT; 0 = any free port)';
const WORD = { approve: 'APPROVE', reject: 'REJECT', needs_review: 'NEEDS REVIEW' } as const;

export const startCommand = async (argv: string[], io: CliIO): Promise<number> => {
  const { values } = parseCommandArgs(argv, { port: { type: 'string' } }, USAGE);
  if (values.help) return (io.stdout(`${USAGE}\n`), EXIT.ok);
  const portText = values.port ?? io.env['MODELGATE_PORT'] ?? '4510';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`port must be a whole number from 0 to 65535 (got "${portText}")`, USAGE);
  const stateDir = stateDirOf(io);
  await ensureStateDir(stateDir);
  const other = await runningStack(stateDir);
  if (other) throw new UsageError(`a local stack is already running (pid ${other.pid}, ${other.apiUrl}) in ${stateDir}`);

  const say = (line: string) => io.stdout(`${line}\n`);
  say(`modelgate local stack — ${SERVICE_VERSION}`);
  const running = await startLocalStack({ stateDir, port, log: say });
  say(`  ledger    embedded DynamoDB (dynalite) at ${running.stack.ledgerEndpoint}, data in ${stateDir}`);
  say('Demo registrations (processed through the same handler as EventBridge on AWS):');
  if (running.demo.length === 0) say('  none pending (all demo versions were decided in an earlier start; delete .modelgate/ to start over)');
  for (const { pkg, outcome } of running.demo) {
    const label = `${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion}`.padEnd(28);
    if (outcome.action === 'failed') say(`  ${label} FAILED        ${outcome.error}`);
    else if (outcome.action === 'ignore') say(`  ${label} ignored       ${outcome.reason}`);
    else if (outcome.outcome.status === 'in_progress') say(`  ${label} in progress   ${outcome.outcome.runId}`);
    else {
      const run = outcome.outcome.run;
      say(`  ${label} ${WORD[effectiveDecision(run)].padEnd(13)} ${run.runId}${outcome.outcome.duplicate ? ' (already decided)' : ''}`);
      for (const reason of run.reasons.slice(0, 3)) say(`      ${reason}`);
    }
  }
  if (running.promotions.length > 0) {
    say('Approved versions promoted through their policy stages (dry-run targets: nothing is created in any hosting account):');
    for (const line of promotionSummary(running.promotions)) say(line);
  }
  say(`API: ${running.apiUrl}  (GET /runs, GET /runs/<runId>, POST /events, GET /outbox, GET /health)`);
  say('Try: npx modelgate runs list   |   npx modelgate runs show <runId>');
  say('Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  say('stopping…');
  await running.close();
  say('stopped.');
  return EXIT.ok;
};
